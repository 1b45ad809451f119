"""Organic carbon in mineral soils after a change of soil management, IPCC Vol. 4 Eq. 2.25
(Tier 1) with the stock change factors of Table 5.5 and the reference stocks of Table 2.3.

The stock a practice holds at equilibrium is SOC = SOC_REF × F_LU × F_MG × F_I (0–30 cm),
for the plot's climate and soil class, its crop's land use (perennial, long-term
cultivated, paddy rice), its tillage F_MG and its carbon input level F_I. A
`soil_management` record says that from its year one of the two practices changed, from
`previous_practice` to `product`, on the record's area. The stock moves to the new
equilibrium evenly over D years (default 20), counted from the record's year:

    ΔC per year = SOC_REF × F_LU × F_other × (F_new − F_old) / D × area      (t C)
    CO2 = −ΔC × 44/12

F_other is the plot's other practice factor at the change: the practice of its latest
change recorded up to that year, else the former practice of its first later change, else
the nominal practice (full tillage, medium input: F = 1); of two changes in one year, the
tillage change takes the new input and the input change the former tillage. A gain is a removal (negative
`mass_kg`), a loss an emission. One row per plot-year and change in force, in each of the D
years from the change on (up to the last year calculated), whether or not the plot has
other records that year.

The N mineralised with a loss enters direct and leached N2O as F_SOM (Eq. 11.8):

    F_SOM = |ΔC| / R × 1000      (kg N; R the C:N ratio of the soil organic matter)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._factors import FactorProfile, FactorValues, join_ids, related_ids
from mrv.sources._common import Block, Inputs
from mrv.units import CO2_PER_C, magnitude, quantity

SOURCE = "soil_carbon"
KG_PER_T = 1000.0
NOMINAL = {"F_MG": "tillage-full", "F_I": "input-medium"}
#: When tillage and input change in the same year, the tillage change is taken at the new
#: input and the input change at the former tillage, so that the two add up to the whole
#: change SOC_REF × F_LU × (F_MG' × F_I' − F_MG × F_I).
SAME_YEAR_IN_FORCE = {"F_MG": False, "F_I": True}


def _changes(inputs: Inputs) -> pd.DataFrame:
    """The soil management records: plot, year, factor changed, new and former practice,
    area, and the practice of the other factor in force at the change."""
    activity = inputs.activity
    rows = np.flatnonzero(activity["managed_area_ha"].to_numpy() > 0)
    records = pd.DataFrame({
        "plot_id": inputs.text_at("plot_id", rows),
        "year": activity["year"].to_numpy()[rows],
        "new": inputs.text_at("product", rows),
        "old": inputs.text_at("previous_practice", rows),
        "area": activity["managed_area_ha"].to_numpy()[rows],
        "record": rows,
    })
    records["factor"] = records["new"].map(catalogues.table("products")["soil_factor"])
    records = records.sort_values(["plot_id", "year", "record"], kind="stable").reset_index(drop=True)
    records["other"] = records["factor"].map({"F_MG": "F_I", "F_I": "F_MG"})
    records["other_practice"] = records["other"].map(NOMINAL)
    for factor, same_year in SAME_YEAR_IN_FORCE.items():
        own = records[records["factor"] == factor].sort_values("year", kind="stable")
        asks = records[records["other"] == factor][["year", "plot_id"]].reset_index().sort_values("year", kind="stable")
        if own.empty or asks.empty:
            continue
        before = pd.merge_asof(asks, own.drop_duplicates(["plot_id", "year"], keep="last")[["year", "plot_id", "new"]],
                               on="year", by="plot_id", direction="backward", allow_exact_matches=same_year)
        after = pd.merge_asof(asks, own.drop_duplicates(["plot_id", "year"])[["year", "plot_id", "old"]],
                              on="year", by="plot_id", direction="forward", allow_exact_matches=not same_year)
        practice = before.set_index("index")["new"].fillna(after.set_index("index")["old"])
        records.loc[practice.index, "other_practice"] = practice.fillna(NOMINAL[factor])
    return records


def series(activity: pd.DataFrame, factors: FactorProfile, through: int) -> pd.DataFrame:
    """The years each change runs over (`mrv.sources._common.SERIES_COLUMNS`): from its
    year for D years, up to `through`."""
    changed = activity[activity["managed_area_ha"].to_numpy() > 0]
    years = float(magnitude(factors.lookup("soc_transition", 1).quantity(), "year")[0])
    first = changed["year"].to_numpy(dtype="int64")
    return pd.DataFrame({"plot_id": changed["plot_id"].astype(str).to_numpy(), "first": first,
                         "last": np.minimum(first + int(years) - 1, through)})


def _in_force(inputs: Inputs, changes: pd.DataFrame, years: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (plot-year, change) with the change's year in the D years up to the plot-year."""
    if changes.empty:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    pairs = inputs.plot_years_of(changes["plot_id"].unique()).merge(
        changes[["plot_id", "year"]].reset_index(), on="plot_id", suffixes=("", "_change"))
    elapsed = pairs["year"].to_numpy() - pairs["year_change"].to_numpy()
    keep = (elapsed >= 0) & (elapsed < years)
    return pairs["plot_year"].to_numpy()[keep], pairs["index"].to_numpy()[keep]


