"""The pages (DESIGN.md §9b): server-rendered HTML in Vietnamese (English as an option),
with htmx for the few requests that should not reload a page, and Leaflet for the map —
both vendored in `static/vendor/`, nothing loaded from another site. Every page reads and
writes through the same `mrv.models` functions as the API, with the logged-in person's
scope; a form is stored through the importer, so it is checked exactly like a file row,
and each problem is shown beside its field."""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

import mrv
from mrv import catalogue, models
from mrv.web._api import INVENTORY_DOWNLOADS, import_frame, import_upload, receive
from mrv.web._auth import SESSION_COOKIE, Caller, ThrottledError, caller, engine_of, login, start_session

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
LANG_COOKIE = "mrv_lang"
#: The fields of the plot and record forms (the rest of each table stays in the file import).
PLOT_FIELDS = ("plot_id", "crop", "area", "area_unit", "irrigation", "planting_year", "pilot_model_id", "role",
               "latitude", "longitude")
RECORD_FIELDS = ("plot_id", "year", "date", "activity", "product", "quantity", "unit", "n_content", "season",
                 "evidence", "record_id")
#: Colours of the crops on the map and in charts (Okabe–Ito, readable by colour-blind eyes).
CROP_COLOURS = {"coffee": "#8c510a", "sugarcane": "#009e73", "durian": "#e69f00", "pepper": "#000000",
                "rice": "#56b4e9", "maize": "#f0e442", "cassava": "#cc79a7"}
#: Where a person lands after logging in, by role.
HOME = {"recorder": "commune", "verifier": "province", "province_officer": "province", "inventory": "inventory",
        "admin": "account"}
