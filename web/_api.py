"""API v1: the routes, each wiring a request to the `mrv.models` function the command line
calls for the same job, with the caller's scope. Writes go through the all-or-nothing
importer (`models.import_tables`), so a request is checked like a file: every bad value
listed, nothing stored, locked commune-years refused, a new version for every change."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
from dataclasses import replace
from datetime import datetime
from enum import Enum
from pathlib import Path, PurePath

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field, create_model
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

import mrv
from mrv import models
from mrv.factors import load_profiles
from mrv.web._auth import Caller, caller, engine_of, scope
from mrv.web._problems import documented

router = APIRouter(prefix="/api/v1")
#: The most rows one request may write (bigger batches go as a file to /imports).
MAX_BATCH = 5000
#: The largest file /imports takes.
MAX_UPLOAD = 100 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".xlsm")

Profile = Enum("Profile", {name: name for name in load_profiles()}, type=str)
Gwp = Enum("Gwp", {name: name for name in mrv.gwp_sets()}, type=str)
Lang = Enum("Lang", {"vi": "vi", "en": "en"}, type=str)
ReportFormat = Enum("ReportFormat", {name: name for name in mrv.REPORT_FORMATS}, type=str)
#: The inventory formats served as one file (the interchange format is a CSV and a YAML: `mrv export inventory`).
INVENTORY_DOWNLOADS = ("xlsx", "csv", "json", "etf", "worksheets")
InventoryFormat = Enum("InventoryFormat", {name: name for name in INVENTORY_DOWNLOADS}, type=str)
Step = Enum("Step", {name: name for name in ("submit", "verify", "lock", "reopen")}, type=str)
Group = Enum("Group", {name: name for name in models.GROUPS}, type=str)
Role = Enum("Role", {role: role for role in models.ROLES}, type=str)
Cell = str | int | float


def _row_model(table: str, key: str | None = None):
    """The JSON of one row of an import table: its columns (`models.TABLE_SPECS`), required
    ones required, values as typed (text or numbers), `key` left out (it is in the URL)."""
    spec = models.TABLE_SPECS[table]
    fields = {column: (Cell, ...) for column in spec.required if column != key}
    fields |= {column: (Cell | None, None) for column in spec.optional if column != key}
    return create_model(f"{table.title().replace('_', '')}{'Update' if key else 'Row'}", **fields)


PlotRow, PlotUpdate = _row_model("plots"), _row_model("plots", "plot_id")
RecordRow, RecordUpdate = _row_model("records"), _row_model("records", "record_id")


class PlotBatch(BaseModel):
    plots: list[PlotRow] = Field(min_length=1, max_length=MAX_BATCH)


class RecordBatch(BaseModel):
    """Records to store; each may carry a client-made `record_id` (a UUID is best), so
    that a record sent again is recognised and stored once."""

    records: list[RecordRow] = Field(min_length=1, max_length=MAX_BATCH)


class ImportOut(BaseModel):
    """What a write did (`models.ImportSummary`)."""

    file: str
    rows: dict[str, int]
    records_added: int
    records_changed: int
    records_unchanged: int
    changed_keys: list[str]
    plots_added: int
    plots_updated: int
    ignored_columns: list[str]
    probable_corrections: list[str]


class MeOut(BaseModel):
    user: str
    role: str
    communes: list[str] | None = Field(description="the communes the user works on; null: every commune")
    may: list[str] = Field(description="the actions of the role (models.PERMISSIONS)")


class CommuneOut(BaseModel):
    code: str
    name: str
    kind: str
    year: int
    status: str
    plots: int
    records: int


class PlotOut(BaseModel):
    plot_id: str
    commune_code: str
    crop: str
    area_ha: float
    area: str
    planting_year: int | None
    irrigation: str
    climate: str
    soil: str | None
    latitude: float | None
    longitude: float | None
    version: int | None


class RecordOut(BaseModel):
    record_id: str
    version: int
    plot_id: str
    commune_code: str
    year: int
    date: str | None
    season: str | None
    activity: str
    product: str | None
    use: str | None
    quantity: str | None
    unit: str | None
    n_content: str | None
    evidence: str | None
    recorded_by: str | None
    recorded_at: datetime


class ReviewIn(BaseModel):
    step: Step
    reason: str | None = Field(None, description="why: required to reopen")


class ReviewOut(BaseModel):
    commune: str
    year: int
    status: str


class FindingOut(BaseModel):
    severity: str
    rule: str
    commune_code: str | None
    plot_id: str | None
    source_row: int | None
    value: str
    message: str


class AuditOut(BaseModel):
    at: datetime
    actor: str | None
    action: str
    commune_code: str | None
    year: int | None
    record_id: str | None
    before: dict | None
    after: dict | None
    evidence: str | None
    reason: str | None


class RunIn(BaseModel):
    year: int = Field(ge=1990, le=2100)
    commune: str | None = Field(None, description="a commune's run; leave out for the province")
    official: bool = Field(False, description="the province-wide run that reports and exports read")
    factors: Profile = Profile("ipcc2019")
    gwp: Gwp = Gwp("AR5")


class RunOut(BaseModel):
    id: uuid.UUID
    year: int
    scope: str
    official: bool
    status: str = Field(description="done: a run is stored whole when it is calculated, or not at all")
    superseded_by: uuid.UUID | None
    factor_profile: str
    factor_set_version: str
    gwp: str
    code_version: str
    input_hash: str
    records: int
    result_rows: int
    created_at: datetime


class TotalOut(BaseModel):
    commune_code: str | None = None
    crop: str | None = None
    source: str | None = None
    gas: str | None = None
    ipcc_category: str | None = None
    boundary: str | None = None
    mass_kg: float | None = Field(None, description="kg of the gas (when grouped by gas)")
    co2e_kg: float


class ProfileOut(BaseModel):
    name: str
    title: str
    chain: list[str]


class FactorOut(BaseModel):
    id: str
    parameter: str
    value: float
    unit: str
    tier: int
    source: str
    status: str
    climate: str | None
    crop: str | None
    input: str | None
    gas: str | None


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    communes: list[str] = Field(default_factory=list, description="a recorder's commune; a verifier's communes")
    password: str | None = Field(None, description="for logging in (at least 10 characters)")


class UserOut(BaseModel):
    name: str
    role: str
    communes: str | None


def _text(value) -> str:
    return "" if value is None else str(value)


def import_frame(rows: list[dict], table: str, source: str, recorder: str | None = None) -> pd.DataFrame:
    """Rows of a request or a form as an import table of `table` in text cells, as a file
    would give them: its required columns always (blank where a row leaves them out), an
    optional column only when some row fills it. Row n is the n-th row (from 1). A record
    that names no `recorded_by` is recorded by `recorder`."""
    if recorder is not None:
        rows = [{**row, "recorded_by": row.get("recorded_by") or recorder} for row in rows]
    required = models.TABLE_SPECS[table].required
    columns = [*required, *(c for c in dict.fromkeys(c for row in rows for c in row)
                            if c not in required and any(row.get(c) is not None for row in rows))]
    frame = pd.DataFrame([[_text(row.get(c)) for c in columns] for row in rows], columns=columns, dtype=str)
    frame.attrs.update({"source": source, "first_row": 1})
    return frame


def _summary(summary: models.ImportSummary) -> dict:
    return ImportOut(**{name: getattr(summary, name) for name in ImportOut.model_fields}).model_dump()


def _apply(request: Request, found: Caller, key: str | None, digest: str, apply) -> JSONResponse:
    """Apply a write once per `Idempotency-Key`: the same key and body (its SHA-256
    `digest`) again get the stored answer (header Idempotent-Replayed: true); a problem
    answer is stored too, so a resent bad batch gets the same list."""
    engine = engine_of(request)
    user_id = found.scope.user_id
    if key is None:
        return JSONResponse(apply())
    stored = models.claim(engine, user_id, key, hashlib.sha256(f"{request.url.path}\0{digest}".encode()).hexdigest())
    if stored is not None:
        status, content = stored
        return JSONResponse(content, status_code=status, headers={"Idempotent-Replayed": "true"},
                            media_type="application/json" if status < 400 else "application/problem+json")
    try:
        answer = apply()
    except Exception as error:
        response = request.app.state.problem_of(error)
        if response.status_code >= 500:
            models.release(engine, user_id, key)
        else:
            models.remember(engine, user_id, key, response.status_code, json.loads(response.body))
        return response
    models.remember(engine, user_id, key, 200, answer)
    return JSONResponse(answer)


async def _write(request: Request, found: Caller, key: str | None, table: str, rows: list[BaseModel],
                 extra: dict | None = None) -> JSONResponse:
    """Store the rows of a JSON request as an import table of `table`, by the caller, once
    per `Idempotency-Key`."""
    digest = hashlib.sha256(await request.body()).hexdigest()
    tables = {table: import_frame([{**row.model_dump(), **(extra or {})} for row in rows], table, f"{table} (request)",
                                  recorder=found.scope.user if table == "records" else None)}
    return await run_in_threadpool(_apply, request, found, key, digest, lambda: _summary(models.import_tables(
        engine_of(request), tables, f"{table} (request)", digest, imported_by=found.scope.user)))


IDEMPOTENCY = Header(None, alias="Idempotency-Key", max_length=models.MAX_IDEMPOTENCY_KEY,
                     description="the same key sent again (after a lost connection) is answered without "
                                 "applying the request twice")
WRITES = documented(401, 403, 409, 413, 422)


@router.get("/me", response_model=MeOut, tags=["accounts"], responses=documented(401))
def me(caller_scope: models.Scope = Depends(scope)) -> MeOut:
    """Who is logged in, their communes and what their role may do."""
    return MeOut(user=caller_scope.user, role=caller_scope.role,
                 communes=None if caller_scope.communes is None else sorted(caller_scope.communes),
                 may=[action for action, roles in models.PERMISSIONS.items() if caller_scope.role in roles])


@router.get("/communes", response_model=list[CommuneOut], tags=["communes"], responses=documented(401, 403))
def communes(request: Request, year: int = Query(..., ge=1990, le=2100),
             caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """The communes the user works on, with the year's review status, plots and records."""
    return models.read_communes(engine_of(request), caller_scope, year)


