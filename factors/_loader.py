"""Read and validate the factor files; every fault names its file, line and column."""

from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = DATA_DIR / "catalogue"
SETS_DIR = DATA_DIR / "sets"

#: `confirmed-secondary`: the value agrees with an independent reproduction of its source (named in
#: the note), not read in the primary table itself.
STATUSES = ("confirmed", "confirmed-secondary", "to check")
GASES = ("CO2", "CH4", "N2O")
#: Where an emission's carbon comes from: AR6 Table 7.15 gives CH4 a GWP for each.
CARBON_ORIGINS = ("fossil", "non-fossil")
#: How an inventory line's activity data are defined (as the CRT tables define them).
CRT_ACTIVITIES = ("n_input", "n_volatilised", "n_leached", "amount_applied", "dry_matter_burnt", "harvested_area",
                  "cropland_area", "fuel_energy", "electricity")
N_INPUTS = ("F_SN", "F_ON", "F_CR", "F_SOM")
N_FORMS = ("urea", "ammonium", "nitrate", "organic")
LIME_MATERIALS = ("limestone", "dolomite", "none")
AMENDMENTS = ("straw_short", "straw_long", "compost", "manure", "green_manure")
#: IPCC 2006/2019 Vol. 4 Table 5.5 land-use classes of cropland, for the soil carbon factor F_LU.
LAND_USES = ("perennial", "long_term_cultivated", "paddy_rice")
#: Forms of the tree biomass equations of allometries.csv: a × (ρ D² H)^b, or
#: log10 AGB = a + b log10 D + c log10 H.
ALLOMETRY_FORMS = ("density_diameter_height", "log_diameter_height")
#: The stock change factors a soil practice sets (Table 5.5): tillage F_MG or input F_I.
SOIL_FACTORS = ("F_MG", "F_I")
#: How a factor's 95 % range (lower, upper) is read for the Monte Carlo (mrv._uncertainty).
DISTRIBUTIONS = ("normal", "lognormal", "triangular")


class FactorFileError(ValueError):
    """A factor or catalogue file breaks its schema."""

    def __init__(self, path: Path | str, line: int, column: str, value: str, expected: str):
        self.path, self.line, self.column, self.value, self.expected = path, line, column, value, expected
        super().__init__(
            f"{path}, line {line}, column '{column}': value {value!r} is not valid; expected {expected}"
        )


@dataclass(frozen=True)
class Column:
    """One column of a table: its type ('str', 'float', 'int', 'list', 'bool' or a tuple of
    allowed values) and whether a value is required."""

    kind: str | tuple[str, ...] = "str"
    required: bool = False


_REQ = Column("str", True)
_OPT = Column()
_NAMED = {"id": _REQ, "name_vi": _REQ, "name_en": _REQ, "aliases": Column("list", True)}