TITLES = {401: "login", 403: "not_allowed", 404: "not_found", 409: "conflict", 422: "bad_input", 429: "login"}

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """A page asked for without a live session: answered by the login page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


@functools.cache
def labels() -> dict[str, dict[str, str]]:
    """key → {vi, en} of every text on the pages (`labels.csv`)."""
    with (HERE / "labels.csv").open(encoding="utf-8") as handle:
        return {row["key"]: {"vi": row["vi"], "en": row["en"]} for row in csv.DictReader(handle)}


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def translator(lang: str):
    def t(key: str, **values) -> str:
        text = labels()[key][lang]
        return text.format(**values) if values else text
    return t


async def person(request: Request) -> Caller:
    """The logged-in caller of a page; without a session, the login page."""
    try:
        return await caller(request)
    except HTTPException as error:
        if error.status_code == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target) from None
        raise


def render(request: Request, name: str, found: Caller | None = None, status: int = 200, **context) -> HTMLResponse:
    lang = lang_of(request)
    t = translator(lang)

    def fmt(value, digits: int = 2) -> str:
        return mrv.figure(value, digits, lang)

    return TEMPLATES.TemplateResponse(request, name, {
        "t": t, "say": functools.partial(mrv.say, lang=lang), "lang": lang, "fmt": fmt,
        "local_time": functools.partial(mrv.province_time, lang=lang), "action_names": models.AUDIT_ACTIONS,
        "me": found.scope if found else None, "csrf": found.csrf if found else "",
        "may": functools.partial(_may, found.scope) if found else (lambda action, commune=None: False),
        "headers": models.column_labels(), **context}, status_code=status)


def _may(scope: models.Scope, action: str, commune: str | None = None) -> bool:
    """Whether the scope may take the action on `commune`, or (without one) on some commune:
    what a page offers; the data layer decides again when it is taken."""
    return scope.may(action, commune) if commune else scope.role in models.PERMISSIONS[action]


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """The page of a refused or failed request (the API answers problem details instead)."""
    return render(request, "error.html", status=status, code=status, title=TITLES.get(status, "server_error"),
                  detail=detail)


def _year(request: Request, found: Caller, year: int | None) -> tuple[int, list[int]]:
    years = models.record_years(engine_of(request), found.scope) if _may(found.scope, "read") else []
    chosen = year or (years[0] if years else date.today().year)
    return chosen, sorted({*years, chosen, date.today().year}, reverse=True)


def _back(path: str | None, default: str) -> str:
    """A local path to return to (never another site)."""
    return path if path and path.startswith("/") and not path.startswith("//") else default


@router.get("/")
async def home(request: Request) -> Response:
    try:
        found = await caller(request)
    except HTTPException:
        return RedirectResponse("/login", 303)
    return RedirectResponse(f"/{HOME.get(found.scope.role, 'account')}", 303)


@router.get("/chung-nhan/{code}")
def certificate_page(request: Request, code: str, sha256: str | None = None) -> HTMLResponse:
    """A label certificate for anyone who scans its QR code, without logging in: what it
    states and whether the data behind it is unchanged (`models.verify_certificate`). A
    certificate is a public statement; nothing else of the database shows here."""
    lang = lang_of(request)
    t = translator(lang)
    try:
        checked = models.verify_certificate(engine_of(request), code, scanned_hash=sha256)
    except LookupError:
        return error_page(request, 404, t("certificate_unknown", code=code))
    claims = checked.claims
    changed = [t(f"certificate_changed_{piece.partition(':')[0]}", plot=piece.partition(":")[2])
               for piece in checked.changed]
    return render(request, "certificate.html", checked=checked, claims=claims, changed=changed,
                  product=mrv.catalogue("products")[f"name_{lang}"][claims["product"]],
                  communes=", ".join(sorted({plot["commune"] for plot in claims["plots"]})))


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", next=_back(next, "/"))


@router.post("/login")
def login_form(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")) -> Response:
    t = translator(lang_of(request))
    try:
        user = login(request, username, password)
    except ThrottledError as error:
        return render(request, "login.html", status=429, next=_back(next, "/"), username=username,
                      error=t("throttled", seconds=error.retry_after))
    except HTTPException:
        return render(request, "login.html", status=401, next=_back(next, "/"), username=username,
                      error=t("login_failed"))
    response = RedirectResponse(_back(next, "/"), 303)
    start_session(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request, found: Caller = Depends(person)) -> Response:
    models.revoke_token(engine_of(request), found.token)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def language(lang: str, next: str | None = None) -> Response:
    response = RedirectResponse(_back(next, "/"), 303)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "vi", max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/account")
def account(request: Request, found: Caller = Depends(person)) -> HTMLResponse:
    return render(request, "account.html", found)


@router.post("/account")
def change_password(request: Request, current: str = Form(""), new: str = Form(""),
                    found: Caller = Depends(person)) -> Response:
    t = translator(lang_of(request))
    try:
        models.change_own_password(engine_of(request), found.scope, current, new)
    except models.UserError as error:
        return render(request, "account.html", found, status=422, error=mrv.said(error, lang_of(request)))
    response = render(request, "login.html", next="/", notice=t("password_changed"))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _every(read, engine, scope: models.Scope, **filters) -> list[dict]:
    """Every row of a paged read of `mrv.models` (`read_plots`, `read_records`), page by page."""
    rows: list[dict] = []
    while page := read(engine, scope, **filters, limit=models.MAX_PAGE, offset=len(rows)):
        rows += page
    return rows


def _emissions(results: pd.DataFrame, lang: str) -> pd.DataFrame:
    """t CO2e and kg of gas by source and gas, largest first (removals left out)."""
    table = mrv.rollup(results[results["mass_kg"] >= 0], by=("source", "gas"))
    table["co2e_t"] = table["co2e_kg"] / 1000
    table["source"] = table["source"].astype(str).map(catalogue("sources")[f"name_{lang}"])
    return table.sort_values("co2e_t", ascending=False, ignore_index=True)


def _problems_by_field(error: mrv.InputError, lang: str) -> dict[str, list[mrv.Problem]]:
    found: dict[str, list[mrv.Problem]] = {}
    for problem in error.said(lang):
        found.setdefault(problem.column, []).append(problem)
    return found


def _commune_page(request: Request, found: Caller, code: str, year: int | None, status: int = 200,
                  **context) -> HTMLResponse:
    engine = engine_of(request)
    year, years = _year(request, found, year)
    commune = models.read_communes(engine, found.scope, year, code)
    if not commune:
        raise LookupError(mrv.msg("{code}: not a commune code of the province", code=code))
    state = models.commune_year(engine, year, code, scope=found.scope)
    lang = lang_of(request)
    return render(request, "commune.html", found, status=status, commune=commune[0], year=year, years=years,
                  state=state, emissions=_emissions(state.results, lang),
                  activity_names=catalogue("activities")[f"name_{lang}"],
                  product_names=catalogue("products")[f"name_{lang}"], crop_names=catalogue("crops")[f"name_{lang}"],
                  plots=_every(models.read_plots, engine, found.scope, commune=code),
                  records=_every(models.read_records, engine, found.scope, commune=code, year=year),
                  lists=models.input_lists("vi"), **context)


@router.get("/commune")
def own_commune(found: Caller = Depends(person)) -> Response:
    codes = sorted(found.scope.communes or [])
    return RedirectResponse(f"/communes/{codes[0]}" if codes else "/province", 303)


@router.get("/communes/{code}")
def commune_page(request: Request, code: str, year: int | None = None, saved: str | None = None,
                 edit_plot: str | None = None, edit_record: str | None = None,
                 found: Caller = Depends(person)) -> HTMLResponse:
    """The commune's page; `edit_plot` or `edit_record` opens that one's form filled in."""
    engine = engine_of(request)
    context: dict = {"saved": saved}
    if edit_plot:
        plot = models.read_plots(engine, found.scope, commune=code, plot=edit_plot, limit=1)
        if not plot:
            raise LookupError(mrv.msg("{plot}: no such plot in the commune", plot=edit_plot))
        context |= {"plot_form": _as_typed(plot[0], PLOT_FIELDS), "editing": {"plot_id": edit_plot}}
    if edit_record:
        record = models.read_records(engine, found.scope, commune=code, record=edit_record, limit=1)
        if not record:
            raise LookupError(mrv.msg("{record}: no such record in the commune", record=edit_record))
        context |= {"record_form": _as_typed(record[0], RECORD_FIELDS), "editing": {"record_id": edit_record}}
    return _commune_page(request, found, code, year, **context)


def _as_typed(stored: dict, fields: tuple[str, ...]) -> dict[str, str]:
    """A stored plot or record as its form shows it (the text as typed where it is kept)."""
    typed = dict(stored)
    if stored.get("area"):  # kept as typed with its unit: "9 sào nam"
        typed["area"], _, typed["area_unit"] = str(stored["area"]).partition(" ")
    return {name: str(typed[name]) for name in fields if typed.get(name) is not None}


def _store(request: Request, found: Caller, table: str, row: dict[str, str]) -> None:
    """One form as a one-row import table, stored by the importer (all checks, all or nothing)."""
    frame = import_frame([row], table, "form", recorder=found.scope.user if table == "records" else None)
    digest = hashlib.sha256(frame.to_json().encode()).hexdigest()
    models.import_tables(engine_of(request), {table: frame}, f"{table} (form)", digest, imported_by=found.scope.user)


def _refresh(request: Request, found: Caller, code: str, year: int | None) -> None:
    """Recalculate the commune-year a write changed, with the write: the next view of the
    commune page then answers from `models.commune_year`'s cache."""
    if year is not None:
        models.commune_year(engine_of(request), year, code, scope=found.scope)


