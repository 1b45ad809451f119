"""The low-emission label (plan task VI.1): each plot, farm, cooperative and production
zone of a year against a set of criteria (`factors/criteria/*.toml`, `mrv.factors.load_criteria`).

A criterion is a measure of the year's records and results with a limit per crop, which
the measured value must not exceed (`at_most`) or must reach (`at_least`). Every measure is
a ratio of two sums, so a group is measured on its plots together, each weighing by its
size (Σ numerator / Σ denominator), never as the mean of its plots' ratios:

| measure | numerator | denominator |
|---|---|---|
| `burnt_share` | area of crop residue burnt (ha) | the plot's area (ha) |
| `n_kg_per_ha` | N applied in synthetic and organic fertiliser (kg N) | the plot's area (ha) |
| `awd_share` | rice season area under multiple drainage (alternate wetting and drying, ha) | rice season area (ha) |
| `intensity` | the crop's AFOLU emissions (kg CO2e; an intercrop its area share, `mrv.crop_intensities`) | its harvest (kg of its intensity product) |

A group without the denominator (no rice season, no harvest) has no value: the criterion
is `no data` and the group does not pass, as a value is never assumed. A plot passes
when every criterion of its crop passes; a farm, cooperative or zone likewise, per crop.

A harvest lot (plan task VI.2) is a year's product of one crop delivered by several plots;
each kilogram a plot delivered carries that plot's emissions per kilogram of the crop
(`mrv.crop_intensities`), so the lot's footprint is their mean weighted by mass
(`lot_footprints`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv._reductions import crop_intensities
from mrv.schema import N_FORM_COLUMNS

KG_PER_T = 1000.0
#: The unit of each measure's value.
MEASURE_UNITS = {"burnt_share": "ha/ha", "n_kg_per_ha": "kg N/ha", "awd_share": "ha/ha", "intensity": "kg CO2e/kg"}
#: The water regime that counts as alternate wetting and drying (water_regimes.csv).
AWD = "multiple_drainage"
#: Columns of `plot_measures`.
MEASURE_COLUMNS = ["plot_id", "year", "crop", "measure", "numerator", "denominator", "records"]
#: Columns of `evaluate_label`: per level (plot, farm, cooperative, zone), group, crop and
#: criterion ("all" for the group's verdict on every criterion of its crop).
#: Columns of a harvest lot's parts, one per plot that delivered into it (`lot_footprints`).
LOT_COLUMNS = ["lot_id", "plot_id", "year", "crop", "mass_kg"]
LABEL_COLUMNS = ["level", "group_id", "crop", "criterion", "measure", "value", "limit", "direction", "unit", "result",
                 "plots", "records"]


def _record_ids(activity: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """The record ids of the `rows` of `activity`, '|'-joined per plot-year."""
    chosen = activity[rows]
    ids = chosen["record_id"].astype(str).where(chosen["record_id"].notna(), chosen["source_row"].astype(str))
    return ids.groupby([chosen["plot_id"].astype(str), chosen["year"].astype("int64")]).agg("|".join)


def plot_measures(results: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    """Per plot-year and measure (`MEASURE_UNITS`): the numerator and denominator of the
    module's table and the record ids behind the numerator (`records`). The plot's main crop
    carries every measure but the intensity, which each crop of the plot has."""
    keys = [activity["plot_id"].astype(str), activity["year"].astype("int64")]
    plots = activity.groupby(keys).agg(crop=("crop", "first"), area=("plot_area_ha", "first"))
    plots.index.names = ["plot_id", "year"]
    n_kg = sum(activity[column].to_numpy(dtype="float64") for column in N_FORM_COLUMNS.values())
    burnt = activity["burnt_area_ha"].to_numpy(dtype="float64")
    rice = activity["rice_area_ha"].to_numpy(dtype="float64")
    drained = rice * (activity["water_regime"].astype(object) == AWD).to_numpy()
    sums = pd.DataFrame({"burnt": burnt, "n": n_kg, "rice": rice, "drained": drained}).groupby(keys).sum()
    sums.index.names = ["plot_id", "year"]
    sums = plots.join(sums)
    frames = []
    for measure, numerator, denominator, used in (("burnt_share", "burnt", "area", burnt > 0),
                                                  ("n_kg_per_ha", "n", "area", n_kg > 0),
                                                  ("awd_share", "drained", "rice", rice > 0)):
        frames.append(sums.assign(measure=measure, numerator=sums[numerator], denominator=sums[denominator],
                                  records=_record_ids(activity, used)))
    intensity = crop_intensities(results, activity).set_index(["plot_id", "year"])
    intensity = intensity.join(_record_ids(activity, np.ones(len(activity), dtype=bool)).rename("records"))
    frames.append(intensity.assign(measure="intensity", numerator=intensity["emissions_t"] * KG_PER_T,
                                   denominator=intensity["production_t"].fillna(0.0) * KG_PER_T))
    measures = pd.concat([frame.reset_index() for frame in frames], ignore_index=True)
    return measures.assign(crop=measures["crop"].astype(str), records=measures["records"].fillna(""))[MEASURE_COLUMNS]


def evaluate_label(measures: pd.DataFrame, criteria: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Each group of `members` (`plot_id, level, group_id`: a plot at level 'plot' is its
    own group) against `criteria` (`mrv.factors.load_criteria`: one row per criterion and
    crop) on its plots' `plot_measures` of one year: the value, the limit, `result` pass,
    fail or no data, the number of plots and (for a plot) the records behind the value;
    then one row per group and crop, criterion 'all': pass when each of its crop's
    criteria passes. Rows come by level in the order of `members`, then group and crop."""
    data = members.merge(measures, on="plot_id").merge(criteria, on=["crop", "measure"])
    group = ["level", "group_id", "crop", "criterion", "measure", "limit", "direction"]
    totals = data.groupby(group, sort=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), plots=("plot_id", "nunique"),
        records=("records", lambda found: "|".join(part for part in found if part))).reset_index()
    totals["records"] = totals["records"].where(totals["level"] == "plot", "")  # a group's are its plots' rows
    value = totals["numerator"] / totals["denominator"].where(totals["denominator"] > 0)
    limit = totals["limit"].to_numpy(dtype="float64")
    holds = np.where(totals["direction"] == "at_most", value <= limit, value >= limit)
    table = totals.assign(value=value, unit=totals["measure"].map(MEASURE_UNITS),
                          result=np.where(value.isna(), "no data", np.where(holds, "pass", "fail")))
    verdict = table.groupby(["level", "group_id", "crop"], sort=False).agg(
        plots=("plots", "max"), passed=("result", lambda results: bool((results == "pass").all()))).reset_index()
    verdict = verdict.assign(criterion="all", result=np.where(verdict["passed"], "pass", "fail"), records="")
    table = pd.concat([table, verdict], ignore_index=True).reindex(columns=LABEL_COLUMNS)
    levels = pd.Categorical(table["level"], categories=members["level"].unique(), ordered=True)
    return table.assign(level=levels).sort_values(["level", "group_id", "crop"], kind="stable").assign(
        level=lambda frame: frame["level"].astype(str), plots=lambda frame: frame["plots"].astype("int64")
    ).reset_index(drop=True)


