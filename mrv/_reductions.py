"""Pilot-model reductions and roll-ups (DESIGN.md §7, §8).

A reduction is baseline minus project on the same boundaries, factor set and GWP (the
results of one calculation). The baseline of a pilot plot is, in order of preference:
its pilot model's control (đối chứng) plots, per hectare and scaled to the pilot plot's
area; else the mean of the plot's own years before the model started; else the
conventional practice profile of its crop, per hectare. A pilot plot with none of these
has no baseline (NaN), never a zero one. Reductions are given in t CO2e, per
hectare and per tonne of the crop's intensity product, so that a yield drop cannot pass
as a reduction; per tonne, an intercropped plot's emissions are the main crop's share of
them (allocation by area, `crop_intensities`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues

KG_PER_T = 1000.0


def emissions_by_plot(results: pd.DataFrame, boundaries: tuple[str, ...] = ("afolu",)) -> pd.DataFrame:
    """t CO2e per plot and year over the given boundaries (removals are not netted in:
    rows with a negative mass are left out)."""
    chosen = results[results["boundary"].isin(boundaries) & (results["mass_kg"] >= 0)]
    frame = chosen.groupby([chosen["plot_id"].astype(str), "year"], observed=True)["co2e_kg"].sum() / KG_PER_T
    return frame.rename("emissions_t").reset_index()


def crop_production(activity: pd.DataFrame) -> pd.DataFrame:
    """Per plot, year and crop grown on it (the plot's crop, and its intercrop where it has
    one): `share`, the crop's part of the plot's area (the intercrop's share, the main crop
    the rest), and `production_t`, the tonnes harvested of that crop's intensity product
    (crops.csv `intensity_product`: green bean for coffee, stalks for sugarcane, …; other
    harvest forms are not mixed in)."""
    wanted = catalogues.table("crops")["intensity_product"]
    plots = activity.groupby([activity["plot_id"].astype(str), "year"], observed=True).agg(
        main=("crop", "first"), intercrop=("intercrop", "first"), intercrop_share=("intercrop_share", "first"))
    plots = plots.reset_index()
    grown = pd.concat([
        plots.assign(crop=plots["main"].astype(str), share=1.0 - plots["intercrop_share"]),
        plots[plots["intercrop"].notna()].assign(crop=lambda f: f["intercrop"].astype(str),
                                                 share=lambda f: f["intercrop_share"]),
    ], ignore_index=True)[["plot_id", "year", "crop", "share"]]
    harvest = activity[activity["activity"] == "harvest"]
    product = harvest["product"].astype(str)
    harvest = harvest.assign(plot_id=harvest["plot_id"].astype(str), crop=product.map(
        catalogues.table("products")["crop"]).astype(object))
    harvest = harvest[product.to_numpy() == harvest["crop"].map(wanted).to_numpy()]
    tonnes = (harvest.groupby(["plot_id", "year", "crop"])["harvest_kg"].sum() / KG_PER_T).rename("production_t")
    return grown.merge(tonnes.reset_index(), how="left", on=["plot_id", "year", "crop"])


def production_by_plot(activity: pd.DataFrame) -> pd.DataFrame:
    """Tonnes harvested per plot and year of the plot's crop's intensity product, with the
    crop's `share` of the plot's area (1 without an intercrop): see `crop_production`."""
    production = crop_production(activity)
    main = activity.groupby(activity["plot_id"].astype(str), observed=True)["crop"].first().astype(str)
    production = production[production["crop"].to_numpy() == production["plot_id"].map(main).to_numpy()]
    return production[["plot_id", "year", "production_t", "share"]].reset_index(drop=True)


def crop_intensities(results: pd.DataFrame, activity: pd.DataFrame,
                     boundaries: tuple[str, ...] = ("afolu",)) -> pd.DataFrame:
    """t CO2e per t of product of each crop of each plot-year. An intercropped plot's
    emissions are allocated to its crops by their share of its area (ISO 14044:2006
    §4.3.4.2, allocation by a physical relationship: the inputs of an intercropped plot
    are given to the plot as a whole, and area is what the crops divide between them; by
    mass, a tonne of durian fruit would weigh as much as a tonne of green coffee)."""
    data = emissions_by_plot(results, boundaries).merge(crop_production(activity), on=["plot_id", "year"])
    data["emissions_t"] = data["emissions_t"] * data["share"]
    data["t_per_t"] = data["emissions_t"] / data["production_t"].where(data["production_t"] > 0)
    return data[["plot_id", "year", "crop", "share", "emissions_t", "production_t", "t_per_t"]]


def pilot_reductions(results: pd.DataFrame, activity: pd.DataFrame, pilots: pd.DataFrame,
                     boundaries: tuple[str, ...] = ("afolu",),
                     conventional_per_ha: pd.Series | None = None,
                     production: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reduction of every pilot plot and year.

    `pilots` has one row per plot of a pilot model: `pilot_model_id, plot_id, role`
    ('pilot' or 'control'), `area_ha`, `start_year`, and `crop` when `conventional_per_ha`
    (t CO2e per ha of the conventional practice, by crop) is given. Returns, per pilot
    plot-year: the baseline method ('control', 'own baseline years' or 'conventional
    practice'), baseline and project t CO2e,
    the reduction in t, per ha and per tonne of product, and `per_tonne_holds` (False
    when emissions fell but emissions per tonne did not: the yield fell more).
    `production` is `production_by_plot(activity)` where it is already known.
    """
    plots = pilots.assign(plot_id=pilots["plot_id"].astype(str))
    production = production_by_plot(activity) if production is None else production
    data = emissions_by_plot(results, boundaries).merge(production, how="left", on=["plot_id", "year"])
    data = data.merge(plots, on="plot_id")
    data["crop_t"] = data["emissions_t"] * data["share"].fillna(1.0)  # the main crop's part (crop_intensities)
    control = data[data["role"] == "control"].groupby(["pilot_model_id", "year"]).agg(
        control_t=("emissions_t", "sum"), control_ha=("area_ha", "sum"), control_crop_t=("crop_t", "sum"),
        control_production_t=("production_t", "sum"))
    pilot = data[(data["role"] == "pilot") & (data["year"] >= data["start_year"])]
    pilot = pilot.merge(control, how="left", left_on=["pilot_model_id", "year"], right_index=True)
    own = data[(data["role"] == "pilot") & (data["year"] < data["start_year"])].assign(
        per_ha=lambda f: f["emissions_t"] / f["area_ha"], intensity=lambda f: f["crop_t"] / f["production_t"])
    own = own.groupby("plot_id").agg(own_per_ha=("per_ha", "mean"), own_intensity=("intensity", "mean"))
    pilot = pilot.merge(own, how="left", left_on="plot_id", right_index=True)

    by_control = pilot["control_ha"].notna().to_numpy()
    per_ha = np.where(by_control, pilot["control_t"] / pilot["control_ha"], pilot["own_per_ha"]).astype("float64")
    intensity = np.where(by_control, pilot["control_crop_t"] / pilot["control_production_t"].replace(0, np.nan),
                         pilot["own_intensity"]).astype("float64")
    by_own = ~by_control & ~np.isnan(per_ha)
    conventional = (pilot["crop"].map(conventional_per_ha).to_numpy(dtype="float64")
                    if conventional_per_ha is not None else np.full(len(pilot), np.nan))
    by_profile = ~by_control & ~by_own & ~np.isnan(conventional)
    per_ha = np.where(by_profile, conventional, per_ha)
    baseline = per_ha * pilot["area_ha"].to_numpy()
    project = pilot["emissions_t"].to_numpy(dtype="float64")  # float even for a year without pilot plots
    project_intensity = (pilot["crop_t"].to_numpy(dtype="float64")
                         / pilot["production_t"].replace(0, np.nan).to_numpy(dtype="float64"))
    reduction = baseline - project
    per_tonne = intensity - project_intensity
    return pd.DataFrame({
        "pilot_model_id": pilot["pilot_model_id"].to_numpy(),
        "plot_id": pilot["plot_id"].to_numpy(),
        "year": pilot["year"].to_numpy(),
        "area_ha": pilot["area_ha"].to_numpy(),
        "baseline_method": np.select([by_control, by_own, by_profile],
                                     ["control", "own baseline years", "conventional practice"], None),
        "baseline_t": baseline,
        "project_t": project,
        "reduction_t": reduction,
        "reduction_t_per_ha": reduction / pilot["area_ha"].to_numpy(),
        "production_t": pilot["production_t"].to_numpy(),
        "baseline_t_per_t": intensity,
        "project_t_per_t": project_intensity,
        "reduction_t_per_t": per_tonne,
        "per_tonne_holds": np.where(np.isnan(per_tonne), None, per_tonne > 0),
    })


def rollup(results: pd.DataFrame, by: tuple[str, ...], boundaries: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Mass of each gas and CO2e summed by the given columns (and boundary, always kept
    apart). Totals equal the sum of their parts; rounding is for display only."""
    chosen = results if boundaries is None else results[results["boundary"].isin(boundaries)]
    keys = [*by, "boundary"] if "boundary" not in by else list(by)
    return chosen.groupby(keys, observed=True)[["mass_kg", "co2e_kg"]].sum().reset_index()