async def _form_row(request: Request, fields: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in fields if str(form.get(name, "")).strip()}


async def _save(request: Request, found: Caller, code: str, table: str, fields: tuple[str, ...],
                extra: dict[str, str], year: int | None) -> Response:
    row = {**await _form_row(request, fields), **extra}
    if table == "plots":
        row["commune_code"] = code
    form_name = "plot_form" if table == "plots" else "record_form"
    try:
        await run_in_threadpool(_store, request, found, table, row)
    except models.OutOfScope:
        raise
    except mrv.InputError as error:
        return await run_in_threadpool(_commune_page, request, found, code, year, 422, **{
            form_name: row, f"{form_name}_problems": _problems_by_field(error, lang_of(request)),
            "open_form": form_name, "editing": extra})
    saved = row.get("plot_id") if table == "plots" else row.get("record_id") or row.get("plot_id")
    year = int(row["year"]) if table == "records" and str(row.get("year", "")).isdigit() else year
    await run_in_threadpool(_refresh, request, found, code, year)
    return RedirectResponse(f"/communes/{code}?year={year or ''}&saved={saved}#{table}", 303)


@router.post("/communes/{code}/plots")
async def add_plot(request: Request, code: str, year: int | None = None, found: Caller = Depends(person)) -> Response:
    return await _save(request, found, code, "plots", PLOT_FIELDS, {}, year)


@router.post("/communes/{code}/plots/{plot_id}")
async def edit_plot(request: Request, code: str, plot_id: str, year: int | None = None,
                    found: Caller = Depends(person)) -> Response:
    return await _save(request, found, code, "plots", PLOT_FIELDS[1:], {"plot_id": plot_id}, year)


@router.post("/communes/{code}/records")
async def add_record(request: Request, code: str, year: int | None = None, found: Caller = Depends(person)) -> Response:
    return await _save(request, found, code, "records", RECORD_FIELDS, {}, year)


@router.post("/communes/{code}/records/{record_id}")
async def edit_record(request: Request, code: str, record_id: str, year: int | None = None,
                      found: Caller = Depends(person)) -> Response:
    return await _save(request, found, code, "records", RECORD_FIELDS[:-1], {"record_id": record_id}, year)