CATALOGUE_SCHEMAS: dict[str, dict[str, Column]] = {
    # minimum, maximum: the physical bounds of every value of the parameter, in its unit (a fraction is ≤ 1)
    "parameters": {"parameter": _REQ, "unit": _REQ, "basis": _REQ, "minimum": Column("float"),
                   "maximum": Column("float"), "equation": _REQ, "description": _REQ},
    "climates": {**_NAMED, "leaching": Column("bool", True), "note": _OPT},
    "irrigation": {**_NAMED, "leaching": Column("bool", True), "note": _OPT},
    "energy_uses": {**_NAMED, "ipcc_category": _REQ, "crf_category": _REQ, "note": _OPT},
    "sources": {
        "source": _REQ, "name_vi": _REQ, "name_en": _REQ, "ipcc_category": _REQ,
        "boundary": Column(("afolu", "energy", "scope2", "upstream"), True), "equation": _REQ,
        "activity": _OPT,  # the record activity behind the source; blank when plot data alone drive it
        "carbon_origin": Column(CARBON_ORIGINS),  # of the emitted carbon; blank for N2O and mixed grid power
    },
    "gwp": {
        "gwp_set": _REQ, "gas": Column(GASES, True), "origin": Column(CARBON_ORIGINS),  # blank: any origin
        "value": Column("float", True),
        "source": _REQ, "status": Column(STATUSES, True), "note": _OPT,
    },
    "activities": {
        **_NAMED, "dimension": Column(("mass", "volume", "energy", "area", "count"), True),
        "canonical_unit": _REQ, "product_kind": _OPT,
    },
    "qa_limits": {
        "rule": _REQ, "crop": _OPT, "low": Column("float"), "high": Column("float"), "unit": _REQ,
        "severity": Column(("warning", "error"), True), "source": _REQ, "note": _OPT,
    },
    "evidence": {
        **_NAMED, "half_width_pct": Column("float", True), "source": _REQ, "status": Column(STATUSES, True), "note": _OPT,
    },
    "inventory_lines": {
        "id": _REQ, "block": Column(("agriculture", "lulucf", "energy", "memo"), True), "ipcc2006": _REQ,
        "crt": _REQ, "crt_name": _REQ, "gas": Column(GASES, True), "source": _OPT, "input_type": _OPT, "crop": _OPT,
        "name_vi": _REQ, "activity": Column(CRT_ACTIVITIES, True), "notation": Column(("NA", "NE", "NO", "IE")),
        "notation_reason": _REQ, "note": _OPT,
    },
    "rice_seasons": {**_NAMED, "note": _OPT},
    "allometries": {
        "id": _REQ, "name_en": _REQ, "form": Column(ALLOMETRY_FORMS, True), "a": Column("float", True),
        "b": Column("float", True), "c": Column("float"), "diameter_at": _REQ,
        "wood_density": Column(("required", "not used"), True), "source": _REQ, "status": Column(STATUSES, True),
        "note": _OPT,
    },
    "water_regimes": {**_NAMED, "note": _OPT},
    "pre_seasons": {**_NAMED, "note": _OPT},
    "rice_regions": {**_NAMED, "default": Column("bool", True), "note": _OPT},
    "soils": {**_NAMED, "default": Column("bool", True), "note": _OPT},
    "crops": {**_NAMED, "lifecycle": Column(("perennial", "annual"), True), "land_use": Column(LAND_USES, True),
              "intensity_product": _OPT, "note": _OPT},
    "products": {
        **_NAMED,
        "kind": Column(("fertiliser", "lime", "fuel", "electricity", "harvest", "straw", "soil_practice", "tree"), True),
        "n_percent": Column("float"), "n_urea": Column("float"), "n_ammonium": Column("float"),
        "n_nitrate": Column("float"), "n_organic": Column("float"),
        "urea_mass_fraction": Column("float"), "lime_material": Column(LIME_MATERIALS),
        "amendment": Column(AMENDMENTS),  # the organic amendment class of rice CH4 (IPCC 2019 Table 5.14)
        "soil_factor": Column(SOIL_FACTORS),  # the factor a soil practice sets (IPCC Table 5.5)
        "allometry": _OPT,  # the biomass equation of a tree (allometries.csv)
        "bag_kg": Column("float"), "crop": _OPT, "source": _OPT,
        "status": Column(STATUSES, True), "note": _OPT,
    },
}

FACTOR_SCHEMA: dict[str, Column] = {
    "id": _REQ, "parameter": _REQ, "value": Column("float", True), "unit": _REQ,
    "lower": Column("float"), "upper": Column("float"), "distribution": Column(DISTRIBUTIONS),
    "climate": _OPT, "crop": _OPT, "input": _OPT, "gas": Column(GASES), "year": Column("int"),
    "region": _OPT, "season": _OPT, "tier": Column(("1", "2", "3"), True), "source": _REQ, "status": Column(STATUSES, True),
    "note": _OPT,
}

#: Columns of a factor row that say where it applies; blank means "any".
QUALIFIERS = ("climate", "crop", "input", "gas", "year", "region", "season")


@dataclass(frozen=True)
class FactorSet:
    """One folder of factors from one document (IPCC 2006, QĐ 2626, ...)."""

    name: str
    title: str
    origin: str
    document: str
    rows: pd.DataFrame


@dataclass(frozen=True)
class Profile:
    """An ordered chain of factor sets; the first set with an applicable row wins."""

    name: str
    title: str
    chain: tuple[str, ...]
    note: str


def _convert(value: str, column: Column, where: tuple[Path, int, str]):
    if value == "":
        if column.required:
            raise FactorFileError(*where, value, "a value (this column is required)")
        return float("nan") if column.kind == "float" else None
    kind = column.kind
    if isinstance(kind, tuple):
        if value not in kind:
            raise FactorFileError(*where, value, "one of " + ", ".join(kind))
        return value
    if kind == "float":
        try:
            return float(value)
        except ValueError:
            raise FactorFileError(*where, value, "a number with '.' as decimal point") from None
    if kind == "int":
        if not value.isdigit():
            raise FactorFileError(*where, value, "a whole number")
        return int(value)
    if kind == "bool":
        if value not in ("yes", "no"):
            raise FactorFileError(*where, value, "yes or no")
        return value == "yes"
    if kind == "list":
        return tuple(part.strip() for part in value.split("|") if part.strip())
    return value