def _practice_factors(inputs: Inputs, practices: np.ndarray, climate: pd.Categorical) -> FactorValues:
    """F_MG or F_I of each practice (the factor its catalogue row names), for its climate."""
    parameters = pd.Series(practices).map(catalogues.table("products")["soil_factor"]).to_numpy()
    return inputs.factors.lookup_each(parameters, input=practices, climate=climate)


def _stock_changes(inputs: Inputs) -> dict:
    """Per (plot-year, change in force): plot-year, area, ΔC per ha and year (t C), the new
    practice, the SOC_REF factor and every factor id used. Computed once per `Inputs`."""
    return inputs.once(SOURCE, _compute_stock_changes)


def _compute_stock_changes(inputs: Inputs) -> dict:
    changes = _changes(inputs)
    transition = inputs.factors.lookup("soc_transition", 1)
    years = float(magnitude(transition.quantity(), "year")[0])
    plot_year, change = _in_force(inputs, changes, years)
    rows = changes.iloc[change]
    keys = inputs.keys(plot_year, "climate", "crop", "soil")
    climate = keys["climate"]
    land_use = np.asarray(keys["crop"].map(catalogues.table("crops")["land_use"]), dtype=object)
    reference = inputs.factors.lookup("SOC_REF", len(plot_year), input=np.asarray(keys["soil"], dtype=object),
                                      climate=climate)
    land = inputs.factors.lookup("F_LU", len(plot_year), input=land_use, climate=climate)
    new, old, other = (_practice_factors(inputs, rows[column].to_numpy(dtype=object), climate)
                       for column in ("new", "old", "other_practice"))
    per_ha = magnitude(reference.quantity(), "t/ha") * land.value * other.value * (new.value - old.value) / years
    steady = transition.take(np.zeros(len(plot_year), dtype="int64"))
    return {
        "plot_year": plot_year, "area": rows["area"].to_numpy(), "per_ha": per_ha,
        "practice": rows["new"].to_numpy(dtype=object), "reference": reference,
        "ids": join_ids([(reference, None), (land, None), (other, None), (related_ids("inverse", steady.ids), None),
                         (related_ids("difference", new.ids, old.ids), None)]),
    }


def mineralised_n(inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """F_SOM (Eq. 11.8): per plot-year with a soil carbon loss, the kg N mineralised with it
    (used by direct and by leached N2O; computed once per `Inputs`)."""
    return inputs.once("F_SOM", _compute_mineralised_n)


def _compute_mineralised_n(inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    changes = _stock_changes(inputs)
    plot_year, area, per_ha = changes["plot_year"], changes["area"], changes["per_ha"]
    loss_t = np.bincount(plot_year, weights=np.maximum(-per_ha, 0.0) * area, minlength=inputs.size)
    lost = np.flatnonzero(loss_t)
    if not len(lost):
        return lost, np.zeros(0)
    ratio = inputs.factors.lookup("soil_cn_ratio", len(lost), **inputs.keys(lost, "climate", "crop"))
    return lost, loss_t[lost] * KG_PER_T / ratio.value


def emissions(inputs: Inputs) -> list[Block]:
    changes = _stock_changes(inputs)
    plot_year, area, per_ha = changes["plot_year"], changes["area"], changes["per_ha"]
    active = per_ha != 0
    carbon_kg = quantity(area[active] * per_ha[active] * KG_PER_T, "kg")
    return [Block(
        plot_year[active], SOURCE, "CO2", changes["practice"][active],
        mass_kg=-magnitude(carbon_kg * CO2_PER_C, "kg"),
        activity_amount=area[active], activity_unit="ha under the new practice",
        factor_value=per_ha[active] * KG_PER_T, factor_unit="kg C/ha",
        factor=changes["reference"].take(active), factor_ids=changes["ids"][active],
    )]