@router.post("/communes/{code}/upload")
async def upload(request: Request, code: str, file: UploadFile, year: int | None = None,
                 found: Caller = Depends(person)) -> Response:
    """An import file sent from the commune page: the summary, or its problems as a table."""
    folder = Path(tempfile.mkdtemp(prefix="mrv-upload-"))
    try:
        path, _ = await receive(file, folder)
        try:
            summary = await run_in_threadpool(import_upload, engine_of(request), path, found.scope.user)
        except mrv.InputError as error:
            return await run_in_threadpool(_commune_page, request, found, code, year, 422,
                                           upload_problems=error.said(lang_of(request)),
                                           upload_name=path.name)
        message = translator(lang_of(request))("imported", file=path.name, added=summary.records_added,
                                               changed=summary.records_changed, plots=summary.plots_added)
        return await run_in_threadpool(_commune_page, request, found, code, year, upload_done=message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.post("/communes/{code}/review")
def review(request: Request, code: str, step: str = Form(...), year: int = Form(...), reason: str = Form(""),
           back: str = Form("/province"), found: Caller = Depends(person)) -> Response:
    models.review(engine_of(request), code, year, step, found.scope.user, reason or None)
    target = _back(back, "/province")
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}done={code}", 303)


def _official(request: Request, found: Caller, year: int):
    """The year's official run in force, if the role may read results."""
    if not _may(found.scope, "results"):
        return None
    runs = models.read_runs(engine_of(request), found.scope, year)
    return next((run for run in runs if run.official and run.superseded_by is None), None)


@router.get("/province")
def province(request: Request, year: int | None = None, done: str | None = None,
             found: Caller = Depends(person)) -> HTMLResponse:
    engine = engine_of(request)
    year, years = _year(request, found, year)
    communes = models.read_communes(engine, found.scope, year)
    occurrence = models.read_occurrence(engine, found.scope, year)
    run = _official(request, found, year)
    emissions = {}
    if run is not None:
        totals = models.run_totals(engine, found.scope, run.id, ("commune_code", "boundary"), removals=False)
        totals = totals[totals["boundary"].isin(("afolu", "energy"))]
        emissions = (totals.groupby("commune_code")["co2e_kg"].sum() / 1000).to_dict()
    points = [[p["latitude"], p["longitude"], str(p["crop"]), p["plot_id"], p["commune_code"]]
              for p in _every(models.read_plots, engine, found.scope, located=True)]
    return render(request, "province.html", found, year=year, years=years, communes=communes, occurrence=occurrence,
                  run=run, emissions=emissions, points=points, colours=CROP_COLOURS, done=done,
                  crop_names=catalogue("crops")[f"name_{lang_of(request)}"].to_dict(),
                  tiles=os.environ.get("MRV_TILE_URL", ""))


@router.post("/runs")
def start_run(request: Request, year: int = Form(...), found: Caller = Depends(person)) -> HTMLResponse:
    """The official run of a year; answers the fragment that replaces the run panel."""
    run = models.calculate_year(engine_of(request), year, official=True, by=found.scope.user)
    return render(request, "run_panel.html", found, year=year, run=run, just_ran=True)


@router.get("/audit")
def audit(request: Request, year: int | None = None, commune: str | None = None, action: str | None = None,
          actor: str | None = None, found: Caller = Depends(person)) -> HTMLResponse:
    year, years = _year(request, found, year)
    entries = models.audit_trail(engine_of(request), year, commune or None, scope=found.scope)
    actions = sorted({entry.action for entry in entries})
    actors = sorted({entry.actor for entry in entries if entry.actor})
    chosen = [entry for entry in reversed(entries) if (not action or entry.action == action)
              and (not actor or entry.actor == actor)]
    return render(request, "audit.html", found, year=year, years=years, entries=chosen[:500], count=len(chosen),
                  actions=actions, actors=actors, commune=commune or "", action=action or "", actor=actor or "",
                  communes=models.read_communes(engine_of(request), found.scope, year))


@router.get("/inventory")
def inventory(request: Request, year: int | None = None, found: Caller = Depends(person)) -> HTMLResponse:
    found.scope.require_role("export")
    year, years = _year(request, found, year)
    run = _official(request, found, year)
    table = metadata = None
    if run is not None:
        export = models.inventory_export(engine_of(request), year, "AR5", scope=found.scope)
        table, metadata = export.table, export.metadata
    return render(request, "inventory.html", found, year=year, years=years, run=run, table=table, metadata=metadata,
                  formats=INVENTORY_DOWNLOADS)