def read_table(path: Path, schema: dict[str, Column]) -> pd.DataFrame:
    """Read one CSV file against its schema; keep each row's file and line for tracing."""
    records = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [name for name in schema if name not in header]
        if missing:
            raise FactorFileError(path, 1, missing[0], "", "a header with columns " + ", ".join(schema))
        extra = [name for name in header if name not in schema]
        if extra:
            raise FactorFileError(path, 1, extra[0], extra[0], "only the columns " + ", ".join(schema))
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise FactorFileError(
                    path, line, header[min(len(cells), len(header)) - 1], ",".join(cells),
                    f"{len(header)} cells (found {len(cells)}; quote cells that contain commas)",
                )
            record = {
                name: _convert(cell.strip(), schema[name], (path, line, name))
                for name, cell in zip(header, cells)
            }
            record["file"], record["line"] = str(path), line
            records.append(record)
    return pd.DataFrame.from_records(records, columns=[*schema, "file", "line"])


def _check_unique(table: pd.DataFrame, column: str) -> None:
    duplicated = table[table[column].duplicated()]
    if len(duplicated):
        row = duplicated.iloc[0]
        raise FactorFileError(row["file"], row["line"], column, row[column], "a value not used on another line")


def _check_member(table: pd.DataFrame, column: str, allowed, what: str) -> None:
    present = table[column].notna()
    bad = table[present & ~table[column].isin(list(allowed))]
    if len(bad):
        row = bad.iloc[0]
        raise FactorFileError(row["file"], row["line"], column, str(row[column]), what)


#: Bounds of the catalogues' numbers: (catalogue, column) → (lowest, highest, what it is).
BOUNDS = {
    ("products", "n_percent"): (0, 100, "an N content in % of the product's mass, 0 to 100"),
    ("products", "n_urea"): (0, 1, "a share of the product's N, 0 to 1"),
    ("products", "n_ammonium"): (0, 1, "a share of the product's N, 0 to 1"),
    ("products", "n_nitrate"): (0, 1, "a share of the product's N, 0 to 1"),
    ("products", "n_organic"): (0, 1, "a share of the product's N, 0 to 1"),
    ("products", "urea_mass_fraction"): (0, 1, "a mass fraction, 0 to 1"),
    ("products", "bag_kg"): (1e-9, 1e4, "a bag's mass in kg, above 0"),
    ("gwp", "value"): (1e-9, 1e5, "a GWP above 0"),
    ("evidence", "half_width_pct"): (0, 1000, "a half-width in % of 0 or more"),
}


def _check_bounds(name: str, table: pd.DataFrame) -> None:
    """Every number of a catalogue within its physical bounds (`BOUNDS`)."""
    for (catalogue, column), (low, high, what) in BOUNDS.items():
        if catalogue != name:
            continue
        values = table[column].astype("float64")
        bad = table[values.notna() & ((values < low) | (values > high))]
        if len(bad):
            row = bad.iloc[0]
            raise FactorFileError(row["file"], row["line"], column, f"{row[column]:g}", what)


def _check_products(products: pd.DataFrame, crops: pd.DataFrame) -> None:
    shares = ["n_urea", "n_ammonium", "n_nitrate", "n_organic"]
    fertilisers = products[products["kind"] == "fertiliser"]
    for _, row in fertilisers.iterrows():
        total = sum(row[s] for s in shares)
        if not abs(total - 1.0) < 1e-9 and not (row["n_percent"] == 0 and total == 0):
            raise FactorFileError(
                row["file"], row["line"], "n_organic", str(row["n_organic"]),
                "shares of N by form (n_urea, n_ammonium, n_nitrate, n_organic) adding up to 1",
            )
    lime = products[products["kind"] == "lime"]
    unclassed = lime[lime["lime_material"].isna()]
    if len(unclassed):
        row = unclassed.iloc[0]
        raise FactorFileError(row["file"], row["line"], "lime_material", "", "limestone, dolomite or none")
    trees = products[products["kind"] == "tree"]
    _check_member(trees, "allometry", load_catalogue("allometries")["id"], "an allometry id of allometries.csv")
    unclassed = trees[trees["allometry"].isna()]
    if len(unclassed):
        row = unclassed.iloc[0]
        raise FactorFileError(row["file"], row["line"], "allometry", "", "the allometry of the tree (allometries.csv)")
    harvest = products[products["kind"] == "harvest"]
    _check_member(harvest, "crop", crops["id"], "a crop id from crops.csv")
    _check_member(crops, "intensity_product", harvest["id"], "a harvest product id from products.csv")