def lot_footprints(parts: pd.DataFrame, intensities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The footprint of each harvest lot of `parts` (`LOT_COLUMNS`, the kg of the crop's
    intensity product each plot delivered) from `intensities` (`mrv.crop_intensities`:
    t CO2e per t, which is kg CO2e per kg, and the tonnes harvested per plot-year and crop):

        footprint = Σᵢ mᵢ × Iᵢ / Σᵢ mᵢ   (kg CO2e/kg)

    Returns the parts with `share` (mᵢ / Σ m), `intensity` Iᵢ, `emissions_kg` (mᵢ × Iᵢ),
    `harvest_kg` (the plot's recorded harvest of the crop), `delivered_kg` (what the plot
    delivered into every lot of `parts` that year) and `exceeds_harvest`; and the lots with
    `mass_kg`, `emissions_kg`, `footprint` and `plots`. A lot with a plot of no intensity
    (no harvest or no results) has no footprint (NaN): it is never assumed."""
    parts = parts[LOT_COLUMNS].assign(plot_id=parts["plot_id"].astype(str), crop=parts["crop"].astype(str),
                                      year=parts["year"].astype("int64"), mass_kg=parts["mass_kg"].astype("float64"))
    found = intensities.assign(plot_id=intensities["plot_id"].astype(str), crop=intensities["crop"].astype(str),
                               year=intensities["year"].astype("int64"))
    found = found.assign(intensity=found["t_per_t"], harvest_kg=found["production_t"].fillna(0.0) * KG_PER_T)
    data = parts.merge(found[["plot_id", "year", "crop", "intensity", "harvest_kg"]], how="left",
                       on=["plot_id", "year", "crop"])
    data["harvest_kg"] = data["harvest_kg"].fillna(0.0)
    data["share"] = data["mass_kg"] / data.groupby("lot_id")["mass_kg"].transform("sum")
    data["emissions_kg"] = data["mass_kg"] * data["intensity"]
    data["delivered_kg"] = data.groupby(["plot_id", "year", "crop"])["mass_kg"].transform("sum")
    data["exceeds_harvest"] = data["delivered_kg"] > data["harvest_kg"] * (1 + 1e-9)
    lots = data.groupby("lot_id", sort=False).agg(
        year=("year", "first"), crop=("crop", "first"), mass_kg=("mass_kg", "sum"),
        emissions_kg=("emissions_kg", lambda values: values.sum(min_count=len(values))),
        plots=("plot_id", "nunique")).reset_index()
    lots["footprint"] = lots["emissions_kg"] / lots["mass_kg"].where(lots["mass_kg"] > 0)
    return lots, data
