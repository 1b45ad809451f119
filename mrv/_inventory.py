"""The provincial estimate in the national GHG inventory's categories (IPCC 2006 numbering,
with the UNFCCC common reporting code beside it), per gas, with the activity data and
implied emission factor a reviewer needs, and a notation key where a line has no value.

The lines are data (`factors/catalogue/inventory_lines.csv`): each names its block
(`afolu`: Sector 3; `energy`: 1.A.4.c; `memo`: grid electricity, outside every total), its
two codes, its gas, and the result rows it takes (source, and input type where the
source has several). English category names come from the `climate-categories` package
(IPCC2006 and CRF2013_2023), Vietnamese ones from the file. Notation keys (IPCC 2006
Vol. 1 Ch. 8 Table 8.2): a line's fixed key where the system does not estimate it (NE) or
the category cannot emit the gas (NA); otherwise, with no emission, NO when the year's
records say the activity did not occur (records of quantity 0 only, `mrv.occurrence`),
else NE.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._calculate import with_gwp
from mrv._cells import safe_cells

KG_PER_T = 1000.0
#: Columns of `inventory_table`.
INVENTORY_COLUMNS = [
    "line", "block", "ipcc2006", "ipcc2006_name", "crf", "crf_name", "name_vi", "gas", "mass_t", "mass_kt", "co2e_t",
    "activity", "activity_amount", "activity_unit", "implied_ef", "implied_ef_unit", "tier", "factor_origin",
    "notation", "note",
]


@functools.lru_cache(maxsize=None)
def category_name(scheme: str, code: str) -> str:
    """The English title of an IPCC 2006 ('ipcc2006') or CRF ('crf') category code, from
    the `climate-categories` package (KeyError for a code it does not know)."""
    import climate_categories
    categorization = climate_categories.IPCC2006 if scheme == "ipcc2006" else climate_categories.CRF2013_2023
    return categorization[code].title


def assign_lines(rows: pd.DataFrame) -> np.ndarray:
    """For each result row, how many inventory lines take it (each AFOLU, energy and
    scope-2 row must land in exactly one)."""
    lines = catalogues.table("inventory_lines").dropna(subset=["source"])
    counts = np.zeros(len(rows), dtype=int)
    for _, line in lines.iterrows():
        counts += _takes(rows, line)
    return counts


def _takes(rows: pd.DataFrame, line: pd.Series) -> np.ndarray:
    mask = (rows["source"].astype(str) == line["source"]).to_numpy() & (rows["gas"].astype(str) == line["gas"]).to_numpy()
    if isinstance(line["input_type"], str):  # one input type, or several joined by '|'
        mask &= rows["input_type"].astype(str).isin(line["input_type"].split("|")).to_numpy()
    return mask


def _activity(amount: float, unit: str) -> tuple[float, str]:
    """Masses in t (kg N → t N, kg urea → t urea); other units as they are."""
    if unit.startswith("kg"):
        return amount / KG_PER_T, "t" + unit[2:]
    return amount, unit


def inventory_table(rows: pd.DataFrame, occurrence: pd.Series, gwp: str = "AR5") -> pd.DataFrame:
    """One row per inventory line (`INVENTORY_COLUMNS`), then the totals of each block per
    gas (`line` = 'total'; the memo block has none). `rows` are result rows (the
    provincial estimate's, or any run's); `occurrence` is `mrv.occurrence` of the year's
    activity; CO2e under the GWP set `gwp`."""
    rows = with_gwp(rows, gwp)
    activity_names = catalogues.table("sources")
    out = []
    for _, line in catalogues.table("inventory_lines").iterrows():
        taken = rows[_takes(rows, line)] if isinstance(line["source"], str) else rows.iloc[:0]
        mass = float(taken["mass_kg"].sum())
        entry = {"line": line["id"], "block": line["block"], "ipcc2006": line["ipcc2006"],
                 "ipcc2006_name": category_name("ipcc2006", line["ipcc2006"]), "crf": line["crf"],
                 "crf_name": category_name("crf", line["crf"]), "name_vi": line["name_vi"], "gas": line["gas"],
                 "activity": line["activity_vi"], "note": line["note"]}
        if isinstance(line["notation"], str):
            entry["notation"] = line["notation"]
        elif mass == 0:
            done = occurrence.get(activity_names.loc[line["source"], "activity"], "NE")
            entry["notation"] = "NO" if done == "NO" else "NE"
        else:
            amount, unit = _activity(float(taken["activity_amount"].sum()), str(taken["activity_unit"].iloc[0]))
            entry.update({
                "mass_t": mass / KG_PER_T, "mass_kt": mass / KG_PER_T ** 2, "co2e_t": taken["co2e_kg"].sum() / KG_PER_T,
                "activity_amount": amount, "activity_unit": unit, "implied_ef": mass / amount,
                "implied_ef_unit": f"kg {line['gas']}/{unit}",
                "tier": ", ".join(map(str, sorted(taken["tier"].unique()))),
                "factor_origin": ", ".join(sorted(taken["factor_origin"].astype(str).unique())),
            })
        out.append(entry)
    table = pd.DataFrame(out, columns=INVENTORY_COLUMNS)
    totals = table[table["block"] != "memo"].groupby(["block", "gas"], sort=False)[["mass_t", "mass_kt", "co2e_t"]] \
        .sum(min_count=1).reset_index()
    totals = totals.assign(line="total", ipcc2006=totals["block"].map({"afolu": "3", "energy": "1.A.4.c"}),
                           crf=totals["block"].map({"afolu": "3", "energy": "1.A.4.c"}))
    totals["ipcc2006_name"] = [category_name("ipcc2006", code) for code in totals["ipcc2006"]]
    totals["crf_name"] = [category_name("crf", code) for code in totals["crf"]]
    return pd.concat([table, totals.reindex(columns=INVENTORY_COLUMNS)], ignore_index=True)


def write_inventory(table: pd.DataFrame, metadata: dict[str, str], path: Path, fmt: str) -> Path:
    """Write the inventory table with its metadata block: XLSX (sheets `inventory` and
    `metadata`), CSV (metadata first, as `# key: value` lines) or JSON (`metadata`, `rows`).
    Text in the XLSX and CSV files never runs as a formula (`mrv.safe_cells`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            safe_cells(table).to_excel(writer, sheet_name="inventory", index=False)
            safe_cells(pd.DataFrame(list(metadata.items()), columns=["key", "value"])).to_excel(
                writer, sheet_name="metadata", index=False)
    elif fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(f"# {key}: {value}\n" for key, value in metadata.items())
            safe_cells(table).to_csv(handle, index=False)
    elif fmt == "json":
        records = json.loads(table.to_json(orient="records", force_ascii=False, double_precision=15))
        path.write_text(json.dumps({"metadata": metadata, "rows": records}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}: xlsx, csv or json")
    return path
