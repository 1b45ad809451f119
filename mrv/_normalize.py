"""Raw plots and records, as typed, into the canonical activity frame (DESIGN.md §2, §5, §9).

Every value is checked once, at this edge; every bad value of both files is collected,
and nothing is returned unless all of them are good.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._errors import ProblemList
from mrv._numbers import parse_numbers
from mrv._quantities import SAO_VARIANTS, sao_variant, unit_factors
from mrv._schema import AMOUNT_UNITS, N_FORM_COLUMNS, PLOT_COLUMNS, RECORD_COLUMNS

_NUMBER_WITH_UNIT = re.compile(r"^\s*([+-]?[\d.,\s]*\d)\s*([^\d\s].*?)\s*$")
_YEARS = (1990, 2100)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV file exactly as typed (every cell as text; UTF-8 with or without the BOM
    Excel writes), remembering its name for error messages."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.attrs["source"] = str(path)
    return frame


class _Table:
    """A raw input frame with its name and spreadsheet row numbers (header = row 1)."""

    def __init__(self, frame: pd.DataFrame, default_name: str, problems: ProblemList):
        self.frame = frame.reset_index(drop=True)
        self.name = str(frame.attrs.get("source", default_name))
        self.rows = np.arange(len(frame)) + int(frame.attrs.get("first_row", 2))
        self.problems = problems

    def text(self, column: str) -> pd.Series:
        """The column's cells stripped, with None for blank or absent cells."""
        if column not in self.frame.columns:
            return pd.Series([None] * len(self.frame), dtype=object)
        cells = self.frame[column].astype("string").str.strip()
        blank = (cells.isna() | (cells == "")).to_numpy(dtype=bool, na_value=True)
        return cells.astype(object).where(~blank, None)

    def require_columns(self, columns) -> bool:
        missing = [c for c in columns if c not in self.frame.columns]
        for column in missing:
            self.problems.add(self.name, 1, column, "", f"a column named '{column}'",
                              f"add the column to the header (see examples/ for a complete file)")
        return not missing

    def report(self, mask, column: str, values, expected: str, fix: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        self.problems.add_rows(self.name, self.rows[mask], column, np.asarray(values, dtype=object)[mask], expected, fix)

    def report_errors(self, errors: dict, column: str, values) -> None:
        """Report NumberError / UnitError outcomes keyed by position."""
        for position, error in errors.items():
            self.problems.add(self.name, int(self.rows[position]), column, values.iloc[position], error.expected, error.fix)

    def resolve(self, column: str, catalogue: str, what: str, required: bool, default: str | None = None) -> pd.Series:
        """Catalogue ids for a text column; unknown and ambiguous texts are reported."""
        values = self.text(column)
        if default is not None:
            values = values.where(values.notna(), default)
        ids, failed = catalogues.aliases(catalogue).resolve(values)
        names = catalogues.table(catalogue)
        choices = ", ".join(f"{i} ({names.loc[i, 'name_vi']})" for i in names.index)
        for text, lookup in failed.items():
            mask = (values == text).to_numpy()
            if lookup.ids:
                options = ", ".join(f"{i} ({names.loc[i, 'name_vi']})" for i in lookup.ids)
                self.report(mask, column, values, f"one {what}, but {text!r} can mean: {options}",
                            "write the exact one")
            else:
                self.report(mask, column, values, f"a known {what}: {choices}",
                            f"use one of those names, or add a row to factors/catalogue/{catalogue}.csv")
        if required:
            self.report(values.isna().to_numpy(), column, values, f"a {what}", f"fill in the {what}")
        return ids

    def numbers(self, column: str, locale: str | None, low: float, high: float, what: str, required: bool) -> np.ndarray:
        """Parsed numbers of a column, checked to lie in [low, high]."""
        values = self.text(column)
        raw = self.frame[column] if column in self.frame.columns else values
        parsed, errors = parse_numbers(raw if pd.api.types.is_numeric_dtype(raw.dtype) else values, locale)
        self.report_errors(errors, column, values)
        blank = values.isna().to_numpy()
        if required:
            self.report(blank, column, values, what, f"fill in the {column}")
        bad = ~np.isnan(parsed) & ((parsed < low) | (parsed > high))
        self.report(bad, column, values, f"{what} between {low:g} and {high:g}", "correct the value")
        return np.where(bad, np.nan, parsed)


def _sao_variants(table: _Table, column: str, default: str | None) -> pd.Series:
    texts = table.text(column)
    variants = texts.map(sao_variant, na_action="ignore")
    bad = texts.notna() & variants.isna()
    table.report(bad.to_numpy(), column, texts, "a sào variant: " + ", ".join(SAO_VARIANTS), "write bac, trung or nam")
    return variants.where(variants.notna(), default).astype(object)


def _plots(table: _Table, sao: str | None, locale: str | None) -> pd.DataFrame:
    plot_id = table.text("plot_id")
    table.report(plot_id.isna().to_numpy(), "plot_id", plot_id, "a plot id", "give every plot an id")
    duplicated = (plot_id.duplicated() & plot_id.notna()).to_numpy()
    table.report(duplicated, "plot_id", plot_id, "a plot id used once", "merge the rows or give each plot its own id")
    variant = _sao_variants(table, "sao_variant", sao)
    area = table.numbers("area", locale, 0, np.inf, "an area", required=True)
    table.report(area == 0, "area", table.text("area"), "an area above 0", "write the plot's area")
    units = table.text("area_unit")
    table.report(units.isna().to_numpy(), "area_unit", units, "an area unit (ha, m², sào nam, công)", "fill in the unit")
    to_ha, errors = unit_factors(units, pd.Series("ha", index=units.index), pd.Series("area", index=units.index),
                                 variant, pd.Series(np.nan, index=units.index), pd.Series(None, index=units.index, dtype=object))
    table.report_errors(errors, "area_unit", units)
    return pd.DataFrame({
        "plot_id": plot_id,
        "commune_code": table.text("commune_code"),
        "crop": table.resolve("crop", "crops", "crop", required=True),
        "climate": table.resolve("climate", "climates", "climate (wet or dry)", required=True, default="wet"),
        "irrigation": table.resolve("irrigation", "irrigation", "irrigation method", required=True, default="none"),
        "plot_area_ha": area * to_ha,
        "sao_variant": variant,
    })


def _years(table: _Table, locale: str | None) -> np.ndarray:
    years = table.numbers("year", locale, *_YEARS, "a year", required=False)
    raw_years = table.text("year")
    fractional = ~np.isnan(years) & (years != np.floor(years))
    table.report(fractional, "year", raw_years, "a whole year such as 2025", "write the calendar year")
    dates_text = table.text("date")
    dates = pd.to_datetime(dates_text, format="ISO8601", errors="coerce")
    bad_date = dates_text.notna().to_numpy() & dates.isna().to_numpy()
    table.report(bad_date, "date", dates_text, "an ISO date such as 2025-03-14", "write the date as YYYY-MM-DD")
    date_years = dates.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    clash = ~np.isnan(years) & ~np.isnan(date_years) & (years != date_years)
    table.report(clash, "year", raw_years, "the year of the record's date", "correct the year or the date")
    resolved = np.where(np.isnan(date_years), years, date_years)
    neither = np.isnan(resolved) & ~bad_date & np.isnan(years) & raw_years.isna().to_numpy()
    table.report(neither, "year", raw_years, "a year or a date", "fill in the year (or the date) of the record")
    return resolved


def _split_number_and_unit(quantity: pd.Series, unit: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A cell such as '2,5 tạ' with the unit column blank gives number '2,5' and unit 'tạ'."""
    candidates = quantity.notna() & unit.isna()
    if not candidates.any():
        return quantity, unit
    parts = quantity[candidates].str.extract(_NUMBER_WITH_UNIT)
    found = parts[1].notna()
    quantity, unit = quantity.copy(), unit.copy()
    quantity.loc[found[found].index] = parts.loc[found, 0]
    unit.loc[found[found].index] = parts.loc[found, 1]
    return quantity, unit


def _records(table: _Table, plots: pd.DataFrame, locale: str | None) -> pd.DataFrame:
    products = catalogues.table("products")
    activities = catalogues.table("activities")
    plot_id = table.text("plot_id")
    known = plot_id.isin(plots["plot_id"].dropna()).to_numpy()
    table.report(plot_id.notna().to_numpy() & ~known, "plot_id", plot_id, "a plot_id of the plots file",
                 "add the plot to the plots file or correct the id")
    table.report(plot_id.isna().to_numpy(), "plot_id", plot_id, "a plot id", "fill in the plot of the record")
    plot = plots.set_index("plot_id").reindex(plot_id.to_numpy())
    activity = table.resolve("activity", "activities", "activity", required=True)
    year = _years(table, locale)

    kind = activity.map(activities["product_kind"]).to_numpy(dtype=object)
    product_text = table.text("product")
    defaults = {"diesel": "diesel", "electricity": "grid-electricity"}
    product_text = product_text.where(product_text.notna(), activity.map(defaults))
    product, failed = catalogues.aliases("products").resolve(product_text)
    names = products["name_vi"]
    for text, lookup in failed.items():
        mask = (product_text == text).to_numpy()
        if lookup.ids:
            options = ", ".join(f"{i} ({names[i]})" for i in lookup.ids)
            table.report(mask, "product", product_text, f"one product, but {text!r} can mean: {options}",
                         "write the exact product")
        else:
            table.report(mask, "product", product_text, "a product of the catalogue (factors/catalogue/products.csv)",
                         "use a catalogue id or Vietnamese name, e.g. urea, phân urê, npk-16-16-8, đá vôi, dolomite")
    product_kind = product.map(products["kind"]).to_numpy(dtype=object)
    needs_product = pd.notna(kind)
    missing_product = needs_product & product_text.isna().to_numpy()
    table.report(missing_product, "product", product_text, "a product for this activity", "fill in the product")
    wrong_kind = needs_product & pd.notna(product_kind) & (product_kind != kind)
    table.report(wrong_kind, "product", product_text, "a product of the activity's kind (" + "/".join(
        str(k) for k in pd.unique(kind[wrong_kind])) + ")", "check the activity and product columns")
    burning_product = (activity == "residue_burning").to_numpy() & table.text("product").notna().to_numpy()
    table.report(burning_product, "product", product_text, "no product: the residue burnt is the plot's crop",
                 "leave the product blank for residue_burning")
    harvest_crop = product.map(products["crop"]).to_numpy(dtype=object)
    wrong_crop = (product_kind == "harvest") & pd.notna(plot["crop"].to_numpy()) & (harvest_crop != plot["crop"].to_numpy())
    table.report(wrong_crop, "product", product_text, "a harvest product of the plot's crop", "check the plot or the product")

    quantity_text, unit_text = _split_number_and_unit(table.text("quantity"), table.text("unit"))
    entered = table.text("quantity")
    number, errors = parse_numbers(quantity_text, locale)
    table.report_errors(errors, "quantity", entered)
    table.report(quantity_text.isna().to_numpy(), "quantity", entered, "a quantity", "fill in the quantity")
    table.report(number < 0, "quantity", entered, "a quantity of 0 or more", "record what was applied, used or harvested")
    table.report(unit_text.isna().to_numpy() & quantity_text.notna().to_numpy(), "unit", unit_text,
                 "a unit (kg, tạ, tấn, bao, L, kWh, ha, sào nam)", "fill in the unit")
    canonical = activity.map(activities["canonical_unit"])
    dimension = activity.map(activities["dimension"])
    variant = pd.Series(plot["sao_variant"].to_numpy(dtype=object))
    to_canonical, errors = unit_factors(unit_text, canonical, dimension, variant, product.map(products["bag_kg"]), product)
    table.report_errors(errors, "unit", unit_text)
    amount = np.where(number < 0, np.nan, number) * to_canonical

    n_content = table.numbers("n_content", locale, 0, 100, "an N content in %", required=False)
    dry_matter = table.numbers("dry_matter", locale, 0, 100, "a dry matter content in %", required=False)
    catalogue_n = product.map(products["n_percent"]).to_numpy(dtype="float64", na_value=np.nan)
    is_fertiliser = (activity == "fertiliser").to_numpy() & (product_kind == "fertiliser")
    n_percent = np.where(np.isnan(n_content), catalogue_n, n_content)
    no_n = is_fertiliser & np.isnan(n_percent) & np.isnan(n_content)
    table.report(no_n, "n_content", table.text("n_content"),
                 "the N content (%) of this product: it varies, so the record gives it",
                 "write the % N from the label or a lab analysis (on the mass as applied, or give dry_matter)")

    use = table.resolve("use", "energy_uses", "use (pump or machinery)", required=False)
    table.report((activity == "diesel").to_numpy() & use.isna().to_numpy() & table.text("use").isna().to_numpy(),
                 "use", table.text("use"), "the diesel's use: pump or machinery", "fill in use (pump or machinery)")

    record_id = table.text("record_id")
    generated = pd.Series([f"{table.name}:{row}" for row in table.rows], dtype=object)
    record_id = record_id.where(record_id.notna(), generated)
    table.report(record_id.duplicated().to_numpy(), "record_id", record_id, "a record id used once",
                 "give each record its own id")

    def where(activity_id: str, values) -> np.ndarray:
        return np.where((activity == activity_id).to_numpy(), values, 0.0)

    product_kg = np.where(np.isin(activity.to_numpy(dtype=object), ["fertiliser", "lime"]), amount, 0.0)
    n_kg = np.nan_to_num(product_kg * np.where(np.isnan(dry_matter), 1.0, dry_matter / 100) * n_percent / 100)
    lime = product.map(products["lime_material"]).to_numpy(dtype=object)
    frame = pd.DataFrame({
        "record_id": record_id,
        "plot_id": plot_id,
        "year": pd.array(np.where(np.isnan(year), 0, year).astype("int64")),
        "date": table.text("date"),
        "season": table.text("season"),
        "activity": activity,
        "product": product,
        "use": use,
        "evidence": table.text("evidence"),
        "quantity_text": (table.text("quantity").fillna("") + " " + table.text("unit").fillna("")).str.strip(),
        "source_file": table.name,
        "source_row": table.rows,
        "commune_code": plot["commune_code"].to_numpy(dtype=object),
        "crop": plot["crop"].to_numpy(dtype=object),
        "climate": plot["climate"].to_numpy(dtype=object),
        "irrigation": plot["irrigation"].to_numpy(dtype=object),
        "plot_area_ha": plot["plot_area_ha"].to_numpy(dtype="float64"),
        "product_kg": product_kg,
    })
    for form, column in N_FORM_COLUMNS.items():
        share = product.map(products[f"n_{form}"]).to_numpy(dtype="float64", na_value=0.0)
        frame[column] = n_kg * np.nan_to_num(share)
    frame["urea_kg"] = product_kg * product.map(products["urea_mass_fraction"]).to_numpy(dtype="float64", na_value=0.0)
    frame["limestone_kg"] = np.where(lime == "limestone", product_kg, 0.0)
    frame["dolomite_kg"] = np.where(lime == "dolomite", product_kg, 0.0)
    frame["diesel_l"] = where("diesel", amount)
    frame["electricity_kwh"] = where("electricity", amount)
    frame["burnt_area_ha"] = where("residue_burning", amount)
    frame["harvest_kg"] = where("harvest", amount)
    for column in AMOUNT_UNITS:
        frame[column] = frame[column].astype("float64")
    return frame


def normalize(plots: pd.DataFrame, records: pd.DataFrame, *, sao: str | None = None, locale: str | None = None) -> pd.DataFrame:
    """The canonical activity frame: one row per record, amounts in the units of
    `mrv._schema.AMOUNT_UNITS`, the plot's crop, commune, climate and irrigation joined.

    `plots` and `records` are frames of text as typed (see `read_table`); `sao` is the
    import's default sào variant (bac, trung or nam) and `locale` ("vi" or "en") the
    number format, needed only for numbers such as "1.200". Raises `InputError` listing
    every bad value of both frames; returns nothing partial.
    """
    problems = ProblemList()
    default_variant = sao_variant(sao) if sao is not None else None
    if sao is not None and default_variant is None:
        problems.add("options", None, "sao", sao, "a sào variant: " + ", ".join(SAO_VARIANTS), "use bac, trung or nam")
    plot_table = _Table(plots, "plots", problems)
    record_table = _Table(records, "records", problems)
    if not (plot_table.require_columns(PLOT_COLUMNS) & record_table.require_columns(RECORD_COLUMNS)):
        problems.raise_if_any()
    plot_frame = _plots(plot_table, default_variant, locale)
    activity = _records(record_table, plot_frame[plot_frame["plot_id"].notna()].drop_duplicates("plot_id"), locale)
    problems.raise_if_any()
    return activity
