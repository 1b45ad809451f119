"""Raw plots and records, as typed, into the canonical activity frame (DESIGN.md §2, §5, §9).

Every value is checked once, at this edge; every bad value of both files is collected,
and nothing is returned unless all of them are good. Text columns are resolved once per
distinct text into catalogue codes; everything after that is array arithmetic.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from mrv import _catalogues as catalogues
from mrv._errors import InputError, Problem, ProblemList
from mrv._i18n import msg
from mrv._files import PYTHON_CODECS, check_file
from mrv._numbers import MAX_TYPED, parse_numbers
from mrv._quantities import SAO_VARIANTS, sao_variant, unit_factors
from mrv.schema import N_FORM_COLUMNS, PLOT_COLUMNS, RECORD_COLUMNS

_NUMBER_WITH_UNIT = re.compile(r"^\s*([+-]?[\d.,\s]*\d)\s*([^\d\s].*?)\s*$")
_YEARS = (1990, 2100)


def _ragged_lines(path: Path, width: int, encoding: str) -> list[Problem]:
    """Every line of a CSV file whose number of cells differs from the header's."""
    with open(path, encoding=PYTHON_CODECS[encoding], newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return [Problem(str(path), reader.line_num, "", ",".join(cells),
                        msg("{width} cells, as in the header (found {found})", width=width, found=len(cells)),
                        msg("quote cells that contain a comma (\"2,5\"), or remove the extra cells"))
                for cells in reader if cells and len(cells) != width]


def _read_csv(path: Path, encoding: str) -> pa.Table:
    """The file as a table of text in `encoding`; ArrowInvalid for a line of the wrong
    width or bytes that are not that encoding."""
    with open(path, encoding=PYTHON_CODECS[encoding], newline="") as handle:
        header = next(csv.reader(handle), [])
    options = pcsv.ConvertOptions(column_types={name: pa.string() for name in header}, strings_can_be_null=False)
    return pcsv.read_csv(path, read_options=pcsv.ReadOptions(encoding=encoding), convert_options=options,
                         parse_options=pcsv.ParseOptions(ignore_empty_lines=False))


def _texts(column: pd.Series) -> pa.Array:
    """A categorical column's distinct texts, as Arrow strings for vectorised checks."""
    return pa.array(column.cat.categories, type=pa.string())


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV file exactly as typed: every cell as text (never a number guessed by the
    reader), each column categorical so that each distinct text is parsed once. UTF-8
    with or without the BOM Excel writes, UTF-16 with its BOM, or else Windows-1258 (the
    Vietnamese code page; `attrs['encoding']` says which was read); text in Unicode NFC.
    The file's name is kept for error messages. A line with more or fewer cells than the
    header is refused, never shifted; a file of another kind is refused saying what it is.
    Blank rows (empty lines, or only separators as Excel saves them) are left out, and the
    rows keep their own numbers (`row_numbers`), so a problem names the row the officer sees."""
    path = Path(path)
    encoding = check_file(path, "csv")
    try:
        table = _read_csv(path, encoding)
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as error:
        if encoding != "utf-8" or "utf8" not in str(error).lower().replace("-", ""):
            raise InputError(_unreadable(path, encoding)) from None
        encoding = "cp1258"
        try:
            table = _read_csv(path, encoding)
        except (pa.ArrowInvalid, UnicodeDecodeError, ValueError):
            raise InputError(_unreadable(path, encoding)) from None
    frame = table.to_pandas().astype("category")
    frame.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in frame.columns]
    for position in range(frame.shape[1]):  # by position: a header may be given twice (refused later, by name)
        column = frame.iloc[:, position]
        texts = _texts(column)
        if pc.any(pc.not_equal(pc.utf8_normalize(texts, form="NFC"), texts)).as_py():
            frame.isetitem(position, column.astype(object).map(lambda t: unicodedata.normalize("NFC", t))
                           .astype("category"))
    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        empty = pc.equal(pc.utf8_trim_whitespace(_texts(column)), "").to_numpy(zero_copy_only=False)
        blank &= np.append(empty, True)[column.cat.codes.to_numpy()]  # code -1 (no cell) is blank too
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
        frame.attrs["row_numbers"] = np.flatnonzero(~blank) + 2
    frame.attrs["source"] = str(path)
    frame.attrs["encoding"] = encoding
    return frame


def _unreadable(path: Path, encoding: str) -> list[Problem]:
    """Why a CSV file could not be read: its lines of the wrong width, or its text."""
    try:
        with open(path, encoding=PYTHON_CODECS[encoding], newline="") as handle:
            width = len(next(csv.reader(handle), []))
        ragged = _ragged_lines(path, width, encoding)
    except (UnicodeDecodeError, csv.Error):
        return [Problem(str(path), None, "", "", msg("text in UTF-8, UTF-16 or Windows-1258 (Vietnamese)"),
                        msg("save the file as CSV UTF-8 (Excel: Save As → CSV UTF-8)"))]
    return ragged or [Problem(str(path), None, "", "", msg("a CSV file: a header row, then rows of as many cells"),
                              msg("save the file as CSV UTF-8 from Excel, or start from `mrv template`"))]


def row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The spreadsheet row of each row of `frame` (the header is row 1): `attrs['row_numbers']`
    when its reader skipped rows (blank ones, the template's example), else from
    `attrs['first_row']` (2: under the header) on."""
    if "row_numbers" in frame.attrs:
        return np.asarray(frame.attrs["row_numbers"], dtype="int64")
    return np.arange(len(frame)) + int(frame.attrs.get("first_row", 2))


class RawTable:
    """A raw input frame with its name and spreadsheet row numbers (header = row 1), and the
    checks every importer shares: text cells, catalogue look-ups, numbers, problems."""

    def __init__(self, frame: pd.DataFrame, default_name: str, problems: ProblemList):
        self.frame = frame.reset_index(drop=True)
        self.name = str(frame.attrs.get("source", default_name))
        self.rows = row_numbers(frame)
        self.problems = problems
        self._text: dict[str, pd.Series] = {}

    def text(self, column: str) -> pd.Series:
        """The column's cells, stripped, as a categorical Series with NA for blank or absent
        cells. Each distinct text is handled once: a column read as `category` (see
        `read_table`) costs nothing more, any other column one factorisation."""
        if column not in self._text:
            if column not in self.frame.columns:
                codes, categories = np.full(len(self.frame), -1, dtype="int64"), pd.Index([], dtype=str)
            else:
                raw = self.frame[column]
                if isinstance(raw.dtype, pd.CategoricalDtype):
                    codes, categories = raw.cat.codes.to_numpy(dtype="int64"), raw.cat.categories
                else:
                    codes, categories = pd.factorize(raw, use_na_sentinel=True)
                categories = pd.Index(categories).astype(str)
                stripped = categories.str.strip()
                empty = np.asarray(stripped == "", dtype=bool)
                if empty.any() or not stripped.equals(categories):
                    merged, stripped = pd.factorize(stripped.where(~empty, None), use_na_sentinel=True)
                    codes = np.append(merged, -1)[codes]
                categories = pd.Index(stripped)
            self._text[column] = pd.Series(pd.Categorical.from_codes(codes, categories=categories, validate=False))
        return self._text[column]

    def strings(self, column: str) -> np.ndarray:
        """The column's cells as an object array of str, None where blank."""
        cells = self.text(column)
        return cells.astype(object).where(cells.notna(), None).to_numpy()

    def sao_variants(self, column: str, default: str | None = None) -> pd.Categorical:
        """A column of sào variants (bac, trung, nam) in any spelling, `default` where
        blank; anything else is reported."""
        texts = self.text(column)
        codes, uniques = pd.factorize(texts)
        variants = np.array([*(sao_variant(text) for text in uniques), None], dtype=object)[codes]
        self.report(~self.blank(column) & pd.isna(variants), column,
                    msg("a sào variant: {variants}", variants=", ".join(SAO_VARIANTS)), msg("write bac, trung or nam"))
        return pd.Categorical(np.where(pd.isna(variants), default, variants), categories=list(SAO_VARIANTS))

    def blank(self, column: str) -> np.ndarray:
        return self.text(column).isna().to_numpy()

    def require_columns(self, columns) -> bool:
        missing = [c for c in columns if c not in self.frame.columns]
        for column in missing:
            self.problems.add(self.name, 1, column, "", msg("a column named '{column}'", column=column),
                              msg("add the column to the header (see examples/ for a complete file)"))
        return not missing

    def report(self, mask, column: str, expected: str, fix: str, values: pd.Series | None = None) -> None:
        """Report every row of `mask` with the cell's text (or `values`)."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions):
            shown = (self.text(column) if values is None else values).iloc[positions].astype(object)
            self.problems.add_rows(self.name, self.rows[positions], column,
                                   ["" if pd.isna(v) else v for v in shown], expected, fix)

    def report_errors(self, errors: dict, column: str) -> None:
        """Report NumberError / UnitError outcomes keyed by position."""
        cells = self.text(column)
        for position, error in errors.items():
            self.problems.add(self.name, int(self.rows[position]), column, cells.iloc[position], error.expected, error.fix)

    def resolve(self, column: str, catalogue: str, what: str, required: bool, default: str | None = None,
                values: pd.Series | None = None) -> np.ndarray:
        """Catalogue codes for a text column, or for `values` standing in for it (-1 where
        blank or bad); bad texts are reported."""
        values = self.text(column) if values is None else values
        if default is not None:
            values = values.cat.add_categories([default]).fillna(default) if default not in values.cat.categories \
                else values.fillna(default)
        codes, failed = catalogues.aliases(catalogue).resolve(values)
        names = catalogues.table(catalogue)["name_vi"]
        for text, lookup in failed.items():
            mask = (values == text).to_numpy(dtype=bool, na_value=False)
            if lookup.ids:
                options = ", ".join(f"{i} ({names[i]})" for i in lookup.ids)
                self.report(mask, column, msg("one {what}, but {text} can mean: {options}", what=what,
                                              text=repr(text), options=options), msg("write the exact one"), values)
            else:
                choices = ", ".join(f"{i} ({names[i]})" for i in names.index)
                self.report(mask, column, msg("a known {what}: {choices}", what=what, choices=choices),
                            msg("use one of those names, or add a row to factors/catalogue/{catalogue}.csv",
                                catalogue=catalogue), values)
        if required:
            self.report(values.isna().to_numpy(), column, msg("a {what}", what=what), msg("fill in the {what}",
                                                                                          what=what), values)
        return codes

    def numbers(self, column: str, locale: str | None, low: float, high: float, what: str, required: bool,
                cells: pd.Series | None = None) -> np.ndarray:
        """Parsed numbers of a column, checked to lie in [low, high] (NaN where blank or bad)."""
        raw = self.frame[column] if column in self.frame.columns else None
        if cells is None:
            cells = raw if raw is not None and pd.api.types.is_numeric_dtype(raw.dtype) else self.text(column)
        parsed, errors = parse_numbers(cells, locale)
        self.report_errors(errors, column)
        if required:
            self.report(cells.isna().to_numpy(), column, what, msg("fill in the {column}", column=column))
        bad = ~np.isnan(parsed) & ((parsed < low) | (parsed > high))
        def shown(bound: float) -> str:
            return f"{bound:,.0f}".replace(",", " ") if abs(bound) >= 1e5 else f"{bound:g}"
        bounds = (msg("of at most {high}", high=shown(high)) if low == -np.inf
                  else msg("of at least {low}", low=shown(low)) if high == np.inf
                  else msg("between {low} and {high}", low=shown(low), high=shown(high)))
        self.report(bad, column, msg("{what} {bounds}", what=what, bounds=bounds),
                    msg("correct the value (a unit or a decimal mark may be wrong)"))
        return np.where(bad, np.nan, parsed)


def _plots(table: RawTable, sao: str | None, locale: str | None) -> pd.DataFrame:
    plot_id = table.text("plot_id")
    table.report(plot_id.isna().to_numpy(), "plot_id", msg("a plot id"), msg("give every plot an id"))
    duplicated = (plot_id.duplicated() & plot_id.notna()).to_numpy()
    table.report(duplicated, "plot_id", msg("a plot id used once"), msg("merge the rows or give each plot its own id"))
    variant = table.sao_variants("sao_variant", sao)
    area = table.numbers("area", locale, 0, MAX_TYPED, msg("an area"), required=True)
    table.report(area == 0, "area", msg("an area above 0"), msg("write the plot's area"))
    units = table.text("area_unit")
    table.report(units.isna().to_numpy() & ~np.isnan(area), "area_unit", msg("an area unit (ha, m², sào nam, công)"),
                 msg("fill in the unit"))
    measure = pd.Categorical.from_codes(np.zeros(len(units), dtype="int64"), categories=["area"])
    no_product = pd.Categorical.from_codes(np.full(len(units), -1), categories=["none"])
    to_ha, errors = unit_factors(units, measure, {"area": ("ha", "area")}, variant, no_product, {})
    table.report_errors(errors, "area_unit")
    crop = table.resolve("crop", "crops", msg("crop"), required=True)
    return pd.DataFrame({
        "plot_id": plot_id,
        "commune_code": table.text("commune_code"),
        "crop": crop,
        "climate": table.resolve("climate", "climates", msg("climate (wet or dry)"), required=True, default="wet"),
        "irrigation": table.resolve("irrigation", "irrigation", msg("irrigation method"), required=True,
                                    default="none"),
        "rice_region": table.resolve("rice_region", "rice_regions", msg("rice region (QĐ 2626: north, centre, south)"),
                                     required=True, default=_default("rice_regions")),
        "soil": table.resolve("soil", "soils", msg("soil class (IPCC: low-activity clay, high-activity clay, sandy)"),
                              required=True, default=_default("soils")),
        "plot_area_ha": area * to_ha,
        "sao_variant": variant,
        "planting_year": _planting_years(table, locale),
        **_intercrops(table, crop, locale),
    })


def _intercrops(table: RawTable, crop: np.ndarray, locale: str | None) -> dict[str, np.ndarray]:
    """A plot's intercrop (catalogue code, -1 where none) and its share of the plot's area,
    a fraction (0 where none): typed as a fraction (0.3) or a percentage (30)."""
    intercrop = table.resolve("intercrop", "crops", msg("crop"), required=False)
    share = table.numbers("intercrop_share", locale, 0, 100, msg("a share of the area"), required=False)
    share = np.where(share > 1, share / 100, share)
    named = ~table.blank("intercrop")
    table.report(named & np.isnan(share), "intercrop_share", msg("the intercrop's share of the area"),
                 msg("write it as a fraction (0.3) or a percentage (30)"))
    table.report(named & ((share == 0) | (share == 1)), "intercrop_share",
                 msg("a share above 0 and below the whole plot"),
                 msg("write the part of the area the intercrop takes, or leave intercrop blank"))
    table.report(~named & ~np.isnan(share), "intercrop", msg("the crop the intercrop share is of"),
                 msg("write the intercrop, or clear intercrop_share"))
    table.report((intercrop >= 0) & (intercrop == crop), "intercrop", msg("an intercrop other than the plot's crop"),
                 msg("leave intercrop blank for a plot of one crop"))
    return {"intercrop": intercrop, "intercrop_share": np.where(intercrop >= 0, np.nan_to_num(share), 0.0)}


def _default(catalogue: str) -> str:
    """The row a catalogue marks as the default: the Centre of rice_regions.csv, the
    low-activity clay (basalt) soil of soils.csv."""
    rows = catalogues.table(catalogue)
    return str(rows.index[rows["default"].astype(bool)][0])


def _planting_years(table: RawTable, locale: str | None) -> np.ndarray:
    """The plots' planting years (NaN where not given)."""
    years = table.numbers("planting_year", locale, 1900, 2100, msg("a planting year"), required=False)
    fractional = ~np.isnan(years) & (years != np.floor(years))
    table.report(fractional, "planting_year", msg("a whole year such as 2019"),
                 msg("write the year the crop was planted"))
    return np.where(fractional, np.nan, years)


def _date_years(texts: pd.Series) -> np.ndarray:
    """The year of each date text, then NaN for a blank cell: ISO (2025-03-15) or day first
    as written in Việt Nam (15/03/2025, 15-03-2025, 15.03.2025); NaN for anything else,
    a two-digit year or a day that does not exist (31/02/2025)."""
    iso = pd.to_datetime(texts, format="ISO8601", errors="coerce")
    day_first = pd.to_datetime(texts.str.replace(r"[.\-]", "/", regex=True), format="%d/%m/%Y", errors="coerce")
    years = iso.fillna(day_first).dt.year.to_numpy(dtype="float64", na_value=np.nan)
    return np.append(years, np.nan)


def _years(table: RawTable, locale: str | None) -> np.ndarray:
    years = table.numbers("year", locale, *_YEARS, "a year", required=False)
    fractional = ~np.isnan(years) & (years != np.floor(years))
    table.report(fractional, "year", msg("a whole year such as 2025"), msg("write the calendar year"))
    dates_text = table.text("date")
    no_date = dates_text.isna().to_numpy()
    date_years = np.full(len(years), np.nan)
    if not no_date.all():
        cells = dates_text.array
        date_years = _date_years(pd.Series(cells.categories, dtype=object))[cells.codes]
        table.report(~no_date & np.isnan(date_years), "date",
                     msg("a date such as 15/03/2025 (ngày/tháng/năm) or 2025-03-15"),
                     msg("write the day, the month and the four-digit year of a real date"))
    clash = ~np.isnan(years) & ~np.isnan(date_years) & (years != date_years)
    table.report(clash, "year", msg("the year of the record's date"), msg("correct the year or the date"))
    neither = table.blank("year") & no_date
    table.report(neither, "year", msg("a year or a date"), msg("fill in the year (or the date) of the record"))
    return np.where(np.isnan(date_years), years, date_years)


def _split_number_and_unit(table: RawTable) -> tuple[pd.Series, pd.Series]:
    """A quantity cell such as '2,5 tạ' with the unit cell blank gives '2,5' and 'tạ'."""
    quantity, unit = table.text("quantity"), table.text("unit")
    matches = [_NUMBER_WITH_UNIT.match(str(text)) for text in quantity.cat.categories]
    codes = quantity.cat.codes.to_numpy()
    split = np.array([m is not None for m in matches] + [False])[codes] & unit.isna().to_numpy()
    if not split.any():
        return quantity, unit
    numbers = np.array([m.group(1) if m else None for m in matches] + [None], dtype=object)[codes]
    units = np.array([m.group(2) if m else None for m in matches] + [None], dtype=object)[codes]
    quantity = pd.Series(pd.Categorical(np.where(split, numbers, quantity.astype(object))))
    unit = pd.Series(pd.Categorical(np.where(split, units, unit.astype(object))))
    return quantity, unit


def _products(table: RawTable, activity: np.ndarray, none: np.ndarray) -> np.ndarray:
    """Product codes, checked against the activity's product kind and defaulted where the
    activity has one product (diesel, grid electricity); a record of none (quantity 0)
    needs no product."""
    diesel, electricity, burning = catalogues.codes_of("activities", "diesel", "electricity", "residue_burning")
    codes = table.resolve("product", "products", msg("product of the catalogue (factors/catalogue/products.csv)"),
                          required=False)
    blank = table.blank("product")
    for activity_code, default in ((diesel, "diesel"), (electricity, "grid-electricity")):
        codes = np.where(blank & (activity == activity_code), catalogues.codes_of("products", default)[0], codes)
    kinds = pd.Index(catalogues.table("products")["kind"].unique())
    kind = np.append(kinds.get_indexer(catalogues.table("activities")["product_kind"]), -1)[activity]
    product_kind = np.append(kinds.get_indexer(catalogues.table("products")["kind"]), -1)[codes]
    needs = kind >= 0
    table.report(needs & blank & (codes < 0) & ~none, "product", msg("a product for this activity"),
                 msg("fill in the product"))
    wrong = needs & (product_kind >= 0) & (product_kind != kind)
    if wrong.any():
        expected = "/".join(sorted(kinds[np.unique(kind[wrong])]))
        table.report(wrong, "product", msg("a product of the activity's kind ({kinds})", kinds=expected),
                     msg("check the activity and product columns"))
    residue = catalogues.codes_of("activities", "residue")[0]
    table.report(np.isin(activity, [burning, residue]) & ~table.blank("product"), "product",
                 msg("no product: the residue is the plot's crop"), msg("leave the product blank for residue_burning and residue"))
    return codes


def _rice_seasons(table: RawTable, activity: np.ndarray, none: np.ndarray, on_rice: np.ndarray, plot: np.ndarray,
                  year: np.ndarray, locale: str | None) -> dict[str, object]:
    """The rice season columns (IPCC 2019 Eq. 5.1–5.3). A `rice_season` record gives the
    season, its cultivation days, its water regime and pre-season regime; the fertiliser,
    straw and harvest records of a rice plot belong to the season their `season` cell
    names, or to the plot-year's only season when it is blank (a harvest's residues are
    returned to the field in its season, Eq. 11.6)."""
    season_record, straw, fertiliser, harvest = catalogues.codes_of("activities", "rice_season", "straw", "fertiliser",
                                                                    "harvest")
    is_season = (activity == season_record) & ~none
    season = table.resolve("season", "rice_seasons", msg("rice season (Đông Xuân, Hè Thu, Thu Đông, Xuân, Mùa)"),
                           required=False, values=table.text("season").where(on_rice))
    regime = table.resolve("water_regime", "water_regimes", msg("water regime"), required=False)
    pre_season = table.resolve("pre_season", "pre_seasons", msg("pre-season water regime"), required=False)
    days = table.numbers("days", locale, 1, 366, msg("cultivation days"), required=False)
    table.report(is_season & ~on_rice & (plot >= 0), "activity", msg("a rice season on a rice plot"),
                 msg("check the plot of the record, or its crop in the plots file"))
    table.report((activity == straw) & ~on_rice & (plot >= 0), "activity", msg("straw incorporation on a rice plot"),
                 msg("check the plot of the record; other crops' residues are not rice straw"))
    table.report(is_season & on_rice & (season < 0) & table.blank("season"), "season",
                 msg("the rice season (Đông Xuân, Hè Thu, Thu Đông, Xuân, Mùa)"), msg("fill in the season"))
    table.report(is_season & table.blank("water_regime"), "water_regime",
                 msg("the water regime (ngập liên tục, rút nước một lần, ướt khô xen kẽ, nhờ nước trời, lúa cạn)"),
                 msg("fill in the water regime of the season"))
    table.report(is_season & table.blank("days"), "days", msg("the days from sowing or transplanting to harvest"),
                 msg("fill in the season's cultivation days"))
    pre_season = np.where(is_season & (pre_season < 0), catalogues.codes_of("pre_seasons", "non_flooded_short")[0],
                          pre_season)
    seasons = pd.DataFrame({"plot": plot, "year": year, "season": season, "row": np.arange(len(plot))})[is_season]
    repeated = seasons.duplicated(["plot", "year", "season"], keep=False).to_numpy()
    table.report(np.isin(np.arange(len(plot)), seasons["row"].to_numpy()[repeated]), "season",
                 msg("one rice season record per plot, year and season"), msg("merge the records or correct the season"))
    only = seasons.groupby(["plot", "year"])["season"].agg(["first", "size"])
    linked = np.flatnonzero(on_rice & np.isin(activity, [straw, fertiliser, harvest]) & ~none)  # tied to a season
    keys = pd.MultiIndex.from_arrays([plot[linked], year[linked]])
    sole = only["first"].where(only["size"] == 1).reindex(keys).to_numpy()
    season = season.copy()
    season[linked] = np.where(season[linked] < 0, np.nan_to_num(sole, nan=-1), season[linked])
    owner = seasons.drop_duplicates(["plot", "year", "season"]).set_index(["plot", "year", "season"])["row"]
    found = owner.reindex(pd.MultiIndex.from_arrays([plot[linked], year[linked], season[linked]])).to_numpy()
    has_seasons = only["size"].reindex(keys, fill_value=0).to_numpy() > 0
    unknown = np.isnan(found) & ((activity[linked] == straw) | has_seasons)
    table.report(np.isin(np.arange(len(plot)), linked[unknown]), "season",
                 msg("the rice season this record belongs to, among the plot's rice_season records of the year"),
                 msg("name the season (Đông Xuân, Hè Thu, …) in the season cell, or record the season itself"))
    row = np.full(len(plot), -1, dtype="int64")
    row[linked] = np.where(np.isnan(found), -1, found)
    own = np.where(is_season, np.arange(len(plot)), row)
    return {
        "rice_season": catalogues.categorical("rice_seasons", np.where(own >= 0, season, -1)),
        "water_regime": catalogues.categorical("water_regimes", np.append(regime, -1)[own]),
        "pre_season": catalogues.categorical("pre_seasons", np.where(is_season, pre_season, -1)),
        "days": np.where(is_season, days, np.nan),
    }


def _only_on(table: RawTable, column: str, activity: np.ndarray, owner: str) -> None:
    """A filled `column` is refused on every record whose activity is not `owner`."""
    table.report((activity != catalogues.codes_of("activities", owner)[0]) & ~table.blank(column), column,
                 msg("no {column}: it belongs to {owner} records", column=column, owner=owner),
                 msg("clear the cell, or set the activity to {owner}", owner=owner))


def _tree_measures(table: RawTable, activity: np.ndarray, product: np.ndarray, none: np.ndarray,
                   locale: str | None) -> dict[str, np.ndarray]:
    """The mean tree of a `tree_inventory` record: stem diameter (cm), height (m) and, for
    the equations that use it, wood density (g/cm³). Required on an inventory record,
    refused on any other."""
    inventory = (activity == catalogues.codes_of("activities", "tree_inventory")[0]) & ~none
    allometries = catalogues.table("allometries")
    density_needed = np.isin(catalogues.take("products", "allometry", product),
                             allometries.index[allometries["wood_density"] == "required"])
    measures = {}
    for column, high, what, needed in (
        ("diameter_cm", 500,
         msg("the mean stem diameter in cm (at 1.3 m for trees, at 15 cm for coffee bushes)"), inventory),
        ("height_m", 120, msg("the mean height in m"), inventory),
        ("wood_density", 1.5, msg("the species' wood density in g/cm³ (Global Wood Density Database)"),
         inventory & density_needed),
    ):
        values = table.numbers(column, locale, 0, high, what, required=False)
        table.report(values == 0, column, msg("{what}, above 0", what=what), msg("measure the trees again"))
        table.report(needed & table.blank(column), column, what, msg("fill in the mean tree of the record"))
        _only_on(table, column, activity, "tree_inventory")
        measures[column] = values
    return measures


def _previous_practices(table: RawTable, activity: np.ndarray, product: np.ndarray, none: np.ndarray) -> np.ndarray:
    """The practice a `soil_management` record's practice replaced (IPCC Eq. 2.25 needs the
    stock before the change): required, and a practice of the same factor (tillage F_MG or
    input F_I) as the new one."""
    change = (activity == catalogues.codes_of("activities", "soil_management")[0]) & ~none
    previous = table.resolve("previous_practice", "products", msg("soil practice (factors/catalogue/products.csv, kind "
                             "soil_practice)"), required=False)
    practices = ", ".join(catalogues.table("products").query("kind == 'soil_practice'").index)
    table.report(change & table.blank("previous_practice"), "previous_practice",
                 msg("the practice before the change, from which the soil carbon moves: {practices}",
                     practices=practices),
                 msg("write the tillage or input practice the plot had before"))
    new_factor = catalogues.take("products", "soil_factor", product)
    same = catalogues.take("products", "soil_factor", previous) == new_factor
    table.report(change & (previous >= 0) & pd.notna(new_factor) & ~same, "previous_practice",
                 msg("a practice of the same kind as the new one (tillage with tillage, input with input): {practices}",
                     practices=practices),
                 msg("name the former practice of the factor that changed; record a change of each factor on its own line"))
    _only_on(table, "previous_practice", activity, "soil_management")
    return np.where(change & same, previous, -1)


def _n_mass(kg: np.ndarray, dry_matter: np.ndarray, n_percent: np.ndarray) -> np.ndarray:
    """kg N in a mass as applied: × dry matter % where given, × % N (0 where a % is missing)."""
    return np.nan_to_num(kg * np.where(np.isnan(dry_matter), 1.0, dry_matter / 100) * n_percent / 100)


def _records(table: RawTable, plots: pd.DataFrame, locale: str | None) -> pd.DataFrame:
    record_plots = table.text("plot_id").array
    plot_ids = plots["plot_id"].array
    category_plot = pd.Index(plot_ids.categories).get_indexer(record_plots.categories)
    # record's plot_id category → plots' plot_id category → plot row
    row_of_category = np.full(len(plot_ids.categories) + 1, -1, dtype="int64")
    row_of_category[plot_ids.codes] = np.arange(len(plot_ids))
    plot = np.where(record_plots.codes >= 0, row_of_category[np.append(category_plot, -1)[record_plots.codes]], -1)
    table.report(~table.blank("plot_id") & (plot < 0), "plot_id", msg("a plot_id of the plots file"),
                 msg("add the plot to the plots file or correct the id"))
    table.report(table.blank("plot_id"), "plot_id", msg("a plot id"), msg("fill in the plot of the record"))

    def plot_column(column: str, fill=None):
        """A column of the record's plot: numbers and codes as arrays, text as Categorical."""
        values = plots[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = np.append(values.cat.codes.to_numpy(dtype="int64"), -1)[plot]
            return pd.Categorical.from_codes(codes, categories=values.cat.categories, validate=False)
        values = values.to_numpy()
        return np.append(values, np.array([fill], dtype=values.dtype))[plot]

    activity = table.resolve("activity", "activities", msg("activity"), required=True)
    year = _years(table, locale)
    quantity, unit = _split_number_and_unit(table)
    number = table.numbers("quantity", locale, -np.inf, MAX_TYPED, msg("a quantity"), required=True, cells=quantity)
    none = number == 0  # an explicit record that the activity did not occur (reported as NO)
    product = _products(table, activity, none)
    crop = plot_column("crop", -1)
    harvest_crop = catalogues.take("products", "crop", product)
    is_harvest = catalogues.take("products", "kind", product) == "harvest"
    crop_ids = catalogues.take("crops", "id", crop)
    intercrop_ids = catalogues.take("crops", "id", plot_column("intercrop", -1))
    table.report(is_harvest & (crop >= 0) & (harvest_crop != crop_ids) & (harvest_crop != intercrop_ids), "product",
                 msg("a harvest product of the plot's crop or of its intercrop"),
                 msg("check the plot or the product; an intercrop is written on the plot (intercrop, intercrop_share)"))

    table.report(number < 0, "quantity", msg("a quantity of 0 or more"),
                 msg("record what was applied, used or harvested"))
    table.report(unit.isna().to_numpy() & quantity.notna().to_numpy(), "unit",
                 msg("a unit (kg, tạ, tấn, bao, L, kWh, ha, sào nam)"), msg("fill in the unit"))
    activities = catalogues.table("activities")
    measures = {a: (activities.loc[a, "canonical_unit"], activities.loc[a, "dimension"]) for a in activities.index}
    products = catalogues.table("products")
    variant = pd.Categorical.from_codes(plot_column("sao_variant_code", -1), categories=list(SAO_VARIANTS))
    to_canonical, errors = unit_factors(unit, catalogues.categorical("activities", activity), measures, variant,
                                        catalogues.categorical("products", product), products["bag_kg"].dropna().to_dict())
    for position, error in errors.items():
        table.problems.add(table.name, int(table.rows[position]), "unit", unit.iloc[position], error.expected, error.fix)
    amount = np.where(number < 0, np.nan, number) * to_canonical

    n_content = table.numbers("n_content", locale, 0, 100, msg("an N content in %"), required=False)
    dry_matter = table.numbers("dry_matter", locale, 0, 100, msg("a dry matter content in %"), required=False)
    fertiliser = catalogues.codes_of("activities", "fertiliser")[0]
    n_percent = np.where(np.isnan(n_content), catalogues.take("products", "n_percent", product).astype("float64"), n_content)
    unknown_n = (activity == fertiliser) & (product >= 0) & np.isnan(n_percent) & ~none & table.blank("n_content")
    for code in np.unique(product[unknown_n]):  # the message names the product (a few distinct ones at most)
        name = catalogues.take("products", "name_vi", np.array([code]))[0]
        table.report(unknown_n & (product == code), "n_content",
                     msg("the N content (%) of {product}: it varies, so the record gives it", product=name),
                     msg("write the % N from the label or a lab analysis (on the mass as applied, or give dry_matter)"))

    residue = catalogues.codes_of("activities", "residue")[0]
    table.report((activity == residue) & np.isnan(n_content) & ~none, "n_content",
                 msg("the N content (%) of the residue returned: the system has no default for it"),
                 msg("write the % N (of the dry matter when dry_matter is given) from an analysis or a cited table"))
    straw = catalogues.codes_of("activities", "straw")[0]
    table.report((activity == straw) & np.isnan(dry_matter) & ~none, "dry_matter",
                 msg("the dry matter (%) of the straw as weighed: IPCC gives none for straw (0.89 is the grain's)"),
                 msg("write the straw's dry matter in %, from drying a weighed sample (100 if the quantity is "
                     "already dry weight)"))
    previous = _previous_practices(table, activity, product, none)
    trees = _tree_measures(table, activity, product, none, locale)
    use = table.resolve("use", "energy_uses", msg("use (pump or machinery)"), required=False)
    diesel = catalogues.codes_of("activities", "diesel")[0]
    table.report((activity == diesel) & table.blank("use") & ~none, "use", msg("the diesel's use: pump or machinery"),
                 msg("fill in use (pump or machinery)"))
    record_id = table.text("record_id")
    table.report((record_id.duplicated() & record_id.notna()).to_numpy(), "record_id", msg("a record id used once"),
                 msg("give each record its own id"))

    def product_number(column: str) -> np.ndarray:
        """A numeric column of the record's product, 0 where blank."""
        values = np.nan_to_num(catalogues.table("products")[column].to_numpy(dtype="float64", na_value=np.nan))
        return np.append(values, 0.0)[product]

    def only(activity_ids: tuple[str, ...]) -> np.ndarray:
        return np.where(np.isin(activity, catalogues.codes_of("activities", *activity_ids)), amount, 0.0)

    product_kg = only(("fertiliser", "lime"))
    n_kg = _n_mass(product_kg, dry_matter, n_percent)
    material = catalogues.take("products", "lime_material", product)
    on_rice = crop_ids == "rice"
    rice = _rice_seasons(table, activity, none, on_rice, plot, np.where(np.isnan(year), 0, year).astype("int64"), locale)
    columns = {
        "record_id": record_id,
        "plot_id": plot_column("plot_id"),
        "year": np.where(np.isnan(year), 0, year).astype("int64"),
        "date": table.text("date"),
        "season": table.text("season"),
        "activity": catalogues.categorical("activities", activity),
        "product": catalogues.categorical("products", product),
        "use": catalogues.categorical("energy_uses", use),
        "evidence": table.text("evidence"),
        "quantity_text": table.text("quantity"),
        "unit_text": table.text("unit"),
        "quantity_value": number,
        "unit_used": unit,
        "n_content": n_content,
        "dry_matter": dry_matter,
        "source_file": pd.Categorical.from_codes(np.zeros(len(activity), dtype="int8"), categories=[table.name]),
        "source_row": table.rows,
        "commune_code": plot_column("commune_code"),
        "crop": catalogues.categorical("crops", crop),
        "rice_season": rice["rice_season"],
        "water_regime": rice["water_regime"],
        "pre_season": rice["pre_season"],
        "rice_region": catalogues.categorical("rice_regions", plot_column("rice_region", -1)),
        "soil": catalogues.categorical("soils", plot_column("soil", -1)),
        "previous_practice": catalogues.categorical("products", previous),
        "days": rice["days"],
        **trees,
        "climate": catalogues.categorical("climates", plot_column("climate", -1)),
        "irrigation": catalogues.categorical("irrigation", plot_column("irrigation", -1)),
        "plot_area_ha": plot_column("plot_area_ha", np.nan),
        "planting_year": plot_column("planting_year", np.nan),
        "intercrop": catalogues.categorical("crops", plot_column("intercrop", -1)),
        "intercrop_share": plot_column("intercrop_share", 0.0),
        "product_kg": product_kg,
    }
    for form, column in N_FORM_COLUMNS.items():
        columns[column] = n_kg * product_number(f"n_{form}")
    columns["urea_kg"] = product_kg * product_number("urea_mass_fraction")
    columns["limestone_kg"] = np.where(material == "limestone", product_kg, 0.0)
    columns["dolomite_kg"] = np.where(material == "dolomite", product_kg, 0.0)
    columns["diesel_l"] = only(("diesel",))
    columns["electricity_kwh"] = only(("electricity",))
    columns["burnt_area_ha"] = only(("residue_burning",))
    columns["harvest_kg"] = only(("harvest",))
    columns["cleared_area_ha"] = only(("clearing",))
    columns["rice_area_ha"] = only(("rice_season",))
    columns["straw_kg"] = only(("straw",))
    columns["n_residue_kg"] = _n_mass(only(("residue", "straw")), dry_matter, n_content)
    columns["managed_area_ha"] = only(("soil_management",))
    columns["trees"] = only(("tree_inventory",))
    frame = pd.DataFrame(columns, copy=False)
    return frame


def normalize_plots(plots: pd.DataFrame, *, sao: str | None = None, locale: str | None = None) -> pd.DataFrame:
    """The plots alone, checked and converted: `plot_id, commune_code, crop, climate,
    irrigation, intercrop` (ids), `plot_area_ha`, `sao_variant`, `intercrop_share`. Raises
    `InputError`."""
    problems = ProblemList()
    default_variant = sao_variant(sao) if sao is not None else None
    table = RawTable(plots, "plots", problems)
    if not table.require_columns(PLOT_COLUMNS):
        problems.raise_if_any()
    frame = _plots(table, default_variant, locale)
    problems.raise_if_any()
    for column, catalogue in (("crop", "crops"), ("climate", "climates"), ("irrigation", "irrigation"),
                              ("rice_region", "rice_regions"), ("soil", "soils"), ("intercrop", "crops")):
        frame[column] = catalogues.categorical(catalogue, frame[column].to_numpy())
    return frame


def normalize(plots: pd.DataFrame, records: pd.DataFrame, *, sao: str | None = None, locale: str | None = None) -> pd.DataFrame:
    """The canonical activity frame: one row per record, amounts in the units of
    `mrv.schema.AMOUNT_UNITS`, the plot's crop, commune, climate and irrigation joined.

    `plots` and `records` are frames of text as typed (see `read_table`); `sao` is the
    import's default sào variant (bac, trung or nam) and `locale` ("vi" or "en") the
    number format, needed only for numbers such as "1.200". Raises `InputError` listing
    every bad value of both frames; returns nothing partial.
    """
    problems = ProblemList()
    default_variant = sao_variant(sao) if sao is not None else None
    if sao is not None and default_variant is None:
        problems.add("options", None, "sao", sao, msg("a sào variant: {variants}", variants=", ".join(SAO_VARIANTS)),
                     msg("use bac, trung or nam"))
    plot_table = RawTable(plots, "plots", problems)
    record_table = RawTable(records, "records", problems)
    if not (plot_table.require_columns(PLOT_COLUMNS) & record_table.require_columns(RECORD_COLUMNS)):
        problems.raise_if_any()
    plot_frame = _plots(plot_table, default_variant, locale)
    plot_frame = plot_frame[plot_frame["plot_id"].notna()].drop_duplicates("plot_id")
    plot_frame = plot_frame.assign(sao_variant_code=plot_frame["sao_variant"].cat.codes.to_numpy(dtype="int64"))
    activity = _records(record_table, plot_frame, locale)
    problems.raise_if_any()
    return activity