def _check_ranges(rows: pd.DataFrame) -> None:
    """A range is lower and upper together, with the distribution that reads it: `normal`
    for a symmetric range (within 2 % of its half-width), `lognormal` for lower > 0,
    `triangular` for lower ≤ value ≤ upper; no range, no distribution."""
    for _, row in rows.iterrows():
        value, lower, upper = row["value"], row["lower"], row["upper"]
        shape = None if pd.isna(row["distribution"]) else row["distribution"]
        where = (row["file"], row["line"])
        if pd.isna(lower) != pd.isna(upper):
            raise FactorFileError(*where, "lower" if pd.isna(lower) else "upper", "",
                                  "both ends of the 95 % range, or neither")
        if pd.isna(lower):
            if shape is not None:
                raise FactorFileError(*where, "distribution", shape, "blank: the row gives no range")
            continue
        if not lower <= value <= upper or lower == upper:
            raise FactorFileError(*where, "upper", str(upper), f"a range lower < upper around the value {value:g}")
        checks = {
            None: (False, "a distribution for the range: " + ", ".join(DISTRIBUTIONS)),
            "normal": (abs((upper - value) - (value - lower)) <= 0.02 * (upper - lower) / 2,
                       "a range symmetric about the value for a normal distribution (else lognormal or triangular)"),
            "lognormal": (lower > 0, "lower > 0 for a lognormal distribution (else triangular)"),
            "triangular": (True, ""),
        }
        holds, expected = checks[shape]
        if not holds:
            raise FactorFileError(*where, "distribution", shape or "", expected)


def load_catalogue(name: str) -> pd.DataFrame:
    """Read a catalogue table (products, crops, gwp, ...) and check it against the others."""
    if name not in CATALOGUE_SCHEMAS:
        raise KeyError(f"no catalogue {name!r}; catalogues: {', '.join(CATALOGUE_SCHEMAS)}")
    table = read_table(CATALOGUE_DIR / f"{name}.csv", CATALOGUE_SCHEMAS[name])
    key = next(iter(CATALOGUE_SCHEMAS[name]))
    if name == "qa_limits":
        return table
    if name == "gwp":
        _check_bounds(name, table)
        table["key"] = table["gwp_set"] + "/" + table["gas"] + "/" + table["origin"].fillna("")
        _check_unique(table, "key")
        return table.drop(columns="key")
    _check_unique(table, key)
    _check_bounds(name, table)
    if name == "products":
        _check_products(table, load_catalogue("crops"))
    if name == "inventory_lines":
        _check_member(table, "source", load_catalogue("sources")["source"], "a source of sources.csv")
        crops = table.assign(crop=table["crop"].str.split("|")).explode("crop")
        _check_member(crops, "crop", load_catalogue("crops")["id"], "crop ids of crops.csv, joined by '|'")
    if name == "sources":
        _check_member(table, "activity", load_catalogue("activities")["id"], "an activity id of activities.csv")
    if name in ("rice_regions", "soils") and table["default"].sum() != 1:
        row = table.iloc[0]
        raise FactorFileError(row["file"], row["line"], "default", str(row["default"]), "exactly one row marked yes")
    return table


def load_profiles() -> dict[str, Profile]:
    """The factor profiles of `catalogue/profiles.toml`, each chain checked against the sets."""
    path = CATALOGUE_DIR / "profiles.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = sorted(p.name for p in SETS_DIR.iterdir() if (p / "set.toml").exists())
    profiles = {}
    for name, spec in data.items():
        chain = tuple(spec.get("chain", ()))
        unknown = [s for s in chain if s not in known]
        if not chain or unknown:
            raise FactorFileError(path, 0, f"{name}.chain", ", ".join(unknown), "factor sets among " + ", ".join(known))
        profiles[name] = Profile(name, spec.get("title", name), chain, spec.get("note", ""))
    return profiles


def _soil_practices() -> pd.Series:
    products = load_catalogue("products")
    return products.loc[products["kind"] == "soil_practice", "id"]


