"""Reading import files: CSV (one table) and XLSX (one sheet per table), with Vietnamese
or English headers, every cell as text."""

from __future__ import annotations

import csv
import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

import mrv
from mrv import InputError, Problem, ProblemList, msg, text_key

HEADERS = Path(__file__).with_name("headers.csv")
#: Each column's example value and note in `mrv template` (and what each sheet holds).
NOTES = Path(__file__).with_name("template_notes.csv")
#: The hidden sheet of `mrv template` that holds its drop-down lists.
LISTS = "_lists"
#: The instructions sheet of `mrv template`, in Vietnamese and English: never a table.
INSTRUCTIONS = ("Hướng dẫn", "Instructions")


@dataclass(frozen=True)
class TableSpec:
    """An importable table: its English name, required and optional columns."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


SPECS = {spec.name: spec for spec in (
    TableSpec("cooperatives", ("cooperative_id", "name", "kind", "commune_code")),
    TableSpec("pilot_models", ("pilot_model_id", "name", "level", "crop", "commune_code", "start_year"),
              ("practice_package",)),
    TableSpec("plots", ("plot_id", "commune_code", "crop", "area", "area_unit"),
              ("climate", "irrigation", "sao_variant", "farm_id", "farm_kind", "cooperative_id", "planting_year",
               "pilot_model_id", "role", "intercrop", "intercrop_share", "latitude", "longitude", "soil", "valid_from")),
    TableSpec("records", ("plot_id", "year", "activity", "product", "quantity", "unit", "n_content"),
              ("record_id", "date", "season", "use", "dry_matter", "evidence", "recorded_by", "days", "water_regime",
               "pre_season", "previous_practice", "diameter_cm", "height_m", "wood_density")),
    TableSpec("commune_crops", ("commune_code", "year", "crop", "area", "area_unit"), ("production", "production_unit")),
    TableSpec("age_classes", ("commune_code", "year", "crop", "planting_year", "area", "area_unit")),
    TableSpec("practice_profiles", ("profile_id", "name", "crop", "low_emission", "activity", "product", "quantity",
                                    "unit"), ("n_content", "use", "dry_matter", "season", "days", "water_regime",
                                              "pre_season", "previous_practice")),
    TableSpec("adoption", ("commune_code", "year", "profile_id", "share")),
    TableSpec("commune_settings", ("commune_code",), ("climate", "sao_variant", "rice_region", "valid_from")),
    TableSpec("plan_indicators", ("year",), ("kind", "farmers_trained", "communication_events", "research_tasks",
                                             "zones_formed", "cooperatives_formed", "low_emission_ha", "reduction_t",
                                             "note")),
    TableSpec("lots", ("lot_id", "cooperative_id", "year", "crop", "plot_id", "quantity", "unit"), ("product",)),
    TableSpec("claims", ("claim_id", "kind", "claimant", "plot_id", "year"), ("tonnes",)),
)}


@functools.lru_cache(maxsize=None)
def _aliases() -> dict[str, dict[str, str]]:
    """table → {header key → column}; the '*' column lists the sheet names of the table."""
    found: dict[str, dict[str, str]] = {name: {} for name in SPECS}
    with HEADERS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for alias in (row["header_vi"], *row["aliases"].split("|")):
                found[row["table"]][text_key(alias)] = row["column"]
    for name, spec in SPECS.items():
        for column in (*spec.required, *spec.optional):
            found[name][text_key(column)] = column
    return found


@functools.lru_cache(maxsize=None)
def vietnamese_headers() -> dict[str, dict[str, str]]:
    """table → {column → Vietnamese header}; the '*' column is the sheet's title."""
    found: dict[str, dict[str, str]] = {name: {} for name in SPECS}
    with HEADERS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[row["table"]][row["column"]] = row["header_vi"]
    return found


@functools.lru_cache(maxsize=None)
def template_notes() -> dict[str, dict[str, dict[str, str]]]:
    """table → {column → {example, note_vi, note_en}}; the '*' column says what the sheet holds."""
    found: dict[str, dict[str, dict[str, str]]] = {name: {} for name in SPECS}
    with NOTES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[row["table"]][row["column"]] = {key: row[key] for key in ("example", "note_vi", "note_en")}
    return found


def example_row(table: str) -> list[str]:
    """The example row `mrv template` writes under the headers of `table`, in its columns' order."""
    spec = SPECS[table]
    return [template_notes()[table][column]["example"] for column in (*spec.required, *spec.optional)]


