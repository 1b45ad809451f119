"""Commands of `mrv` (Typer). Errors say what is wrong, where, and how to fix it; a run
with bad input writes nothing."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

import mrv
from mrv import models, msg

if TYPE_CHECKING:  # imported by the commands that use it, not to answer --help
    import pandas as pd

#: Exit codes: 0 done, 1 QA/QC errors found (`mrv check`), 2 bad input, 3 a factor file breaks
#: its schema, 4 the environment (database, file system), 70 a fault of the program itself.
ENVIRONMENT, BUG = 4, 70

#: Environment faults: the cause, then the fix ({detail} and {log} filled in).
FAULTS = {
    "unknown_url": msg("{detail}: not a database URL this program knows. Fix: use sqlite:///path/mrv.sqlite or "
                       "postgresql://user@host:5432/mrv"),
    "folder": msg("{detail} is a folder, not a database file. Fix: name a file in it, e.g. {detail}/mrv.sqlite"),
    "missing_folder": msg("The folder {detail} does not exist. Fix: create it, or correct the --db path"),
    "not_database": msg("{detail} is not a database file. Fix: name a new file, or the right mrv.sqlite"),
    "damaged": msg("The database file is damaged ({detail}); nothing was written to it. Fix: restore the last "
                   "backup"),
    "newer_schema": msg("The database was made by a newer version of mrv ({detail}). Fix: install the newer mrv"),
    "read_only": msg("The database is read-only; nothing was written. Fix: make the file and its folder writable"),
    "locked": msg("Another mrv command is writing to the database (waited 60 s). Fix: run again when it is done"),
    "disk_full": msg("The disk is full; nothing was stored. Fix: free some space and run again"),
    "cannot_open": msg("The database cannot be opened ({detail}). Fix: check the --db path and its permissions"),
    "cannot_connect": msg("The database server cannot be reached ({detail}). Fix: check the address, the "
                          "password and that PostgreSQL runs"),
    "cannot_write": msg("{detail} cannot be written. Fix: choose a writable folder, or close the file in Excel"),
    "bug": msg("A fault in mrv itself ({detail}); details in {log}. Fix: report it with the command and that file"),
}


def _fault(error: BaseException) -> tuple[str, str]:
    """The kind of an environment fault (a key of FAULTS) and its detail; ("", "") if it is none."""
    import sqlalchemy.exc
    if isinstance(error, models.DatabaseError):
        return error.kind, error.detail
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        text = str(error.orig).lower()
        for words, kind in (("readonly", "read_only"), ("read-only", "read_only"), ("locked", "locked"),
                            ("disk is full", "disk_full"), ("no space left", "disk_full"), ("malformed", "damaged"),
                            ("not a database", "damaged"), ("unable to open", "cannot_open")):
            if words in text:
                return kind, str(error.orig).splitlines()[0]
        if isinstance(error, sqlalchemy.exc.OperationalError):
            return "cannot_connect", str(error.orig).splitlines()[0]
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return "disk_full", ""
        return "cannot_write", str(error.filename or error)
    return "", ""


def _language_of(words: list[str]) -> str:
    """The --lang of a command line (vi unless it says --lang en)."""
    return "en" if any(a == "--lang" and b == "en" for a, b in zip(words, words[1:])) else "vi"


def _usage_problem(error) -> str:
    """What is wrong with a command line Typer could not parse — an option missing or
    unknown, a value outside its choices, a file that does not exist, words too many — as
    a message (Typer's own text is English only)."""
    param = getattr(error, "param", None)
    name = param.get_error_hint() if param is not None else ""
    detail = getattr(error, "message", "") or str(error)
    if type(error).__name__ == "MissingParameter":
        return msg("{name} is missing: this command needs it", name=name)
    if hasattr(error, "option_name"):
        return msg("there is no option {name}", name=error.option_name)
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return msg("{name} takes one of: {choices}", name=name, choices=", ".join(choice.value for choice in kind))
    path = re.search(r"'(.*)' (does not exist|is a directory)", detail)
    if kind is Path and path and path[2] == "does not exist":
        return msg("{name}: there is no file or folder {path}", name=name, path=repr(path[1]))
    if kind is Path and path:
        return msg("{name}: {path} is a folder: name a file in it", name=name, path=repr(path[1]))
    bound = re.search(r"(greater|less) than or equal to (\S+)", detail)
    if kind is int and bound and bound[1] == "greater":
        return msg("{name} takes {bound} or more", name=name, bound=bound[2])
    if kind is int and bound:
        return msg("{name} takes at most {bound}", name=name, bound=bound[2])
    if kind is int:
        return msg("{name} takes a whole number, e.g. 2025", name=name)
    extra = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", detail)
    if extra:
        return msg("more words than the command takes: {words}", words=extra[1])
    return msg("{name}: {detail}", name=name, detail=detail) if name else detail


#: The language of the help of commands and options: Typer builds it when the program
#: starts, so the command line's --lang is read then.
HELP_LANG = _language_of(sys.argv[1:])


def help_text(template: str) -> str:
    """The help of a command or an option (English in the code, a key of the catalogue) in HELP_LANG."""
    return mrv.say(msg(template), HELP_LANG)


class _Guarded(TyperGroup):
    """Every command under one guard: an environment fault is one line with its cause and
    fix in the command's language (exit 4), a fault of the program one line and a log
    file (exit 70); never a traceback."""

    def parse_args(self, ctx, args):
        ctx.meta["words"] = list(args)  # the command line, to find its --lang
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as error:  # a command line Typer cannot parse
            if type(error).__name__ == "NoArgsIsHelpError" or getattr(error, "ctx", None) is None:
                raise  # Typer prints the help
            lang = _language_of(ctx.meta.get("words", []))
            _fail(_usage_problem(error), lang)
            _fail(msg("See {command} --help", command=error.ctx.command_path), lang)
            raise typer.Exit(2) from None
        except Exception as error:
            lang = _language_of(ctx.meta.get("words", []))
            kind, detail = _fault(error)
            if kind:
                _fail(FAULTS[kind].fill(detail=detail), lang)
                raise typer.Exit(ENVIRONMENT) from None
            handle, log = tempfile.mkstemp(prefix="mrv-error-", suffix=".log")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write("".join(traceback.format_exception(error)))
            _fail(FAULTS["bug"].fill(detail=f"{type(error).__name__}: {error}".splitlines()[0], log=log), lang)
            raise typer.Exit(BUG) from None


app = typer.Typer(help=help_text("MRV of greenhouse-gas emissions from crop production in Đắk Lắk."), no_args_is_help=True,
                  add_completion=False, cls=_Guarded)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Profile(str, Enum):
    ipcc2019 = "ipcc2019"
    ipcc2006 = "ipcc2006"
    vn2022 = "vn2022"


#: catalogue/gwp.csv's sets, written out so that the CLI starts without reading the catalogues
#: (tests/test_cli.py checks that they agree).
Gwp = Enum("Gwp", {name: name for name in ("AR4", "AR5", "AR6", "AR6-origin")}, type=str)


class Lang(str, Enum):
    vi = "vi"
    en = "en"


#: A required --year whose official run a command reads.
OFFICIAL_YEAR_OPTION = typer.Option(..., "--year", help=help_text("Year (its official run is read)."))
#: The `--lang` option every command takes: the language of its messages and headers.
LANG_OPTION = typer.Option(Lang.vi, "--lang", help=help_text("Language of the messages: vi (Vietnamese) or en."))


#: How a CSV file's encoding is named to a person.
ENCODINGS = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1258": "Windows-1258"}

#: The `--db` option every database command takes.
DB_OPTION = typer.Option(None, "--db", help=help_text("Database URL (default: MRV_DATABASE_URL, else "
                                                      "sqlite:///mrv.sqlite)."))

#: The command line's words, by key (`_say`).
LABELS = {
    "source": msg("Source"),
    "gas": msg("Gas"),
    "mass": msg("Mass of gas (kg)"),
    "co2e": msg("t CO2e"),
    "boundary": msg("Boundary"),
    "total": msg("Total"),
    "title": msg("Emissions by source and gas"),
    "rows": msg("result rows"),
    "written": msg("Written"),
    "to_check": msg("factors still marked 'to check' (compare with the source)"),
    "storing": msg("Writing"),
    "official": msg("Official run"),
    "run": msg("Run"),
    "records": msg("records"),
    "imported": msg("Imported"),
    "added": msg("new records"),
    "changed": msg("changed records (stored as new versions)"),
    "unchanged": msg("unchanged"),
    "plots": msg("plots"),
    "removal": msg("removal"),
    "removals": msg("Removals (not netted from the emissions)"),
    "demo_users": msg("Demo users (for the demo only)"),
    "encoding": msg("read as"),
    "correction": msg("probably a correction of a stored record"),
    "ignored": msg("columns of no table, not imported (rename them as in the template if they matter)"),
    "user_added": msg("User added"),
    "users": msg("Users"),
    "name": msg("Name"),
    "role": msg("Role"),
    "commune": msg("Commune"),
    "no_password": msg("No password on standard input. Fix: type it and press Enter, or use printf '%s\\n' "
                       "\"$PASSWORD\" | mrv user …"),
    "password_set": msg("Password set"),
    "revoked": msg("Ended every session and token of"),
    "password": msg("password"),
    "serving": msg("The MRV server is running at"),
    "report_format": msg("--format {given}: expected xlsx, html, pdf or docx. Fix: e.g. --format pdf,docx"),
    "report_what": msg("Give either --year YEAR (with --commune if wanted) or --period 2026-2030. Fix: e.g. mrv "
                       "report --year 2025, or mrv report --period 2026-2030"),
    "credit_years": msg("--years {given}: not a year or a period. Fix: write a year, e.g. 2025, or first-last "
                        "year, e.g. 2025-2027"),
    "report_period": msg("--period {given}: not a period. Fix: write first-last year, e.g. 2026-2030"),
    "recalculating": msg("Recalculating each year"),
    "evaluating": msg("Evaluating every plot and group"),
    "demo_verified": msg("submitted and verified, its plots eligible for the label"),
    "communes": msg("Communes of the province"),
    "code": msg("Code"),
    "label_format": msg("--out {given}: expected a workbook ending in .xlsx (a row per plot and criterion). Fix: "
                        "e.g. --out danh-gia-nhan.xlsx"),
    "certificate_format": msg("--out {given}: expected a file ending in .pdf, .html or .docx. Fix: e.g. --out "
                              "chung-nhan.pdf"),
    "certificate_refused": msg("Lot {lot} cannot be certified:"),
    "certificate_issued": msg("Certificate issued"),
    "certificate_claims": msg("Certificate {code}: lot {lot} (version {version}) of {cooperative}, {year}, {mass} kg, "
                              "footprint {footprint} kg CO2e/kg, {plots} plot(s); issued {issued} by {by}."),
    "certificate_forged": msg("The hash in the QR code is not the one this certificate was issued with: the "
                              "certificate was copied wrongly or altered."),
    "certificate_changed_lot": msg("Changed: the lot is no longer the version certified."),
    "certificate_changed_plot": msg("Changed: plot {plot} (its area, crop, commune or other fields in {year})."),
    "certificate_changed_records": msg("Changed: the records of plot {plot} in {year}."),
    "certificate_changed_run": msg("Changed: the official run of {year} is a newer one (a recalculation); the "
                                   "footprint stated may differ from the official figures now."),
    "certificate_unchanged": msg("The data behind the certificate is unchanged."),
    "no_official_run": msg("no official run for {year}: run `mrv calc --year {year} --official` first"),
    "calc_what": msg("Give --plots, --records and --out to calculate files, or --year to calculate the database."),
    "official_commune": msg("--official covers the whole province: leave out --commune."),
    "export_years": msg("Give --year 2025 or --years 2026-2030 (one of them)."),
    "recalc_series": msg("Give --series: a recalculation covers every year, so that a trend never mixes methods."),
    "audit_title": msg("Audit trail {year}"),
    "severity": msg("Severity"),
    "rule": msg("Rule"),
    "plot": msg("Plot"),
    "row": msg("Row"),
    "value": msg("Value"),
    "message": msg("Message"),
    "error": msg("error"),
    "warning": msg("warning"),
    "at": msg("Time"),
    "actor": msg("Who"),
    "action": msg("Action"),
    "record": msg("Record"),
    "before": msg("Before"),
    "after": msg("After"),
    "reason": msg("Reason"),
    "version": msg("version"),
    "id": msg("Id"),
    "unit": msg("Unit"),
    "applies_to": msg("Applies to"),
    "tier": msg("Tier"),
    "cited_source": msg("Cited source"),
    "status": msg("Status"),
}


def _lang(lang: Lang | str) -> str:
    return lang.value if isinstance(lang, Lang) else lang


def _say(text, lang: Lang | str) -> str:
    """`text` (a message, or a key of LABELS) in the language of `lang`."""
    return mrv.say(LABELS.get(text, text) if isinstance(text, str) and not isinstance(text, mrv.Message) else text,
                   _lang(lang))


def _fail(text, lang: Lang | str) -> None:
    """Print an error message (a message, or a key of LABELS) in `lang`."""
    err.print(_say(text, lang), markup=False, highlight=False)


def _figure(value: float, decimals: int, lang: Lang | str) -> str:
    return mrv.figure(value, decimals, _lang(lang))


def _signed(value: float, lang: Lang | str) -> str:
    """A percentage change with its sign: +12,5 / -3,0."""
    return ("+" if value >= 0 else "-") + _figure(abs(value), 1, lang)


def _moment(at, lang: Lang) -> str:
    """A stored time in the province's time (+07), as the language writes dates."""
    return f"{mrv.province_time(at, lang.value)} +07"


def _tables(rows: dict[str, int], lang: Lang) -> str:
    """Rows imported per table, the tables named as the template's sheets ("Nhật ký 12")."""
    names = models.column_labels()
    return ", ".join(f"{names[table]['*'] if lang == Lang.vi else table} {count}" for table, count in rows.items())


def _print_problems(error: mrv.InputError, lang: Lang | str) -> None:
    err.print("[red]" + _say(msg("{count} problem(s) in the input: nothing was calculated or written.",
                                     count=len(error.problems)), lang) + "[/red]")
    for problem in error.problems:
        err.print(f"- {problem.text(_lang(lang))}", markup=False, highlight=False)

def _summary(results: pd.DataFrame, lang: str) -> Table:
    def labels(key):
        return _say(key, lang)
    names = mrv.catalogue("sources")[f"name_{lang}"]
    profile, gwp = results.attrs.get("factor_profile"), results.attrs.get("gwp")
    table = Table(title=f"{labels('title')} ({profile}, GWP {gwp}, {results.attrs.get('factor_set_version')})")
    for header in (labels("source"), labels("gas"), labels("boundary")):
        table.add_column(header)
    for header in (labels("mass"), labels("co2e")):
        table.add_column(header, justify="right")
    results = results.assign(removal=results["mass_kg"].to_numpy() < 0)
    grouped = results.groupby(["source", "gas", "boundary", "removal"], observed=True, sort=False)[
        ["mass_kg", "co2e_kg"]].sum()
    for (source, gas, boundary, removal), row in grouped.iterrows():
        name = names[source] + (f" ({labels('removal')})" if removal else "")
        table.add_row(name, gas, mrv.report_label(boundary, lang), _figure(row["mass_kg"], 3, lang),
                      _figure(row["co2e_kg"] / 1000, 4, lang))
    totals = results.groupby(["boundary", "removal"], observed=True)["co2e_kg"].sum()
    for (boundary, removal), total in totals.items():
        title = f"{labels('removals' if removal else 'total')}: {mrv.report_label(boundary, lang)}"
        table.add_row(f"[bold]{title}[/bold]", "", "", "", f"[bold]{_figure(total / 1000, 4, lang)}[/bold]")
    return table


def _write_atomically(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        mrv.safe_cells(frame).to_csv(temporary, index=False, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _fail_on_bad_input(action, lang: Lang | str):
    """Run `action`; on bad input print every problem in `lang` and exit 2 (nothing was written)."""
    try:
        return action()
    except mrv.InputError as error:
        _print_problems(error, lang)
        raise typer.Exit(2) from None
    except mrv.factors.FactorFileError as error:
        _fail(msg("Factor file error: {error}. Fix: correct the factor file, then run again.", error=str(error)),
              lang)
        raise typer.Exit(3) from None
    except (models.UserError, models.ScopeError, models.ReviewError) as error:
        _fail(mrv.said(error, _lang(lang)), lang)
        raise typer.Exit(2) from None


def _report(results: pd.DataFrame, factors: str, lang: str) -> None:
    out.print(_summary(results, lang))
    profile = mrv.factor_profile(factors)
    used = set(mrv.used_factor_ids(results["factor_ids"].astype(str).unique()))
    to_check = sorted(profile.rows.loc[profile.rows["id"].isin(used) & (profile.rows["status"] == "to check"), "id"])
    if to_check:
        out.print(f"[yellow]{len(to_check)} {_say('to_check', lang)}:[/yellow] {', '.join(to_check)}")


def _commune_code(engine, text: str | None, lang: Lang | str) -> str | None:
    """The code of the commune a --commune names (its code, or its name with or without
    diacritics and Xã/Phường); exit 2 with the choices when the name is unknown or shared."""
    if text is None:
        return None
    from sqlmodel import Session
    with Session(engine) as session:
        try:
            return models.resolve_commune(session, text)
        except models.PlaceError as error:
            _fail(f"--commune: {mrv.said(error, _lang(lang))}", lang)
            raise typer.Exit(2) from None


def _check_locale(locale: str | None, lang: Lang) -> None:
    if locale is not None and locale not in ("vi", "en"):
        _fail(msg("--locale {given}: expected vi or en. Fix: use --locale vi (1.200,5) or --locale en (1,200.5).",
                      given=repr(locale)), lang)
        raise typer.Exit(2)


@contextlib.contextmanager
def _progress(label: str):
    """A progress bar; yields the `on_total` and `on_progress` callbacks the models take."""
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=out,
                  transient=True) as progress:
        task = progress.add_task("", total=None)
        yield (lambda n: progress.update(task, total=n)), (lambda n: progress.advance(task, n))


@app.command(help=help_text("Calculate emissions: of plots and records files (--plots, --records, --out), or of a "
                            "year in the database (--year), storing the run; print a summary."))
def calc(
    plots: Path = typer.Option(None, "--plots", exists=True, dir_okay=False, help=help_text("Plots CSV: plot_id, "
                                                                                            "commune_code, crop, "
                                                                                            "area, area_unit, "
                                                                                            "climate, irrigation.")),
    records: Path = typer.Option(None, "--records", exists=True, dir_okay=False, help=help_text("Records CSV: "
                                                                                                "plot_id, year, "
                                                                                                "activity, product, "
                                                                                                "quantity, unit, "
                                                                                                "n_content, …")),
    out_path: Path = typer.Option(None, "--out", dir_okay=False, help=help_text("Results CSV to write (one row per "
                                                                                "plot × year × source × gas).")),
    year: int = typer.Option(None, "--year", help=help_text("Calculate the year's current records in the database and "
                                                            "store the run.")),
    commune: str = typer.Option(None, "--commune", help=help_text("With --year: only this commune (official code).")),
    official: bool = typer.Option(False, "--official", help=help_text("With --year: the province-wide run that "
                                                                      "reports and exports read.")),
    factors: Profile = typer.Option(Profile.ipcc2019, "--factors", help=help_text("Factor profile.")),
    gwp: Gwp = typer.Option(Gwp("AR5"), "--gwp", help=help_text("GWP100 set for CO2e.")),
    sao: str = typer.Option(None, "--sao", help=help_text("Default sào variant of these files: bac (360 m²), trung "
                                                          "(500 m²) or nam (1 000 m²).")),
    locale: str = typer.Option(None, "--locale", help=help_text("Number format of the files: vi (1.200,5) or en "
                                                                "(1,200.5); needed only for numbers such as 1.200.")),
    lang: Lang = LANG_OPTION,
    by: str = typer.Option(None, "--by", help=help_text("With --year: who makes the run (a registered user; kept in "
                                                        "the audit trail).")),
    db: str = DB_OPTION,
) -> None:
    _check_locale(locale, lang)
    if year is None:
        if plots is None or records is None or out_path is None:
            _fail("calc_what", lang)
            raise typer.Exit(2)
        results = _fail_on_bad_input(lambda: mrv.calculate(
            mrv.read_table(plots), mrv.read_table(records), factors.value, gwp.value, sao=sao, locale=locale), lang)
        _write_atomically(results, out_path)
    else:
        if official and commune is not None:
            _fail("official_commune", lang)
            raise typer.Exit(2)
        engine = models.connect(db)
        models.seed(engine)
        commune = _commune_code(engine, commune, lang)
        with _progress(_say("storing", lang)) as (_, advance):
            run = _fail_on_bad_input(lambda: models.calculate_year(
                engine, year, commune=commune, official=official, factors=factors.value, gwp=gwp.value, by=by,
                on_progress=advance), lang)
        results = models.run_results(engine, run.id)
        if out_path is not None:
            _write_atomically(results, out_path)
        _print_run(run, official, lang)
    _report(results, factors.value, lang.value)
    if out_path is not None:
        out.print(f"{_say('written', lang)} {len(results)} {_say('rows', lang)}: {out_path}")


def _print_run(run, official: bool, lang: Lang) -> None:
    out.print(f"{_say('official' if official else 'run', lang)} {run.id}: {run.records} {_say('records', lang)}, "
              f"{run.result_rows} {_say('rows', lang)}")


@app.command("import", help=help_text("Import plots, records, pilot models, cooperatives and commune data from a "
                                      "file: every row is checked first, and a file with a bad row stores nothing."))
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=help_text("CSV (one table) or XLSX (one sheet "
                                                                                 "per table) file.")),
    sao: str = typer.Option(None, "--sao", help=help_text("Default sào variant of this file: bac, trung or nam.")),
    locale: str = typer.Option(None, "--locale", help=help_text("Number format of the file: vi (1.200,5) or en "
                                                                "(1,200.5).")),
    by: str = typer.Option(None, "--by", help=help_text("Who imports: a registered user (kept with the import and its "
                                                        "records).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    _check_locale(locale, lang)
    engine = models.connect(db)
    models.seed(engine)
    def labels(key):
        return _say(key, lang)
    with _progress(labels("storing")) as (total, advance):
        summary = _fail_on_bad_input(lambda: models.import_file(
            engine, file, sao=sao, locale=locale, imported_by=by, on_total=total, on_progress=advance), lang)
    tables = _tables(summary.rows, lang)
    read_as = f" ({labels('encoding')} {ENCODINGS[summary.encoding]})" if summary.encoding not in ("", "utf-8") else ""
    out.print(f"{labels('imported')} {file}{read_as}: {tables}", markup=False)
    out.print(f"  {labels('added')}: {summary.records_added}; {labels('changed')}: {summary.records_changed}; "
              f"{labels('unchanged')}: {summary.records_unchanged}; {labels('plots')}: +{summary.plots_added} / "
              f"~{summary.plots_updated}")
    if summary.changed_keys:
        shown = ", ".join(summary.changed_keys[:10]) + (" …" if len(summary.changed_keys) > 10 else "")
        out.print(f"  {labels('changed')}: {shown}")
    for line in summary.probable_corrections:
        out.print(f"  {labels('correction')}: {_say(line, lang)}", style="yellow", markup=False, highlight=False)
    if summary.ignored_columns:
        out.print(f"  {labels('ignored')}: {'; '.join(summary.ignored_columns)}", style="yellow", markup=False,
                  highlight=False)


@app.command(help=help_text("Create a synthetic Đắk Lắk year (102 communes, pilot models, farms, records), import it, "
                            "calculate the year's official run and write its annual report."))
def demo(
    out_dir: Path = typer.Option(Path("out/demo"), "--out", file_okay=False, help=help_text("Folder for the demo's "
                                                                                            "import files and "
                                                                                            "results.")),
    year: int = typer.Option(2025, "--year", help=help_text("Year of the synthetic data.")),
    seed: int = typer.Option(2025, "--seed", help=help_text("Random seed (the same seed gives the same data).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    models.seed(engine)
    def labels(key):
        return _say(key, lang)
    users = models.demo_users(engine)
    importer = users[0][0]
    for path in models.write_demo(out_dir, seed=seed, year=year):
        with _progress(f"{labels('storing')} {path.name}") as (total, advance):
            summary = _fail_on_bad_input(lambda: models.import_file(
                engine, path, imported_by=importer, on_total=total, on_progress=advance), lang)
        out.print(f"{labels('imported')} {path}: {_tables(summary.rows, lang)}")
    run = models.calculate_year(engine, year, official=True, by=importer)
    results = models.run_results(engine, run.id)
    _write_atomically(results, out_dir / f"results-{year}.csv")
    _print_run(run, True, lang)
    _report(results, run.factor_profile, lang.value)
    out.print(f"{labels('written')} {len(results)} {labels('rows')}: {out_dir / f'results-{year}.csv'}")
    verified = _fail_on_bad_input(lambda: models.verify_demo_year(engine, year), lang)
    claims = models.write_demo_claims(out_dir, year=year)
    summary = _fail_on_bad_input(lambda: models.import_file(engine, claims, imported_by=importer), lang)
    out.print(f"{labels('imported')} {claims}: {_tables(summary.rows, lang)}")
    for path in mrv.write_report(models.build_report(engine, year, lang.value, scope=models.LOCAL), out_dir / "report"):
        out.print(f"{labels('written')}: {path}")
    with _progress(labels("evaluating")):
        label = mrv.write_report_file(models.label_report(engine, year, lang.value, scope=models.LOCAL),
                                      out_dir / f"danh-gia-nhan-{year}.xlsx")
    out.print(f"{labels('written')} ({verified} {year}: {labels('demo_verified')}): {label}")
    with _progress(labels("evaluating")):
        code = models.certify_demo_lot(engine)
        certificate = mrv.write_report_file(models.certificate_report(engine, code, lang.value),
                                            out_dir / f"chung-nhan-{code}.pdf")
    out.print(f"{labels('certificate_issued')} {code} ({models.DEMO_LOT}): {certificate}")
    with _progress(labels("evaluating")):
        readiness = models.readiness_report(engine, models.DEMO_GROUP, [year], lang.value, scope=models.LOCAL)
        written = mrv.write_report_file(readiness, out_dir / f"{readiness.name}.pdf")
    out.print(f"{labels('written')}: {written}")
    import pandas as pd
    users = [(name, role, ", ".join(commune) if isinstance(commune, tuple) else commune, password)
             for name, role, commune, password in users]
    accounts = pd.DataFrame(users, columns=["name", "role", "commune", "password"])
    _write_atomically(accounts, out_dir / "demo-accounts.csv")
    out.print(f"{labels('demo_users')} ({out_dir / 'demo-accounts.csv'}):")
    for name, role, commune, password in users:
        out.print(f"  {name} ({role}{', ' + commune if commune else ''}): {labels('password')} {password}",
                  markup=False, highlight=False)


@app.command(help=help_text("Write an XLSX import template: instructions, one sheet per table, headers with notes, an "
                                 "example row, drop-down lists."))
def template(
    out_path: Path = typer.Option(..., "--out", dir_okay=False, help=help_text("XLSX file to write.")),
    lang: Lang = typer.Option(Lang.vi, "--lang", help=help_text("Language of the sheet names, headers and "
                                                                "instructions.")),
) -> None:
    models.write_template(out_path, lang.value)
    out.print(f"{_say('written', lang)}: {out_path}")


@app.command(help=help_text("Write the report on emissions and reductions in the official form: a year's (--year), a "
                            "commune's (--year --commune) or a period's (--period)."))
def report(
    year: int = typer.Option(None, "--year", help=help_text("Year of the report (its official run is read).")),
    period: str = typer.Option(None, "--period", help=help_text("A period, e.g. 2026-2030: each year recalculated on one "
                               "method, against the plan's targets.")),
    commune: str = typer.Option(None, "--commune", help=help_text("A commune's own report: its code or name (Ea Kao, "
                                                                  "Xã Ea Kao).")),
    out_dir: Path = typer.Option(Path("out/report"), "--out", file_okay=False, help=help_text("Folder to write the "
                                                                                              "report to.")),
    formats: str = typer.Option("xlsx,html,pdf,docx", "--format", help=help_text("Comma-separated formats: xlsx, "
                                                                                 "html, pdf, docx.")),
    heading: Path = typer.Option(None, "--letterhead", dir_okay=False, help=help_text("The issuing agency's letterhead (TOML, "
                                 "like mrv/letterhead.toml; default: MRV_LETTERHEAD, else the province's).")),
    lang: Lang = typer.Option(Lang.vi, "--lang", help=help_text("Language of the report.")),
    db: str = DB_OPTION,
) -> None:
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in mrv.REPORT_FORMATS]
    if unknown:
        _fail(LABELS["report_format"].fill(given=",".join(unknown)), lang)
        raise typer.Exit(2)
    if (year is None) == (period is None) or (period is not None and commune is not None):
        _fail("report_what", lang)
        raise typer.Exit(2)
    if period is not None:
        years = _period(period, "report_period", lang)
        engine = models.connect(db)
        with _progress(_say("recalculating", lang)) as (on_total, on_progress):
            on_total(len(years))
            content = _fail_on_bad_input(lambda: models.period_report(
                engine, years[0], years[-1], lang.value, scope=models.LOCAL, letterhead_file=heading,
                on_year=lambda _: on_progress(1)), lang)
        _write_files(content, out_dir, chosen, lang)
        return
    _write_report(functools.partial(models.build_report, commune=commune, letterhead_file=heading),
                  year, lang, db, out_dir, chosen)


def _write_files(content, out_dir: Path, formats: tuple[str, ...], lang: Lang) -> None:
    for path in mrv.write_report(content, out_dir, formats):
        out.print(f"{_say('written', lang)}: {path}")


def _period(text: str, refused: str, lang: Lang) -> list[int]:
    """The consecutive years of a period typed as first-last (or one year); exit 2 with the
    message `refused` (a key of LABELS) for anything else."""
    try:
        years = mrv.parse_years(text)
    except ValueError:
        years = []
    if not years or years != list(range(years[0], years[-1] + 1)):
        _fail(LABELS[refused].fill(given=text), lang)
        raise typer.Exit(2)
    return years


def _built_report(build, year: int, lang: Lang, db: str) -> mrv.Report:
    """A report of the year's official run (`build(engine, year, lang, scope=…)`); exit 2
    when the year has no official run or the commune is unknown."""
    engine = models.connect(db)
    try:
        return _fail_on_bad_input(lambda: build(engine, year, lang.value, scope=models.LOCAL), lang)
    except models.PlaceError as error:
        _fail(f"--commune: {mrv.said(error, lang.value)}", lang)
        raise typer.Exit(2) from None
    except LookupError:
        _fail(LABELS["no_official_run"].fill(year=year), lang)
        raise typer.Exit(2) from None


def _write_report(build, year: int, lang: Lang, db: str, out_dir: Path,
                  formats: tuple[str, ...] = mrv.REPORT_FORMATS) -> None:
    """Build a report of the year's official run (`_built_report`) and write it, naming each
    file written."""
    _write_files(_built_report(build, year, lang, db), out_dir, formats, lang)


class Step(str, Enum):
    submit = "submit"
    verify = "verify"
    lock = "lock"
    reopen = "reopen"


@app.command("review", help=help_text("Move a commune-year through open → submitted → verified → locked (or reopen "
                                      "it)."))
def review_(
    step: Step = typer.Argument(..., help=help_text("submit, verify, lock or reopen.")),
    commune: str = typer.Option(..., "--commune", help=help_text("Commune code.")),
    year: int = typer.Option(..., "--year", help=help_text("Year.")),
    by: str = typer.Option(..., "--by", help=help_text("Who takes the step (a verifier must not have recorded the "
                                                       "data).")),
    reason: str = typer.Option(None, "--reason", help=help_text("Why (required to reopen).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    models.seed(engine)
    commune = _commune_code(engine, commune, lang)
    status = _fail_on_bad_input(lambda: models.review(engine, commune, year, step.value, by, reason), lang)
    out.print(f"{commune} {year}: {_say(models.STATUS_NAMES[status], lang)}")


def _folding_table(title: str, commune: str | None, headers: tuple[str, ...], lang: Lang) -> Table:
    """A table whose long cells fold; `headers` are keys of LABELS."""
    table = Table(title=title + (f" {commune}" if commune else ""))
    for header in headers:
        table.add_column(_say(header, lang), overflow="fold")
    return table


@app.command(help=help_text("QA/QC checks of a year's data; exits 1 when an error (which blocks the year) is found."))
def check(
    year: int = typer.Option(..., "--year", help=help_text("Year.")),
    commune: str = typer.Option(None, "--commune", help=help_text("Only this commune.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    models.seed(engine)
    commune = _commune_code(engine, commune, lang)
    findings = models.check_year(engine, year, commune, scope=models.LOCAL)
    table = _folding_table(f"QA/QC {year}", commune, ("severity", "rule", "commune", "plot", "row", "value", "message"),
                           lang)
    for row in findings.itertuples(index=False):
        table.add_row(_say(row.severity, lang), mrv.report_label(f"rule_{row.rule}", lang.value),
                      str(row.commune_code or ""), str(row.plot_id or ""),
                      "" if row.source_row is None or row.source_row != row.source_row else str(row.source_row),
                      _figure(row.value, 2, lang) if isinstance(row.value, float) else str(row.value),
                      _say(row.message, lang))
    out.print(table)
    errors = int((findings["severity"] == "error").sum())
    out.print(_say(msg("{errors} error(s), {warnings} warning(s)", errors=errors, warnings=len(findings) - errors),
                   lang))
    if errors:
        raise typer.Exit(1)


@app.command(help=help_text("Uncertainty of a year's totals and reductions: Monte Carlo (IPCC Approach 2) with one "
                            "draw per factor shared by every plot, and Approach 1 beside it."))
def uncertainty(
    year: int = OFFICIAL_YEAR_OPTION,
    draws: int = typer.Option(10_000, "--draws", min=100, help=help_text("Monte Carlo draws.")),
    seed: int = typer.Option(1, "--seed", help=help_text("Random seed (the same seed gives the same intervals).")),
    out_path: Path = typer.Option(None, "--out", dir_okay=False, help=help_text("Also write the table to this CSV "
                                                                                "file.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    try:
        with _progress(f"Monte Carlo {year}"):
            run, spread = models.year_uncertainty(engine, year, draws=draws, seed=seed, lang=lang.value,
                                                     scope=models.LOCAL)
    except LookupError as error:
        _fail(mrv.said(error, lang.value), lang)
        raise typer.Exit(2) from None
    name = functools.partial(mrv.report_label, lang=lang.value)
    table = Table(title=f"{name('uncertainty')}, {year} ({run.id})")
    for column in ("item", "central_t", "interval_t", "interval_pct", "approach1_pct"):
        table.add_column(name(column), justify="left" if column == "item" else "right")
    for row in spread.table.itertuples(index=False):
        table.add_row(row.item, _figure(row.central_t, 1, lang),
                      f"{_figure(row.lower_t, 1, lang)} – {_figure(row.upper_t, 1, lang)}",
                      f"{_signed(row.lower_pct, lang)} / {_signed(row.upper_pct, lang)}",
                      f"± {_figure(row.approach1_pct, 1, lang)}")
    out.print(table)
    out.print(f"{name('uncertainty_draws')}: {spread.draws} ({spread.seed}); "
              f"{name('uncertainty_held')}: {', '.join(spread.held) or '—'}")
    kinds = mrv.catalogue("evidence")[f"name_{lang.value}"]
    out.print(", ".join(f"{kinds.get(kind, kind)}: {count}" for kind, count in spread.evidence.items()))
    if out_path is not None:
        _write_atomically(spread.table, out_path)


user_app = typer.Typer(help=help_text("Registered users: every --by names one of them."), no_args_is_help=True)
app.add_typer(user_app, name="user")


#: The roles of `mrv.models.ROLES`, as the choices of --role.
Role = Enum("Role", {role: role for role in models.ROLES}, type=str)


def _password(lang: str) -> str:
    """A password read from standard input (its first line), never from the command line
    (where other users of the machine and the shell history would see it)."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        _fail("no_password", lang)
        raise typer.Exit(2)
    return line


@user_app.command("add", help=help_text("Register a person with a role (a commune officer with their commune, a "
                                        "verifier with the communes they verify); with --password-stdin they can log "
                                        "in to `mrv serve`."))
def user_add(
    name: str = typer.Argument(..., help=help_text("The person's full name, as they will type it in --by.")),
    role: Role = typer.Option(..., "--role", help=help_text("recorder (cán bộ xã), verifier, province_officer, "
                                                            "inventory or admin.")),
    commune: list[str] = typer.Option(None, "--commune", help=help_text("A recorder's commune; a verifier's assigned "
                                                                        "communes (repeat it), official codes.")),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=help_text("Read a password for the server "
                                                                                  "from standard input.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    password = _password(lang.value) if password_stdin else None
    engine = models.connect(db)
    models.seed(engine)
    commune = [_commune_code(engine, text, lang) for text in commune or ()]
    user = _fail_on_bad_input(lambda: models.add_user(engine, name, role.value, commune or None, password,
                                                      by=models.LOCAL), lang)
    out.print(f"{_say('user_added', lang)}: {user.name} ({_say(models.ROLES[user.role], lang)})")


@user_app.command("password", help=help_text("Set a user's password for the server, read from standard input; every "
                                             "session and token they had ends."))
def user_password(
    name: str = typer.Argument(..., help=help_text("A registered user.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    password = _password(lang.value)
    engine = models.connect(db)
    _fail_on_bad_input(lambda: models.set_password(engine, name, password, by=models.LOCAL), lang)
    out.print(f"{_say('password_set', lang)}: {name}")


@user_app.command("revoke", help=help_text("End every session and bearer token of a user (a lost phone, a person who "
                                           "left)."))
def user_revoke(
    name: str = typer.Argument(..., help=help_text("A registered user.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    ended = _fail_on_bad_input(lambda: models.revoke_user(engine, name, by=models.LOCAL), lang)
    out.print(f"{_say('revoked', lang)}: {name} ({ended})")


@user_app.command("list", help=help_text('List the registered users with their role and commune.'))
def user_list(
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    table = _folding_table(_say("users", lang), None, ("name", "role", "commune"), lang)
    for name, role, commune in models.list_users(models.connect(db), scope=models.LOCAL):
        table.add_row(name, _say(models.ROLES.get(role, role), lang), commune or "")
    out.print(table)


export_app = typer.Typer(help=help_text("Exports of a year's official figures."), no_args_is_help=True)
app.add_typer(export_app, name="export")


ExportFormat = Enum("ExportFormat", {name: name for name in mrv.INVENTORY_FORMATS}, type=str)


def _years(year: int | None, years: str | None, lang: Lang) -> list[int]:
    """The years of --year or --years (exactly one of them)."""
    if (year is None) == (years is None):
        _fail("export_years", lang)
        raise typer.Exit(2)
    try:
        return [year] if year is not None else mrv.parse_years(years)
    except ValueError as error:
        _fail(f"--years: {mrv.said(error, lang.value)}.", lang)
        raise typer.Exit(2) from None


@export_app.command("inventory", help=help_text("The provincial estimate in the national GHG inventory's categories: "
                                                "CRT rows with the IPCC 2006 category beside them, per gas, with "
                                                "activity data and implied factors as the CRT tables define them, "
                                                "notation keys with their reasons, and each line's uncertainty."))
def export_inventory(
    year: int = typer.Option(None, "--year", help=help_text("Year (its official run is read).")),
    years: str = typer.Option(None, "--years", help=help_text("Several years: 2026-2030, or 2025,2027.")),
    out_path: Path = typer.Option(..., "--out", dir_okay=False, help=help_text("File to write (side files go beside "
                                                                               "it).")),
    fmt: ExportFormat = typer.Option("xlsx", "--format",
                                     help=help_text("xlsx, csv or json (the table); primap2 (interchange CSV + YAML); etf (CRT "
                                          "data exchange JSON); worksheets (IPCC Inventory Software 3.C.1–3.C.7).")),
    gwp: Gwp = typer.Option(Gwp("AR5"), "--gwp", help=help_text("GWP100 set for CO2e (the national inventory uses AR5).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    try:
        export = models.inventory_export(engine, _years(year, years, lang), gwp.value, scope=models.LOCAL)
    except LookupError as error:
        _fail(mrv.said(error, lang.value), lang)
        raise typer.Exit(2) from None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=f".{out_path.name}.") as folder:
        written = mrv.write_inventory(export, Path(folder) / out_path.name, fmt.value)
        for path in written:
            os.replace(path, out_path.parent / path.name)
    table = export.table
    lines = table[table["line"] != "total"]
    out.print(_say(msg("{lines} lines over {years} year(s) ({valued} with values, {keys}): {files}", lines=len(lines),
                           years=len(export.years), valued=int(lines["notation"].isna().sum()),
                           keys=", ".join(f"{key} {count}" for key, count in lines["notation"].value_counts().items()),
                           files=", ".join(str(out_path.parent / path.name) for path in written)), lang))


@export_app.command("contribution", help=help_text("The province's contribution to the national inventory as a sector "
                                                   "report (Decree 06/2022/NĐ-CP): results by CRT row, methods, "
                                                   "activity data, factors, uncertainty, QA/QC, coverage and notation "
                                                   "keys; XLSX, HTML and PDF."))
def export_contribution(
    year: int = OFFICIAL_YEAR_OPTION,
    out_dir: Path = typer.Option(Path("out"), "--out", file_okay=False, help=help_text("Folder to write the report "
                                                                                       "to.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    _write_report(models.contribution_report, year, lang, db, out_dir)


label_app = typer.Typer(help=help_text("The low-emission product label (nông sản phát thải thấp)."),
                        no_args_is_help=True)
app.add_typer(label_app, name="label")


@label_app.command("evaluate", help=help_text("Evaluate each plot, farm, cooperative and production zone of a year "
                                              "against the label's criteria, with the measured values and the records "
                                              "behind them; only the plots of verified or locked commune-years are "
                                              "eligible."))
def label_evaluate(
    year: int = OFFICIAL_YEAR_OPTION,
    criteria: Path = typer.Option(None, "--criteria", dir_okay=False, help=help_text(
        "A criteria file (TOML, like factors/criteria/example.toml; default: that example set).")),
    out_file: Path = typer.Option(Path("out/danh-gia-nhan.xlsx"), "--out", dir_okay=False, help=help_text(
        "Workbook to write (.xlsx).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    if out_file.suffix.lower() != ".xlsx":
        _fail(LABELS["label_format"].fill(given=out_file.name), lang)
        raise typer.Exit(2)
    with _progress(_say("evaluating", lang)):
        content = _built_report(functools.partial(models.label_report, criteria=criteria), year, lang, db)
        written = mrv.write_report_file(content, out_file)
    out.print(f"{_say('written', lang)}: {written}")


@label_app.command("certificate", help=help_text(
    "Issue the label certificate of a harvest lot whose every plot passes the label, with its footprint and a QR "
    "code carrying its number and the hash of the data behind it (PDF, HTML or DOCX)."))
def label_certificate(
    lot: str = typer.Argument(..., help=help_text("The lot's id (lots sheet).")),
    criteria: Path = typer.Option(None, "--criteria", dir_okay=False, help=help_text(
        "A criteria file (TOML, like factors/criteria/example.toml; default: that example set).")),
    out_file: Path = typer.Option(None, "--out", dir_okay=False, help=help_text(
        "File to write (.pdf, .html or .docx; default: out/chung-nhan-<number>.pdf).")),
    by: str = typer.Option(None, "--by", help=help_text("Who issues it (a province officer; kept in the audit "
                                                        "trail).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    if out_file is not None and out_file.suffix.lower() not in (".pdf", ".html", ".docx"):
        _fail(LABELS["certificate_format"].fill(given=out_file.name), lang)
        raise typer.Exit(2)
    engine = models.connect(db)
    try:
        with _progress(_say("evaluating", lang)):
            code = _fail_on_bad_input(lambda: models.issue_certificate(engine, lot, criteria, by=by), lang)
    except models.CertificateRefused as error:
        _fail(LABELS["certificate_refused"].fill(lot=lot), lang)
        for reason in error.reasons:
            _fail(f"  - {_say(reason, lang)}", lang)
        raise typer.Exit(1) from None
    except LookupError as error:
        _fail(mrv.said(error, _lang(lang)), lang)
        raise typer.Exit(2) from None
    written = mrv.write_report_file(models.certificate_report(engine, code, lang.value),
                                    out_file or Path("out") / f"chung-nhan-{code}.pdf")
    out.print(f"{_say('certificate_issued', lang)} {code}: {written}")


@label_app.command("verify", help=help_text(
    "Check a label certificate: what it states, and whether the data behind it (the lot, its plots and their "
    "records) is unchanged since it was issued. Exit 0 unchanged, 1 changed."))
def label_verify(
    certificate: str = typer.Argument(..., help=help_text("The certificate's number (CN-2025-0001), or the text "
                                                          "of its QR code.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    try:
        checked = models.verify_certificate(models.connect(db), certificate)
    except LookupError as error:
        _fail(mrv.said(error, _lang(lang)), lang)
        raise typer.Exit(2) from None
    claims = checked.claims
    out.print(_say(LABELS["certificate_claims"].fill(
        code=checked.code, lot=claims["lot"], version=claims["version"], cooperative=claims["cooperative_name"],
        year=claims["year"], mass=_figure(claims["mass_kg"], 1, lang), footprint=_figure(claims["footprint"], 4, lang),
        plots=len(claims["plots"]), issued=_moment(checked.issued_at, lang), by=checked.issued_by or "—"), lang),
        markup=False, highlight=False)
    if checked.scanned_matches is False:
        _fail("certificate_forged", lang)
    for piece in checked.changed:
        kind, _, plot = piece.partition(":")
        _fail(LABELS[f"certificate_changed_{kind}"].fill(plot=plot, year=claims["year"]), lang)
    if not checked.unchanged:
        raise typer.Exit(1)
    out.print(_say("certificate_unchanged", lang), style="green")


credit_app = typer.Typer(help=help_text("Carbon credits: how ready a cooperative or zone is."), no_args_is_help=True)
app.add_typer(credit_app, name="credit")


@credit_app.command("readiness", help=help_text(
    "How ready a cooperative or zone is for carbon credits over a monitoring period: its pilot plots' reductions and "
    "removals against their baseline, less the uncertainty deduction, leakage and the non-permanence buffer "
    "(parameters from a crediting file, VM0042's structure), and the conditions a crediting programme will ask."))
def credit_readiness(
    group: str = typer.Option(..., "--group", help=help_text("The cooperative's or zone's id (cooperatives sheet).")),
    years: str = typer.Option(..., "--years", help=help_text("The monitoring period: a year (2025) or first-last "
                                                             "(2025-2027); each year needs its official run.")),
    parameters: Path = typer.Option(None, "--parameters", dir_okay=False, help=help_text(
        "A crediting file (TOML, like factors/crediting/vm0042.toml; default: that file).")),
    out_file: Path = typer.Option(None, "--out", dir_okay=False, help=help_text(
        "File to write (.pdf, .xlsx, .html or .docx; default: out/san-sang-tin-chi-<group>-<years>.pdf).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    period = _period(years, "credit_years", lang)
    engine = models.connect(db)
    try:
        with _progress(_say("evaluating", lang)):
            content = _fail_on_bad_input(lambda: models.readiness_report(
                engine, group, period, lang.value, parameters, scope=models.LOCAL), lang)
    except LookupError as error:
        _fail(mrv.said(error, _lang(lang)), lang)
        raise typer.Exit(2) from None
    written = mrv.write_report_file(content, out_file or Path("out") / f"{content.name}.pdf")
    out.print(f"{_say('written', lang)}: {written}")


@app.command(help=help_text("Recalculate the whole time series as new official runs (after a factor or method "
                            "change); earlier runs stay readable."))
def recalc(
    series: bool = typer.Option(False, "--series", help=help_text("Recalculate every year that has records.")),
    factors: Profile = typer.Option(Profile.ipcc2019, "--factors", help=help_text("Factor profile.")),
    gwp: Gwp = typer.Option(Gwp("AR5"), "--gwp", help=help_text("GWP100 set for CO2e.")),
    by: str = typer.Option(None, "--by", help=help_text("Who recalculates (a registered user; kept in the audit "
                                                        "trail).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    if not series:
        _fail("recalc_series", lang)
        raise typer.Exit(2)
    engine = models.connect(db)
    models.seed(engine)
    for run in _fail_on_bad_input(lambda: models.recalculate_series(engine, factors.value, gwp.value, by), lang):
        out.print(f"{run.year}: {run.id} ({run.factor_profile}, {run.factor_set_version}, {run.result_rows} "
                  f"{_say('rows', lang)})")


@app.command(help=help_text("Show the year's audit trail: who changed what, when (in the province's time, +07), "
                            "before and after, and why."))
def audit(
    year: int = typer.Option(..., "--year", help=help_text("Year.")),
    commune: str = typer.Option(None, "--commune", help=help_text("Only this commune.")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    engine = models.connect(db)
    commune = _commune_code(engine, commune, lang)
    table = _folding_table(_say(LABELS["audit_title"].fill(year=year), lang), commune,
                           ("at", "actor", "action", "commune", "record", "before", "after", "reason"), lang)
    for entry in models.audit_trail(engine, year, commune, scope=models.LOCAL):
        action = models.AUDIT_ACTIONS.get(entry.action, entry.action)
        table.add_row(_moment(entry.at, lang), entry.actor or "", _say(action, lang), entry.commune_code or "",
                      entry.record_key or "", str(entry.before or ""), str(entry.after or ""), entry.reason or "")
    out.print(table)


@app.command(help=help_text("Run the commune–province server (the pages at /, API v1 at /api/v1, OpenAPI at "
                            "/openapi.json) on the database: SQLite for one office, PostgreSQL for the province."))
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help=help_text("Address to listen on (127.0.0.1: this machine "
                                                                   "only; behind a reverse proxy keep it so).")),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help=help_text("Port to listen on.")),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help=help_text("Server processes (about one per core).")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    import uvicorn

    url = models.database_url(db)
    engine = models.connect(url)
    models.check_integrity(engine)
    models.seed(engine)
    engine.dispose()
    os.environ["MRV_DATABASE_URL"] = url  # each worker process connects to it
    out.print(f"{_say('serving', lang)} http://{host}:{port}/api/v1 ({engine.url.render_as_string()})",
              markup=False, highlight=False)
    uvicorn.run("mrv.web:from_environment", factory=True, host=host, port=port, workers=workers, log_level="info",
                proxy_headers=True)


@app.command("communes", help=help_text("List the province's communes: the code and the name, either of which "
                                        "--commune and the import files take."))
def list_communes(
    search: str = typer.Argument(None, help=help_text("Only the communes this text may name (e.g. 'ea kao').")),
    lang: Lang = LANG_OPTION,
    db: str = DB_OPTION,
) -> None:
    from sqlmodel import Session
    engine = models.connect(db)
    models.seed(engine)
    with Session(engine) as session:
        found = models.places(session)
    codes = found.find(search) if search else list(found.names)
    if search and not codes:
        _fail(mrv.said(models.PlaceError(search, []), lang.value), lang)
        raise typer.Exit(2)
    table = Table(title=_say("communes", lang))
    table.add_column(_say("code", lang))
    table.add_column(_say("name", lang))
    for code in codes:
        table.add_row(code, found.names[code])
    out.print(table)


@app.command("factors", help=help_text("List the factors of a profile in chain order, with value, unit, source and "
                                       "status."))
def list_factors(
    profile: Profile = typer.Option(Profile.ipcc2019, "--profile", help=help_text("Factor profile to list.")),
    lang: Lang = LANG_OPTION,
) -> None:
    loaded = mrv.factor_profile(profile.value)
    table = _folding_table(f"{loaded.profile.title}: {' → '.join(loaded.profile.chain)} ({_say('version', lang)} "
                           f"{loaded.version})", None, ("id", "value", "unit", "applies_to", "tier", "cited_source",
                                                        "status"),
                           lang)
    for _, row in loaded.rows.iterrows():
        applies = ", ".join(f"{q}={row[q]}" for q in ("climate", "crop", "input", "gas", "year")
                            if isinstance(row[q], str) or row[q] == row[q])  # not NaN
        status = mrv.report_label(row["status"], lang.value)  # to check: "cần đối chiếu nguồn"
        status = status if row["status"] == "confirmed" else f"[yellow]{status}[/yellow]"
        table.add_row(row["id"], f"{row['value']:g}", row["canonical_unit"], applies, str(row["tier"]), row["source"],
                      status)
    out.print(table)