@router.get("/communes/{code}", response_model=CommuneOut, tags=["communes"], responses=documented(401, 403, 404))
def commune(request: Request, code: str, year: int = Query(..., ge=1990, le=2100),
            caller_scope: models.Scope = Depends(scope)) -> dict:
    """One commune of the user's, with the year's review status, plots and records."""
    found = models.read_communes(engine_of(request), caller_scope, year, code)
    if not found:
        raise HTTPException(404, f"{code!r} is not a commune code of the province")
    return found[0]


@router.post("/communes/{code}/years/{year}/review", response_model=ReviewOut, tags=["review"],
             responses=documented(401, 403, 404, 409, 422))
def review(request: Request, code: str, year: int, step: ReviewIn, found: Caller = Depends(caller)) -> ReviewOut:
    """Move a commune-year one step: submit, verify, lock, or reopen (with a reason)."""
    status = models.review(engine_of(request), code, year, step.step.value, found.scope.user, step.reason)
    return ReviewOut(commune=code, year=year, status=status)


@router.get("/plots", response_model=list[PlotOut], tags=["plots"], responses=documented(401, 403))
def plots(request: Request, commune: str | None = None, crop: str | None = None,
          limit: int = Query(100, ge=1, le=models.MAX_PAGE), offset: int = Query(0, ge=0),
          caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """The user's plots (their latest version), by code."""
    return models.read_plots(engine_of(request), caller_scope, commune=commune, crop=crop, limit=limit, offset=offset)


@router.post("/plots", response_model=ImportOut, tags=["plots"], responses=WRITES)
async def add_plots(request: Request, batch: PlotBatch, key: str | None = IDEMPOTENCY,
                    found: Caller = Depends(caller)) -> JSONResponse:
    """Add plots, or change them (a new version of each changed plot)."""
    return await _write(request, found, key, "plots", batch.plots)


@router.put("/plots/{plot_id}", response_model=ImportOut, tags=["plots"], responses=WRITES)
async def change_plot(request: Request, plot_id: str, plot: PlotUpdate, found: Caller = Depends(caller)) -> JSONResponse:
    """Change one plot: stored as its new version (`valid_from`: the first year it holds)."""
    return await _write(request, found, None, "plots", [plot], {"plot_id": plot_id})


@router.get("/records", response_model=list[RecordOut], tags=["records"], responses=documented(401, 403))
def records(request: Request, commune: str | None = None, year: int | None = Query(None, ge=1990, le=2100),
            plot: str | None = None, limit: int = Query(100, ge=1, le=models.MAX_PAGE), offset: int = Query(0, ge=0),
            caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """The user's current records, as typed, with their version and who recorded them."""
    return models.read_records(engine_of(request), caller_scope, commune=commune, year=year, plot=plot, limit=limit,
                               offset=offset)


@router.post("/records", response_model=ImportOut, tags=["records"], responses=WRITES)
async def add_records(request: Request, batch: RecordBatch, key: str | None = IDEMPOTENCY,
                      found: Caller = Depends(caller)) -> JSONResponse:
    """Add records, or change them (a known `record_id` with new content becomes its new
    version; the same content again changes nothing). Records are never deleted."""
    return await _write(request, found, key, "records", batch.records)


@router.put("/records/{record_id}", response_model=ImportOut, tags=["records"], responses=WRITES)
async def change_record(request: Request, record_id: str, record: RecordUpdate,
                        found: Caller = Depends(caller)) -> JSONResponse:
    """Change one record: stored as its new version, the old one kept."""
    return await _write(request, found, None, "records", [record], {"record_id": record_id})


async def receive(file: UploadFile, folder: Path) -> tuple[Path, str]:
    """An uploaded import file written into `folder` as it arrives (never whole in memory):
    its path (the name as sent, without folders) and SHA-256. 422 for a file that is not
    CSV or XLSX, 413 past `MAX_UPLOAD`."""
    name = PurePath(file.filename or "upload.csv").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise HTTPException(422, f"{name}: cần tệp .xlsx hoặc .csv — lưu bảng tính dạng Excel Workbook hoặc CSV UTF-8 "
                                 "(expected a .csv or .xlsx file: save the sheet as Excel Workbook or CSV UTF-8)")
    path, size, digest = folder / name, 0, hashlib.sha256()
    with path.open("wb") as handle:
        while chunk := await file.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise HTTPException(413, f"{name}: quá {MAX_UPLOAD >> 20} MB — chia nhỏ tệp, hoặc dùng `mrv import` trên "
                                         f"máy chủ (over {MAX_UPLOAD >> 20} MB: split it, or use `mrv import`)")
            handle.write(chunk)
            digest.update(chunk)
    return path, digest.hexdigest()


def import_upload(engine, path: Path, user: str, **options) -> models.ImportSummary:
    """`models.import_file` on a received file; its problems and summary name the file as
    sent, not the folder it was kept in."""
    try:
        summary = models.import_file(engine, path, imported_by=user, **options)
    except mrv.InputError as error:
        raise type(error)([replace(problem, file=problem.file.replace(f"{path.parent}/", ""))
                           for problem in error.problems]) from None
    summary.file = path.name
    return summary


@router.post("/imports", response_model=ImportOut, tags=["imports"], responses=documented(401, 403, 409, 413, 422))
async def import_(request: Request, file: UploadFile = File(..., description="CSV or XLSX, as for `mrv import`"),
                  sao: str | None = Form(None), locale: str | None = Form(None), key: str | None = IDEMPOTENCY,
                  found: Caller = Depends(caller)) -> JSONResponse:
    """Import a CSV or XLSX file through the same all-or-nothing importer as `mrv import`."""
    if locale is not None and locale not in ("vi", "en"):
        raise HTTPException(422, f"locale {locale!r}: expected vi (1.200,5) or en (1,200.5)")
    folder = Path(tempfile.mkdtemp(prefix="mrv-upload-"))
    try:
        path, digest = await receive(file, folder)
        return await run_in_threadpool(_apply, request, found, key, digest, lambda: _summary(import_upload(
            engine_of(request), path, found.scope.user, sao=sao, locale=locale)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.get("/checks", response_model=list[FindingOut], tags=["review"], responses=documented(401, 403))
def checks(request: Request, year: int = Query(..., ge=1990, le=2100), commune: str | None = None,
           caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """QA/QC findings of a year (of one commune), errors first."""
    findings = models.check_year(engine_of(request), year, commune, scope=caller_scope)
    findings = findings.astype(object).where(findings.notna(), None)
    return [{**row, "value": _text(row["value"]),
             "source_row": None if row["source_row"] is None else int(row["source_row"])}
            for row in findings[list(FindingOut.model_fields)].to_dict("records")]


@router.get("/audit", response_model=list[AuditOut], tags=["review"], responses=documented(401, 403))
def audit(request: Request, year: int = Query(..., ge=1990, le=2100), commune: str | None = None,
          caller_scope: models.Scope = Depends(scope)) -> list[AuditOut]:
    """The year's audit trail: who changed what, when, before and after, and why."""
    return [AuditOut(at=e.at, actor=e.actor, action=e.action, commune_code=e.commune_code, year=e.year,
                     record_id=e.record_key, before=e.before, after=e.after, evidence=e.evidence, reason=e.reason)
            for e in models.audit_trail(engine_of(request), year, commune, scope=caller_scope)]


def _run_out(run) -> RunOut:
    return RunOut(**{name: getattr(run, name) for name in RunOut.model_fields if name != "status"}, status="done")


@router.post("/runs", response_model=RunOut, status_code=201, tags=["runs"], responses=documented(401, 403, 422))
def start_run(request: Request, run: RunIn, found: Caller = Depends(caller)) -> RunOut:
    """Calculate a year (of a commune, or the province; official or not) and store the run."""
    if run.official and run.commune is not None:
        raise HTTPException(422, "an official run covers the whole province: leave out the commune")
    stored = models.calculate_year(engine_of(request), run.year, commune=run.commune, official=run.official,
                                   factors=run.factors.value, gwp=run.gwp.value, by=found.scope.user)
    return _run_out(stored)


@router.get("/runs", response_model=list[RunOut], tags=["runs"], responses=documented(401, 403))
def runs(request: Request, year: int | None = Query(None, ge=1990, le=2100),
         caller_scope: models.Scope = Depends(scope)) -> list[RunOut]:
    """The calculation runs (of a year), newest first."""
    return [_run_out(run) for run in models.read_runs(engine_of(request), caller_scope, year)]


class SeriesIn(BaseModel):
    factors: Profile = Profile("ipcc2019")
    gwp: Gwp = Gwp("AR5")


@router.post("/runs/series", response_model=list[RunOut], status_code=201, tags=["runs"],
             responses=documented(401, 403, 422))
def recalculate(request: Request, series: SeriesIn, found: Caller = Depends(caller)) -> list[RunOut]:
    """A new official run of every year with records, with one factor set (`mrv recalc --series`)."""
    return [_run_out(run) for run in models.recalculate_series(engine_of(request), series.factors.value,
                                                               series.gwp.value, by=found.scope.user)]


@router.get("/runs/{run_id}", response_model=RunOut, tags=["runs"], responses=documented(401, 403, 404))
def run(request: Request, run_id: uuid.UUID, caller_scope: models.Scope = Depends(scope)) -> RunOut:
    """One run: its status, factors, input hash and size."""
    return _run_out(models.read_run(engine_of(request), caller_scope, run_id))


@router.get("/runs/{run_id}/totals", response_model=list[TotalOut], tags=["runs"], responses=documented(401, 403, 404))
def totals(request: Request, run_id: uuid.UUID, by: list[Group] = Query([Group("commune_code"), Group("source"),
                                                                       Group("gas")]),
           commune: str | None = None, caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """A run's results summed by commune, crop, source, gas, IPCC category or boundary."""
    chosen = tuple(dict.fromkeys(group.value for group in by))
    table = models.run_totals(engine_of(request), caller_scope, run_id, chosen, commune)
    return table.astype(object).where(table.notna(), None).to_dict("records")


def _download(path: Path, folder: Path, media_type: str | None = None) -> FileResponse:
    return FileResponse(path, filename=path.name, media_type=media_type,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


FILE_RESPONSES = {200: {"description": "the file", "content": {"application/octet-stream": {}}}}


@router.get("/reports/{year}", tags=["reports"], response_class=FileResponse,
            responses={**FILE_RESPONSES, **documented(401, 403, 404)})
def report(request: Request, year: int, format: ReportFormat = Query(ReportFormat("xlsx")), lang: Lang = Lang("vi"),
           caller_scope: models.Scope = Depends(scope)) -> FileResponse:
    """The annual report of a year's official run (XLSX, HTML or PDF)."""
    content = models.build_report(engine_of(request), year, lang.value, scope=caller_scope)
    folder = Path(tempfile.mkdtemp(prefix="mrv-report-"))
    written = mrv.write_report(content, folder, (format.value,))
    return _download(written[0], folder)


class UncertaintyItem(BaseModel):
    item: str
    central_t: float
    mean_t: float
    median_t: float
    lower_t: float
    upper_t: float
    lower_pct: float | None
    upper_pct: float | None
    approach1_pct: float | None


class UncertaintyOut(BaseModel):
    run: uuid.UUID
    draws: int
    seed: int
    held: list[str] = Field(description="factors held at their value (no distribution)")
    evidence: dict[str, int] = Field(description="records by kind of evidence")
    items: list[UncertaintyItem]


@router.get("/uncertainty/{year}", response_model=UncertaintyOut, tags=["reports"], responses=documented(401, 403, 404))
def uncertainty(request: Request, year: int, draws: int = Query(10_000, ge=100, le=100_000), seed: int = Query(1, ge=0),
                lang: Lang = Lang("vi"), caller_scope: models.Scope = Depends(scope)) -> UncertaintyOut:
    """Monte Carlo (IPCC Approach 2) and Approach 1 uncertainty of a year (`mrv uncertainty`)."""
    run, spread = models.year_uncertainty(engine_of(request), year, draws=draws, seed=seed, lang=lang.value,
                                          scope=caller_scope)
    table = spread.table.astype(object).where(spread.table.notna(), None)
    return UncertaintyOut(run=run.id, draws=spread.draws, seed=spread.seed, held=list(spread.held),
                          evidence={str(k): int(v) for k, v in spread.evidence.items()},
                          items=table[list(UncertaintyItem.model_fields)].to_dict("records"))


class ClaimableOut(BaseModel):
    plot_id: str
    year: int
    commune_code: str | None
    reduction_t: float | None = Field(description="the plot-year's reduction in the official run, t CO2e")
    claimed_t: float = Field(description="what the claims register takes of it, t CO2e")
    free_t: float = Field(description="what is left to claim: the reduction above zero less the claims "
                                      "(below zero when a later official run no longer backs the claims)")


@router.get("/claims/{year}", response_model=list[ClaimableOut], tags=["reports"],
            responses=documented(401, 403, 404))
def claims(request: Request, year: int, caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """Each pilot plot-year's reduction in the year's official run, what the claims register
    takes of it and what is still free to claim (404 without an official run)."""
    found = models.claims_register(engine_of(request), year, scope=caller_scope)
    found = found.astype(object).where(found.notna(), None)
    return found[list(ClaimableOut.model_fields)].to_dict("records")


@router.get("/template", tags=["imports"], response_class=FileResponse,
            responses={**FILE_RESPONSES, **documented(401)})
def template(lang: Lang = Lang("vi"), caller_scope: models.Scope = Depends(scope)) -> FileResponse:
    """The XLSX import template, with drop-down lists (`mrv template`; every role)."""
    folder = Path(tempfile.mkdtemp(prefix="mrv-template-"))
    return _download(models.write_template(folder / f"mau-nhap-lieu-{lang.value}.xlsx", lang.value), folder)


@router.get("/inventory/{year}", tags=["reports"], response_class=FileResponse,
            responses={**FILE_RESPONSES, **documented(401, 403, 404)})
def inventory(request: Request, year: int, format: InventoryFormat = Query(InventoryFormat("xlsx")),
              gwp: Gwp = Gwp("AR5"), caller_scope: models.Scope = Depends(scope)) -> FileResponse:
    """The year's provincial estimate in the national inventory's categories: the table
    (xlsx, csv, json), the CRT data exchange JSON (etf) or the IPCC worksheets (worksheets)."""
    export = models.inventory_export(engine_of(request), year, gwp.value, scope=caller_scope)
    folder = Path(tempfile.mkdtemp(prefix="mrv-inventory-"))
    name = f"inventory-{year}-{format.value}.{mrv.inventory_suffix(format.value)}"
    return _download(mrv.write_inventory(export, folder / name, format.value)[0], folder)


@router.get("/factors", response_model=list[ProfileOut], tags=["factors"], responses=documented(401, 403))
def profiles(caller_scope: models.Scope = Depends(scope)) -> list[ProfileOut]:
    """The factor profiles, each with the chain of factor sets it reads in order (every role)."""
    return [ProfileOut(name=name, title=profile.title, chain=list(profile.chain))
            for name, profile in load_profiles().items()]


@router.get("/factors/{profile}", response_model=list[FactorOut], tags=["factors"], responses=documented(401, 403))
def factors(profile: Profile, caller_scope: models.Scope = Depends(scope)) -> list[dict]:
    """The factors of a profile in chain order: value, unit, tier, source and status (every role)."""
    rows = mrv.factor_profile(profile.value).rows
    rows = rows[list(FactorOut.model_fields)].astype(object)
    return rows.where(rows.notna(), None).to_dict("records")


class PasswordChange(BaseModel):
    current: str = Field(min_length=1)
    new: str = Field(min_length=1, description="at least 10 characters")


@router.put("/me/password", status_code=204, tags=["accounts"], responses=documented(401, 403, 422))
def change_password(request: Request, change: PasswordChange, found: Caller = Depends(caller)) -> Response:
    """Change one's own password; every session and token of the user ends, this one too."""
    models.change_own_password(engine_of(request), found.scope, change.current, change.new)
    return Response(status_code=204)


class PasswordIn(BaseModel):
    password: str = Field(min_length=1, description="at least 10 characters")


@router.put("/users/{name}/password", status_code=204, tags=["accounts"], responses=documented(401, 403, 422))
def set_password(request: Request, name: str, new: PasswordIn, found: Caller = Depends(caller)) -> Response:
    """Give a user a new password (admin); their sessions and tokens end."""
    models.set_password(engine_of(request), name, new.password, by=found.scope)
    return Response(status_code=204)


@router.get("/users", response_model=list[UserOut], tags=["accounts"], responses=documented(401, 403))
def users(request: Request, caller_scope: models.Scope = Depends(scope)) -> list[UserOut]:
    """The registered users (admin)."""
    return [UserOut(name=name, role=role, communes=communes)
            for name, role, communes in models.list_users(engine_of(request), scope=caller_scope)]


@router.post("/users", response_model=UserOut, status_code=201, tags=["accounts"], responses=documented(401, 403, 422))
def add_user(request: Request, user: UserIn, found: Caller = Depends(caller)) -> UserOut:
    """Register a person (admin): a recorder with their commune, a verifier with theirs."""
    added = models.add_user(engine_of(request), user.name, user.role.value, user.communes, user.password, by=found.scope)
    return UserOut(name=added.name, role=added.role, communes=",".join(user.communes) or None)


@router.post("/users/{name}/revoke", response_model=dict[str, int], tags=["accounts"], responses=documented(401, 403, 422))
def revoke_user(request: Request, name: str, found: Caller = Depends(caller)) -> dict[str, int]:
    """End every session and token of a user (admin)."""
    return {"ended": models.revoke_user(engine_of(request), name, by=found.scope)}