def load_set(name: str) -> FactorSet:
    """Read one factor set (folder `sets/NAME`) and validate every row."""
    folder = SETS_DIR / name
    if not (folder / "set.toml").exists():
        known = sorted(p.name for p in SETS_DIR.iterdir() if (p / "set.toml").exists())
        raise KeyError(f"no factor set {name!r}; sets: {', '.join(known)}")
    meta = tomllib.loads((folder / "set.toml").read_text(encoding="utf-8"))
    rows = read_table(folder / "factors.csv", FACTOR_SCHEMA)
    _check_unique(rows, "id")
    bad_prefix = rows[~rows["id"].str.startswith(name + ".")]
    if len(bad_prefix):
        row = bad_prefix.iloc[0]
        raise FactorFileError(row["file"], row["line"], "id", row["id"], f"an id that starts with '{name}.'")
    parameters = load_catalogue("parameters")
    _check_member(rows, "parameter", parameters["parameter"], "a parameter of parameters.csv")
    _check_member(rows, "climate", load_catalogue("climates")["id"], "a climate id of climates.csv")
    _check_member(rows, "crop", load_catalogue("crops")["id"], "a crop id of crops.csv")
    inputs = (N_INPUTS + N_FORMS + LIME_MATERIALS[:2] + AMENDMENTS + tuple(load_catalogue("energy_uses")["id"])
              + tuple(load_catalogue("water_regimes")["id"]) + tuple(load_catalogue("pre_seasons")["id"])
              + LAND_USES + tuple(load_catalogue("soils")["id"]) + tuple(_soil_practices()))
    _check_member(rows, "input", inputs, "an N input (F_SN, F_ON, F_CR, F_SOM), N form, lime material, energy use, "
                  "rice water regime, pre-season regime, organic amendment, land use, soil class or soil practice")
    _check_member(rows, "region", load_catalogue("rice_regions")["id"], "a region id of rice_regions.csv")
    _check_member(rows, "season", load_catalogue("rice_seasons")["id"], "a season id of rice_seasons.csv")
    _check_ranges(rows)
    rows["tier"] = rows["tier"].astype(int)
    rows["set"] = name
    rows["origin"] = meta.get("origin", "")
    return FactorSet(name, meta.get("title", name), meta.get("origin", ""), meta.get("document", ""), rows)


