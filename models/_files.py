"""Reading import files: CSV (one table) and XLSX (one sheet per table), with Vietnamese
or English headers, every cell as text."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

import mrv
from mrv import text_key

HEADERS = Path(__file__).with_name("headers.csv")


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
    TableSpec("practice_profiles", ("profile_id", "name", "crop", "low_emission", "activity", "product", "quantity",
                                    "unit"), ("n_content", "use")),
    TableSpec("adoption", ("commune_code", "year", "profile_id", "share")),
    TableSpec("commune_settings", ("commune_code",), ("climate", "sao_variant", "rice_region", "valid_from")),
    TableSpec("plan_indicators", ("year",), ("farmers_trained", "communication_events", "research_tasks",
                                             "zones_formed", "cooperatives_formed", "note")),
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


def _columns(table: str, headers: list[str]) -> list[str]:
    aliases = _aliases()[table]
    return [aliases.get(text_key(h), h) if aliases.get(text_key(h)) != "*" else h for h in headers]


def _table_of(headers: list[str], sheet: str | None) -> str | None:
    """Which table a sheet (by its name) or a CSV file (by its headers) holds."""
    if sheet is not None:
        for name, aliases in _aliases().items():
            if aliases.get(text_key(sheet)) == "*":
                return name
    best, best_score = None, 0
    for name, spec in SPECS.items():
        columns = set(_columns(name, headers))
        if set(spec.required) <= columns and len(spec.required) > best_score:
            best, best_score = name, len(spec.required)
    return best


def _excel_text(value) -> str:
    """An Excel cell as text. Numbers are numbers in Excel, never ambiguous: they are
    written with '.' and, where three decimals would read as a thousands group, one more."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        whole, _, fraction = text.partition(".")
        return text + "0" if len(fraction) == 3 and len(whole.lstrip("-")) <= 3 else text
    return str(value)


def read_import_file(path: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of an import file, each a frame of text with English column names and
    `attrs['source']` naming the file (and sheet) for error messages."""
    path = Path(path)
    tables: dict[str, pd.DataFrame] = {}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            rows = [[_excel_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            rows = [row for row in rows if any(cell.strip() for cell in row)]
            if len(rows) < 2 or sheet.title.startswith("_"):  # no data under the header
                continue
            table = _table_of(rows[0], sheet.title)
            if table is None:
                continue
            frame = pd.DataFrame(rows[1:], columns=_columns(table, rows[0]), dtype=object).astype("category")
            frame.attrs["source"] = f"{path} [{sheet.title}]"
            tables[table] = frame
        book.close()
    else:
        frame = mrv.read_table(path)
        table = _table_of(list(frame.columns), None)
        if table is not None:
            frame.columns = _columns(table, list(frame.columns))
            tables[table] = frame
    return tables
