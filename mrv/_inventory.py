"""The provincial estimate in the national GHG inventory's categories: one line per CRT row
(the Common Reporting Tables of the Paris Agreement's transparency framework, decision
5/CMA.3) and gas, with its IPCC 2006 category beside it, the activity data and implied
emission factor as the CRT tables define them, a notation key with its reason where a
line has no value, and each line's uncertainty.

The lines are data (`factors/catalogue/inventory_lines.csv`): each names its block
(`agriculture`: CRT sector 3; `lulucf`: 4.B.1, cropland remaining cropland; `energy`:
1.A.4.c; `memo`: grid electricity, outside every total), its codes, its gas, the result
rows it takes (source; input type and crop where the source has several), and how its
activity is defined (`activity`):

- `n_input`: N applied or added (kg N); IEF kg N2O-N per kg N (CRT Table 3.D);
- `n_volatilised`, `n_leached`: N × Frac_GASF or Frac_GASM, N × Frac_LEACH, the fractions
  the rows used (kg N), and that fraction of the N applied (`fraction`); IEF kg N2O-N per
  kg N (EF4, EF5; CRT Table 3.D, indirect, and its additional information);
- `amount_applied`: urea, limestone or dolomite applied (t); IEF t CO2-C per t (CRT
  Tables 3.G–3.H);
- `dry_matter_burnt`: area burnt × fuel burnt per ha (kt dry matter); IEF kg per t dry
  matter (CRT Table 3.F);
- `harvested_area`: rice area harvested, one season = one harvest (kha); IEF g CH4 per m²
  (CRT Table 3.C);
- `cropland_area`: area of the plots with a stock change (kha); IEF t C per ha, the
  carbon stock change (a gain is positive, its CO2 negative; CRT Table 4.B);
- `fuel_energy`: diesel in TJ (litres × density × net calorific value); IEF kg per TJ
  (CRT Table 1.A(a));
- `electricity`: MWh consumed; IEF t CO2 per MWh (a memo line).

Masses are in kt of the gas, CO2e in kt under the GWP set; removals are negative and sit
only in the LULUCF block, never in the agriculture total. Notation keys (IPCC 2006 Vol. 1
Ch. 8 Table 8.2): a line's fixed key (NA: the category cannot emit the gas), otherwise,
with no emission, NO when the year's records say the activity did not occur (records of
quantity 0 only, `mrv.occurrence`), else NE; each with its reason.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._calculate import with_gwp
from mrv._factors import factor_profile, factor_tokens, parse_token
from mrv._report import label
from mrv._uncertainty import line_uncertainty
from mrv.units import CO2_PER_C, N2O_PER_N2O_N, magnitude, quantity

KG_PER_KT = 1e6
#: Columns of `inventory_table`.
INVENTORY_COLUMNS = [
    "line", "block", "crt", "crt_name", "ipcc2006", "ipcc2006_name", "name_vi", "gas", "emissions", "co2e", "unit",
    "activity", "activity_amount", "activity_unit", "fraction", "ief", "ief_unit", "tier", "factor_origin", "notation",
    "notation_reason", "note", "approach1_pct", "mc_lower_pct", "mc_upper_pct",
]
#: The CRT code of each block's total (the memo block has none); its names are the labels
#: `total_<block>` of `mrv/report_labels.csv`.
BLOCK_TOTALS = {"agriculture": "3", "lulucf": "4.B.1", "energy": "1.A.4.c"}
#: The IPCC 2006 category of each total.
BLOCK_IPCC2006 = {"agriculture": "3", "lulucf": "3.B.2.a", "energy": "1.A.4.c"}
#: Activity of each kind (`inventory_lines.csv` column `activity`): its name in the CRT
#: tables, its unit, and the unit of the implied emission factor.
ACTIVITIES = {
    "n_input": ("N applied or added to soils", "kg N", "kg N2O-N/kg N"),
    "n_volatilised": ("N volatilised as NH3 and NOx", "kg N", "kg N2O-N/kg N"),
    "n_leached": ("N leached and run off", "kg N", "kg N2O-N/kg N"),
    "amount_applied": ("amount applied", "t", "t CO2-C/t"),
    "dry_matter_burnt": ("biomass burned", "kt dm", "kg/t dm"),
    "harvested_area": ("harvested area", "kha", "g/m2"),
    "cropland_area": ("area", "kha", "t C/ha"),
    "fuel_energy": ("fuel consumption", "TJ", "kg/TJ"),
    "electricity": ("electricity consumed", "MWh", "t/MWh"),
}
#: Activities that are a fraction of the N applied: the line's `fraction` is the Frac it used
#: (N lost / N applied, Frac_GASF and Frac_GASM together for deposition).
LOST = ("n_volatilised", "n_leached")
#: Notation reason of a line whose activity did not occur.
NOT_OCCURRING = "the year's records give this activity with quantity 0 only: it did not occur"


@functools.lru_cache(maxsize=None)
def category_name(code: str) -> str:
    """The English title of an IPCC 2006 category code, from the `climate-categories`
    package (KeyError for a code it does not know)."""
    import climate_categories
    return climate_categories.IPCC2006[code].title


def _takes(rows: pd.DataFrame, line: pd.Series) -> np.ndarray:
    mask = (rows["source"].astype(str) == line["source"]).to_numpy() & (rows["gas"].astype(str) == line["gas"]).to_numpy()
    for column in ("input_type", "crop"):  # one value, or several joined by '|'
        if isinstance(line[column], str):
            mask &= rows[column].astype(str).isin(line[column].split("|")).to_numpy()
    return mask


def line_masks(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """For each inventory line with a source, which result rows it takes."""
    lines = catalogues.table("inventory_lines").dropna(subset=["source"])
    return {line["id"]: _takes(rows, line) for _, line in lines.iterrows()}


def assign_lines(rows: pd.DataFrame) -> np.ndarray:
    """For each result row, how many inventory lines take it (each AFOLU, energy and
    scope-2 row must land in exactly one)."""
    return np.sum(list(line_masks(rows).values()), axis=0, dtype=int) if len(rows) else np.zeros(0, dtype=int)


def factor_component(rows: pd.DataFrame, profile: str, parameters: tuple[str, ...]) -> np.ndarray:
    """Per row, the value (in its parameter's canonical unit, `parameters.csv`) of the factor
    of one of `parameters` that the row's `factor_ids` name (NaN where none): the parts of
    a row's combined factor, e.g. the fuel burnt per ha inside a fire's kg per ha burnt."""
    by_id = factor_profile(profile).rows.set_index("id")
    ids = pd.Categorical(rows["factor_ids"].astype(str))
    values = np.full(len(ids.categories), np.nan)
    for position, joined in enumerate(ids.categories):
        named = [i for token in factor_tokens(joined) if parse_token(token)[0] == "factor"
                 for i in parse_token(token)[1] if by_id.loc[i, "parameter"] in parameters]
        if named:
            values[position] = by_id.loc[named[0], "value"]
    return values[ids.codes]


def _activity(kind: str, rows: pd.DataFrame, profile: str) -> np.ndarray:
    """Per row, its activity in the unit `ACTIVITIES` gives the kind (a row's share of it)."""
    amount = rows["activity_amount"].to_numpy(dtype="float64")
    if kind == "n_input":
        return amount
    if kind == "n_volatilised":
        return amount * factor_component(rows, profile, ("Frac_GASF", "Frac_GASM"))
    if kind == "n_leached":
        return amount * factor_component(rows, profile, ("Frac_LEACH",))
    if kind == "amount_applied":
        return magnitude(quantity(amount, "kg"), "t")
    if kind == "dry_matter_burnt":
        burnt = quantity(amount, "ha") * quantity(factor_component(rows, profile, ("fuel_burnt",)), "t/ha")
        return magnitude(burnt, "Gg")  # kt
    if kind in ("harvested_area", "cropland_area"):
        return magnitude(quantity(amount, "ha"), "kha")
    if kind == "fuel_energy":
        litres = quantity(amount, "L") * quantity(factor_component(rows, profile, ("diesel_density",)), "kg/L")
        return magnitude(litres * quantity(factor_component(rows, profile, ("diesel_ncv",)), "TJ/Gg"), "TJ")
    if kind == "electricity":
        return magnitude(quantity(amount, "kWh"), "MWh")
    raise ValueError(f"unknown activity kind {kind!r}")


def _ief(kind: str, mass_kg: float, activity: float) -> float:
    """The implied emission factor of a line: its mass over its activity, in the unit
    `ACTIVITIES` gives the kind (N2O as N2O-N, CO2 as C, a stock change as C gained)."""
    if kind in ("n_input", "n_volatilised", "n_leached"):
        return mass_kg / N2O_PER_N2O_N / activity
    if kind == "amount_applied":
        return mass_kg / CO2_PER_C / 1000.0 / activity
    if kind == "dry_matter_burnt":
        return mass_kg / (activity * 1000.0)
    if kind == "harvested_area":
        return float(magnitude(quantity(mass_kg, "kg") / quantity(activity, "kha"), "g/m**2"))
    if kind == "cropland_area":
        return float(magnitude(quantity(-mass_kg / CO2_PER_C, "kg") / quantity(activity, "kha"), "t/ha"))
    if kind == "fuel_energy":
        return mass_kg / activity
    return mass_kg / 1000.0 / activity


def _area(rows: pd.DataFrame, amounts: np.ndarray) -> float:
    """Area of a LULUCF line: each plot once, whatever rows (growth, clearing, a practice
    change) it has in the year."""
    keys = [rows["commune_code"].astype(str).to_numpy(), rows["plot_id"].astype(str).to_numpy()]
    return float(pd.Series(amounts).groupby(keys).max().sum()) if len(amounts) else 0.0


def inventory_table(rows: pd.DataFrame, occurrence: pd.Series, gwp: str = "AR5", *, profile: str | None = None,
                    draws: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """One row per inventory line (`INVENTORY_COLUMNS`), then the totals of each block per
    gas (`line` = 'total'). `rows` are result rows (the provincial estimate's, or any
    run's) calculated with the factor profile `profile` (by default the rows' own);
    `occurrence` is `mrv.occurrence` of the year's activity; CO2e under the GWP set `gwp`.
    Uncertainty: `mrv.line_uncertainty` of the factors with `draws` and `seed`."""
    profile = profile or rows.attrs["factor_profile"]
    rows = with_gwp(rows, gwp)
    activity_names = catalogues.table("sources")
    lines = catalogues.table("inventory_lines")
    masks = line_masks(rows)
    out = []
    for _, line in lines.iterrows():
        taken = rows[masks[line["id"]]] if line["id"] in masks else rows.iloc[:0]
        mass = float(taken["mass_kg"].sum())
        name, unit, ief_unit = ACTIVITIES[line["activity"]]
        entry = {"line": line["id"], "block": line["block"], "crt": line["crt"], "crt_name": line["crt_name"],
                 "ipcc2006": line["ipcc2006"], "ipcc2006_name": category_name(line["ipcc2006"]),
                 "name_vi": line["name_vi"], "gas": line["gas"], "unit": "kt", "activity": name,
                 "activity_unit": unit, "ief_unit": ief_unit, "note": line["note"]}
        if isinstance(line["notation"], str):
            entry.update(notation=line["notation"], notation_reason=line["notation_reason"])
        elif mass == 0 and occurrence.get(activity_names.loc[line["source"], "activity"], "NE") == "NO":
            entry.update(notation="NO", notation_reason=NOT_OCCURRING)
        elif mass == 0:
            entry.update(notation="NE", notation_reason=line["notation_reason"])
        else:
            amounts = _activity(line["activity"], taken, profile)
            amount = _area(taken, amounts) if line["activity"] == "cropland_area" else float(amounts.sum())
            entry.update({
                "emissions": mass / KG_PER_KT, "co2e": taken["co2e_kg"].sum() / KG_PER_KT,
                "activity_amount": amount, "ief": _ief(line["activity"], mass, amount),
                "fraction": amount / taken["activity_amount"].sum() if line["activity"] in LOST else np.nan,
                "tier": ", ".join(map(str, sorted(taken["tier"].unique()))),
                "factor_origin": ", ".join(sorted(taken["factor_origin"].astype(str).unique())),
            })
        out.append(entry)
    table = pd.DataFrame(out, columns=INVENTORY_COLUMNS)
    table = pd.concat([table, _totals(table)], ignore_index=True)
    groups = dict(masks)
    for total in table[table["line"] == "total"].itertuples():
        chosen = lines.loc[(lines["block"] == total.block) & (lines["gas"] == total.gas), "id"]
        groups[f"total {total.block} {total.gas}"] = np.any(
            [np.zeros(len(rows), dtype=bool), *(masks[i] for i in chosen if i in masks)], axis=0)
    spread = line_uncertainty(rows, groups, profile, draws=draws, seed=seed)
    keys = np.where(table["line"] == "total", "total " + table["block"] + " " + table["gas"], table["line"])
    for column in ("approach1_pct", "mc_lower_pct", "mc_upper_pct"):
        table[column] = pd.Series(keys).map(spread[column]).to_numpy(dtype="float64")
    return table


def _totals(table: pd.DataFrame) -> pd.DataFrame:
    """Per block with a total and gas: the sums of its lines (NaN where no line has a value)."""
    summed = table[table["block"].isin(list(BLOCK_TOTALS))]
    totals = summed.groupby(["block", "gas"], sort=False)[["emissions", "co2e"]].sum(min_count=1).reset_index()
    block = totals["block"]
    empty = totals["emissions"].isna()
    return totals.assign(line="total", notation=np.where(empty, "NE", None),
                         notation_reason=np.where(empty, "no line of the block has a value this year", None), crt=block.map(BLOCK_TOTALS), ipcc2006=block.map(BLOCK_IPCC2006), unit="kt",
                         crt_name=[label(f"total_{b}", "en") for b in block],
                         name_vi=[label(f"total_{b}", "vi") for b in block],
                         ipcc2006_name=[category_name(BLOCK_IPCC2006[b]) for b in block],
                         ).reindex(columns=INVENTORY_COLUMNS)


def _sum_by(rows: pd.DataFrame, keys: list[str], **columns: np.ndarray) -> pd.DataFrame:
    """Sums of `columns` (arrays over `rows`) by the `keys` columns of `rows`."""
    frame = pd.DataFrame({key: rows[key].astype(str).to_numpy() for key in keys} | columns)
    return frame.groupby(keys, sort=True).sum().reset_index()


def ipcc_worksheets(rows: pd.DataFrame, profile: str | None = None) -> dict[str, pd.DataFrame]:
    """The provincial estimate in the IPCC Inventory Software's worksheets for 3.C.1–3.C.7
    (IPCC 2006 Vol. 4 Annex 1), columns in the worksheet's order, one row per crop, lime,
    N input or water regime. Factors are the rows' own, weighted by the activity they
    apply to, so each row's emissions = its columns multiplied as the worksheet does:
    3.C.1 A × M_B × C_f × G_ef (M_B × C_f is Table 2.4's fuel burnt, so C_f = 1); 3.C.2
    and 3.C.3 M × EF × 44/12; 3.C.4 N × EF1 × 44/28; 3.C.5 N × Frac × EF4 (EF5) × 44/28;
    3.C.7 A × t × EF_c × SF_w × SF_p × SF_o × 10⁻⁶ (t and EF_c, SF_w, SF_p weighted by
    area × days; SF_o is what remains of the daily factor, so the product holds)."""
    profile = profile or rows.attrs["factor_profile"]
    source, mass = rows["source"].astype(str).to_numpy(), rows["mass_kg"].to_numpy(dtype="float64")
    amount = rows["activity_amount"].to_numpy(dtype="float64")

    def part(*parameters: str) -> np.ndarray:
        return factor_component(rows, profile, parameters)

    sheets = {}
    fire = source == "residue_burning"
    by_crop = _sum_by(rows[fire], ["crop", "gas"], area_ha=amount[fire], dm_t=(amount * part("fuel_burnt"))[fire],
                      emissions_t=mass[fire] / 1000)
    sheets["3.C.1"] = pd.DataFrame({
        "Land category": "Cropland", "Crop": by_crop["crop"], "Gas": by_crop["gas"], "Area burnt A (ha)": by_crop["area_ha"],
        "Mass of fuel available M_B (t dm/ha)": by_crop["dm_t"] / by_crop["area_ha"], "Combustion factor C_f": 1.0,
        "Emission factor G_ef (g/kg dm)": by_crop["emissions_t"] * 1000 / by_crop["dm_t"],
        "Emissions (t)": by_crop["emissions_t"]})
    for sheet, chosen, factor in (("3.C.2", source == "liming_co2", "EF_lime"), ("3.C.3", source == "urea_co2", "EF_urea")):
        applied = rows[chosen]
        sums = _sum_by(applied, ["input_type"], amount_t=amount[chosen] / 1000,
                       carbon_t=amount[chosen] / 1000 * part(factor)[chosen], co2_t=mass[chosen] / 1000)
        sheets[sheet] = pd.DataFrame({
            "Type": sums["input_type"], "Annual amount M (t/yr)": sums["amount_t"],
            "Emission factor EF (t C/t)": sums["carbon_t"] / sums["amount_t"],
            "Annual C emissions (t C/yr)": sums["carbon_t"], "Annual CO2 emissions (t CO2/yr)": sums["co2_t"]})
    direct = (source == "n2o_direct")
    n2o_n = mass / N2O_PER_N2O_N
    sums = _sum_by(rows[direct], ["input_type"], n_kg=amount[direct], n2o_n_kg=n2o_n[direct], n2o_kg=mass[direct])
    sheets["3.C.4"] = pd.DataFrame({
        "N input": sums["input_type"], "Annual amount of N (kg N/yr)": sums["n_kg"],
        "Emission factor EF1 (kg N2O-N/kg N)": sums["n2o_n_kg"] / sums["n_kg"],
        "Direct N2O-N (kg N2O-N/yr)": sums["n2o_n_kg"], "Direct N2O (kg N2O/yr)": sums["n2o_kg"]})
    indirect = []
    for pathway, chosen, fractions, ef in (
            ("volatilisation and deposition", source == "n2o_indirect_volatilisation", ("Frac_GASF", "Frac_GASM"), "EF4"),
            ("leaching and run-off", source == "n2o_indirect_leaching", ("Frac_LEACH",), "EF5")):
        lost = amount[chosen] * part(*fractions)[chosen]
        sums = _sum_by(rows[chosen], ["input_type"], n_kg=amount[chosen], lost_kg=lost, n2o_n_kg=n2o_n[chosen],
                       n2o_kg=mass[chosen])
        indirect.append(pd.DataFrame({
            "Pathway": pathway, "N input": sums["input_type"], "Annual amount of N (kg N/yr)": sums["n_kg"],
            "Fraction lost Frac (kg N/kg N)": sums["lost_kg"] / sums["n_kg"], "N lost (kg N/yr)": sums["lost_kg"],
            "Emission factor EF4 or EF5 (kg N2O-N/kg N)": sums["n2o_n_kg"] / sums["lost_kg"],
            "Indirect N2O-N (kg N2O-N/yr)": sums["n2o_n_kg"], "Indirect N2O (kg N2O/yr)": sums["n2o_kg"]}))
    sheets["3.C.5"] = pd.concat(indirect, ignore_index=True)
    sheets["3.C.6"] = pd.DataFrame({"Notation key": ["NA"], "Reason": [
        "indirect N2O from manure management belongs to livestock, outside the crop production this system covers"]})
    rice = source == "rice_ch4"
    daily = rows["factor_value"].to_numpy(dtype="float64")
    area_days = np.divide(mass, daily, out=np.zeros_like(mass), where=daily > 0)
    sums = _sum_by(rows[rice], ["input_type"], area_ha=amount[rice], area_days=area_days[rice],
                   ef_c=(area_days * part("EF_c"))[rice], sf_w=(area_days * part("SF_w"))[rice],
                   sf_p=(area_days * part("SF_p"))[rice], ch4_kg=mass[rice])
    adjusted = sums["ch4_kg"] / sums["area_days"]
    ef_c, sf_w, sf_p = (sums[column] / sums["area_days"] for column in ("ef_c", "sf_w", "sf_p"))
    sheets["3.C.7"] = pd.DataFrame({
        "Water regime": sums["input_type"], "Harvested area A (ha)": sums["area_ha"],
        "Cultivation period t (days)": sums["area_days"] / sums["area_ha"],
        "Baseline emission factor EF_c (kg CH4/ha/day)": ef_c, "Scaling factor SF_w": sf_w, "Scaling factor SF_p": sf_p,
        "Scaling factor SF_o": adjusted / (ef_c * sf_w * sf_p),
        "Adjusted daily emission factor EF_i (kg CH4/ha/day)": adjusted,
        "CH4 emissions (Gg CH4/yr)": sums["ch4_kg"] / KG_PER_KT})
    return sheets