def _trimmed(row: list[str]) -> tuple[str, ...]:
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


@functools.lru_cache(maxsize=None)
def _examples() -> frozenset[tuple[str, ...]]:
    return frozenset(_trimmed(example_row(table)) for table in SPECS)


def _columns(table: str, headers: list[str]) -> list[str]:
    aliases = _aliases()[table]
    return [aliases.get(text_key(h), h) if aliases.get(text_key(h)) != "*" else h for h in headers]


def _known(table: str, headers: list[str]) -> set[str]:
    """The columns of `table` that `headers` name."""
    aliases = _aliases()[table]
    return {aliases[text_key(h)] for h in headers if aliases.get(text_key(h), "*") != "*"}


def _nearest(headers: list[str]) -> str | None:
    """The table whose columns the headers name best: the most columns named, then all its
    required ones before fewer. A records file without its `unit` column is nearest to
    records (six columns named), not to plan indicators (whose one required column,
    `year`, it has)."""
    scores = {}
    for name, spec in SPECS.items():
        known = _known(name, headers)
        scores[name] = (len(known), set(spec.required) <= known)
    best = max(scores, key=scores.get)
    return best if scores[best][0] else None


def _sheet_table(sheet: str) -> str | None:
    """The table a sheet's name says it holds ("Nhật ký", "records", …), if any."""
    for name, aliases in _aliases().items():
        if aliases.get(text_key(sheet)) == "*":
            return name
    return None


@dataclass
class ImportFile:
    """The tables of an import file, each a frame of text with English column names and
    `attrs['source']` naming the file (and sheet) for error messages; and the columns
    that belong to no table, which the import lists."""

    tables: dict[str, pd.DataFrame]
    ignored: list[str]
    encoding: str = ""  # of a CSV file: utf-8, utf-16 or cp1258 (Windows-1258)


def _table(headers: list[str], rows: list[list[str]], where: str, sheet: str | None, problems: ProblemList,
           ignored: list[str], numbers: list[int] | None = None) -> tuple[str, pd.DataFrame] | None:
    """Recognise a table by its sheet's name or its headers; refuse it (naming the nearest
    table and what it lacks) unless every required column is there once."""
    table = (_sheet_table(sheet) if sheet is not None else None) or _nearest(headers)
    every = "; ".join(f"{name} ({', '.join(spec.required)})" for name, spec in SPECS.items())
    if table is None:
        problems.add(where, 1, "", " | ".join(h for h in headers if h),
                     msg("the headers of one of the tables: {tables}", tables=every),
                     msg("name the columns as `mrv template` does (Vietnamese or English headers)"))
        return None
    spec = SPECS[table]
    columns = _columns(table, headers)
    missing = [c for c in spec.required if c not in columns]
    if missing:
        shown = ", ".join(f"{c} ({vietnamese_headers()[table].get(c, c)})" for c in missing)
        problems.add(where, 1, ", ".join(missing), "",
                     msg("every required column of the table {table}: {missing} is missing", table=table,
                         missing=shown),
                     msg("add the column(s) {missing}, or start from `mrv template`", missing=shown))
    seen: dict[str, str] = {}
    for header, column in zip(headers, columns):
        if column in seen and header:
            problems.add(where, 1, column, header, msg("each column once (already given as {header})",
                                                       header=repr(seen[column])),
                         msg("delete one of the two columns, or merge them"))
        seen.setdefault(column, header)
    allowed = {*spec.required, *spec.optional}
    ignored.extend(f"{where}: {h!r}" for h, c in zip(headers, columns) if h and c not in allowed)
    if missing or len(seen) < len([h for h in headers if h]):
        return None
    frame = pd.DataFrame(rows, columns=columns, dtype=object).astype("category")
    frame.attrs["source"] = where
    if numbers is not None:  # the sheet's row of each row, where blank rows were skipped
        frame.attrs["row_numbers"] = numbers
    return table, frame