def factor_set_version() -> str:
    """A hash of every data file's content: a changed value or status changes it."""
    digest = hashlib.sha256()
    for path in sorted(DATA_DIR.rglob("*")):
        if path.suffix in (".csv", ".toml"):
            digest.update(path.relative_to(DATA_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _toml(path: Path, kind: str) -> dict:
    """A TOML file a person gives (criteria, crediting parameters); a fault names the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise FactorFileError(path, 0, "", str(error), f"a readable {kind} file (TOML, UTF-8)") from None
    except tomllib.TOMLDecodeError as error:
        raise FactorFileError(path, 0, "", str(error), "a TOML file") from None


CRITERIA_DIR = DATA_DIR / "criteria"
#: The measures a label criterion may use (`mrv._label`), which way its limit goes, and
#: where a set of criteria stands: issued by the province, a draft, or an example to try
#: the evaluation with.
CRITERIA_MEASURES = ("burnt_share", "n_kg_per_ha", "awd_share", "intensity")
CRITERIA_DIRECTIONS = ("at_most", "at_least")
CRITERIA_STATUSES = ("issued", "draft", "example")
CRITERIA_COLUMNS = ["criterion", "name_vi", "name_en", "measure", "crop", "limit", "direction", "source", "status"]


def load_criteria(path: str | Path | None = None) -> pd.DataFrame:
    """A set of label criteria (default: `criteria/example.toml`), one row per criterion and
    crop (`CRITERIA_COLUMNS`); `attrs` holds the set's `title_vi`, `title_en`, `status`,
    `note` and `file`. A criterion's `limit` is one number for all its `crops` or a table by
    crop; every fault names the file and the criterion's field."""
    path = Path(path) if path is not None else CRITERIA_DIR / "example.toml"
    data = _toml(path, "criteria")
    crops = set(load_catalogue("crops")["id"])
    if data.get("status") not in CRITERIA_STATUSES:
        raise FactorFileError(path, 0, "status", str(data.get("status")), "one of " + ", ".join(CRITERIA_STATUSES))
    rows, seen = [], set()
    listed = data.get("criterion", [])
    if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
        raise FactorFileError(path, 0, "criterion", str(listed)[:80], "[[criterion]] tables, one per criterion")
    for number, item in enumerate(listed, start=1):
        def field(name: str, allowed=None, kind=str):
            value = item.get(name)
            if not isinstance(value, kind) or (allowed is not None and value not in allowed) or value == "":
                expected = "one of " + ", ".join(allowed) if allowed else f"a {kind.__name__}"
                raise FactorFileError(path, 0, f"criterion {number}.{name}", str(value), expected)
            return value
        criterion = field("id")
        if criterion in seen:
            raise FactorFileError(path, 0, f"criterion {number}.id", criterion, "an id used once in the set")
        seen.add(criterion)
        listed = field("crops", kind=list)
        limit = item.get("limit")
        limits = limit if isinstance(limit, dict) else dict.fromkeys(listed, limit)
        for crop, value in limits.items():
            if crop not in crops or crop not in listed:
                raise FactorFileError(path, 0, f"criterion {number}.limit", crop, "a crop of the criterion's crops")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise FactorFileError(path, 0, f"criterion {number}.limit.{crop}", str(value), "a number")
        missing = [crop for crop in listed if crop not in crops or crop not in limits]
        if missing:
            raise FactorFileError(path, 0, f"criterion {number}.crops", ", ".join(missing),
                                  "crop ids of crops.csv, each with its limit")
        common = {"criterion": criterion, "name_vi": field("name_vi"), "name_en": field("name_en"),
                  "measure": field("measure", CRITERIA_MEASURES), "direction": field("direction", CRITERIA_DIRECTIONS),
                  "source": field("source"), "status": field("status", CRITERIA_STATUSES)}
        rows += [{**common, "crop": crop, "limit": float(limits[crop])} for crop in listed]
    if not rows:
        raise FactorFileError(path, 0, "criterion", "", "at least one [[criterion]]")
    table = pd.DataFrame(rows, columns=CRITERIA_COLUMNS)
    table.attrs.update({key: str(data.get(key, "")) for key in ("title_vi", "title_en", "status", "note")},
                       file=str(path))
    return table


CREDITING_DIR = DATA_DIR / "crediting"
#: Where a crediting parameter stands: confirmed against the methodology, not yet, or left
#: for the project to set (then it has no value).
CREDITING_STATUSES = ("confirmed", "unverified", "not set")
#: Each section of a crediting file and the percentage it may hold.
CREDITING_VALUES = {"uncertainty": "confidence_pct", "leakage": "share_pct", "buffer": "non_permanence_risk_pct"}
#: What the uncertainty deduction may apply to.
CREDITING_QUANTITIES = ("reductions", "removals")


def load_crediting(path: str | Path | None = None) -> dict:
    """The parameters of the carbon-credit readiness report (default:
    `crediting/vm0042.toml`): the file's `title_vi`, `title_en`, `methodology`, `note` and
    `file`, and per section of `CREDITING_VALUES` its percentage (None when not set), `source`
    and `status`; the uncertainty's `applies_to`. Every fault names the file and the field."""
    path = Path(path) if path is not None else CREDITING_DIR / "vm0042.toml"
    data = _toml(path, "crediting")
    found = {key: str(data.get(key, "")) for key in ("title_vi", "title_en", "methodology", "note")} | {"file": str(path)}
    for section, name in CREDITING_VALUES.items():
        part = data.get(section)
        if not isinstance(part, dict):
            raise FactorFileError(path, 0, section, str(part), f"a [{section}] table")
        value, status, source = part.get(name), part.get("status"), part.get("source")
        if status not in CREDITING_STATUSES:
            raise FactorFileError(path, 0, f"{section}.status", str(status), "one of " + ", ".join(CREDITING_STATUSES))
        if not isinstance(source, str) or not source.strip():
            raise FactorFileError(path, 0, f"{section}.source", str(source), "the text that sets the parameter")
        if (value is None) != (status == "not set"):
            raise FactorFileError(path, 0, f"{section}.{name}", str(value),
                                  "a value unless the status is 'not set', and none when it is")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100):
            raise FactorFileError(path, 0, f"{section}.{name}", str(value), "a percentage from 0 to 100")
        found[section] = {name: None if value is None else float(value), "source": source, "status": status}
    applies = data["uncertainty"].get("applies_to")
    if not isinstance(applies, list) or not set(applies) <= set(CREDITING_QUANTITIES):
        raise FactorFileError(path, 0, "uncertainty.applies_to", str(applies),
                              "a list of " + ", ".join(CREDITING_QUANTITIES))
    found["uncertainty"]["applies_to"] = list(applies)
    return found