def _excel_text(value, number_format: str | None = None) -> str:
    """An Excel cell as text. Numbers are numbers in Excel, never ambiguous: they are
    written with '.' and, where three decimals would read as a thousands group, one more.
    A number formatted as a percentage is the percentage it shows (0.3 shown as 30 % is 30)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and number_format and "%" in number_format:
        value = float(f"{value * 100:.12g}")
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        whole, _, fraction = text.partition(".")
        return text + "0" if len(fraction) == 3 and len(whole.lstrip("-")) <= 3 else text
    return str(value)


def _formulas(path: Path) -> dict[str, set[str]]:
    """sheet → addresses of its formula cells."""
    book = load_workbook(path, read_only=True, data_only=False)
    found = {sheet.title: {cell.coordinate for row in sheet.iter_rows() for cell in row
                           if getattr(cell, "data_type", None) == "f"} for sheet in book.worksheets}
    book.close()
    return found


def _workbook(path: Path, problems: ProblemList, ignored: list[str]) -> dict[str, pd.DataFrame]:
    """Every sheet with data is a table, or refused by name: a sheet that matches no
    table, a hidden sheet, two sheets of one table, a formula without a computed value."""
    mrv.check_file(path, "xlsx")
    try:
        formulas = _formulas(path)
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError([Problem(str(path), None, "", type(error).__name__, msg("an Excel workbook that opens"),
                                  msg("open it in Excel or LibreOffice and save it again as .xlsx"))]) from None
    tables: dict[str, pd.DataFrame] = {}
    sheets_of: dict[str, list[str]] = {}
    for sheet in book.worksheets:
        if sheet.title == LISTS or sheet.title in INSTRUCTIONS:  # the template's drop-down lists and instructions
            continue
        where = f"{path} [{sheet.title}]"
        rows, numbers, uncomputed = [], [], []  # the rows with text, and the sheet's number of each
        for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):  # a blank cell is an EmptyCell
            texts = [_excel_text(c.value, getattr(c, "number_format", None)) for c in row]
            uncomputed += [c.coordinate for c in row
                           if c.value is None and getattr(c, "coordinate", None) in formulas[sheet.title]]
            if any(t.strip() for t in texts):
                rows.append(texts)
                numbers.append(number)
        if rows:  # the template's rows carry a record id before anything is typed in them: not data yet
            ids = {i for i, h in enumerate(rows[0]) if _aliases()["records"].get(text_key(h)) == "record_id"}
            kept = [0] + [i for i, r in enumerate(rows) if i and any(t.strip() for j, t in enumerate(r) if j not in ids)]
            rows, numbers = [rows[i] for i in kept], [numbers[i] for i in kept]
        if len(rows) > 1 and _trimmed(rows[1]) in _examples():  # the template's example, never data
            del rows[1], numbers[1]
        if len(rows) < 2 and not uncomputed:  # no data under the header
            continue
        if sheet.sheet_state != "visible":
            problems.add(where, None, "", sheet.title, msg("a visible sheet"),
                         msg("unhide the sheet to import it, or delete it: hidden data is never imported unseen"))
            continue
        for address in uncomputed:
            problems.add(where, None, address, "(formula)", msg("a value: this formula was never computed"),
                         msg("open the file in Excel or LibreOffice and save it, or type the value"))
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        found = _table(rows[0], rows[1:], where, sheet.title, problems, ignored, numbers[1:])
        if found is not None:
            sheets_of.setdefault(found[0], []).append(sheet.title)
            tables[found[0]] = found[1]
    book.close()
    for table, sheets in sheets_of.items():
        if len(sheets) > 1:
            problems.add(str(path), None, "", ", ".join(sheets), msg("one sheet of the table {table}", table=table),
                         msg("put the rows in one sheet, or import the sheets as separate files"))
    return tables


def read_import_file(path: str | Path) -> ImportFile:
    """The tables of an import file: a CSV file (one table, recognised by its headers) or
    an XLSX workbook (one table per sheet, recognised by the sheet's name or headers).
    Raises `InputError` naming every sheet or file that cannot be read as a table."""
    path = Path(path)
    problems = ProblemList()
    ignored: list[str] = []
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        tables = _workbook(path, problems, ignored)
    else:
        frame = mrv.read_table(path)
        headers = [str(c) for c in frame.columns]
        found = _table(headers, [], str(path), None, problems, ignored)
        tables = {}
        if found is not None:
            frame.columns = _columns(found[0], headers)
            first = frame.iloc[0].astype(object).where(frame.iloc[0].notna(), "") if len(frame) else None
            if first is not None and _trimmed([str(cell) for cell in first]) in _examples():  # a sheet of the template
                numbers = mrv.row_numbers(frame)[1:]                                          # saved as CSV
                frame = frame.iloc[1:].reset_index(drop=True)
                frame.attrs["row_numbers"] = numbers
            tables[found[0]] = frame
    problems.raise_if_any()
    return ImportFile(tables, ignored, "" if path.suffix.lower() in (".xlsx", ".xlsm") else frame.attrs["encoding"])
