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


def emissions_by_plot(results: pd.DataFrame, boundaries: tuple[str, ...] = ("afolu",),
                      by: str | None = None) -> pd.DataFrame:
    """t CO2e per plot and year over the given boundaries (removals are not netted in:
    rows with a negative mass are left out). With `by`, one column per value of that
    column of the results instead of `emissions_t`: each plot-year's emissions from those
    rows alone, 0 where it has none."""
    chosen = results[results["boundary"].isin(boundaries) & (results["mass_kg"] >= 0)]
    keys = [chosen["plot_id"].astype(str), "year"]
    if by is None:
        frame = chosen.groupby(keys, observed=True)["co2e_kg"].sum() / KG_PER_T
        return frame.rename("emissions_t").reset_index()
    wide = chosen.groupby([*keys, chosen[by].astype(str)], observed=True)["co2e_kg"].sum().unstack(fill_value=0.0)
    return (wide / KG_PER_T).rename_axis(columns=None).reset_index()


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


def _lookup(table: pd.DataFrame, keys) -> np.ndarray:
    """The rows of `table` at `keys` (values of its index), NaN for a key it lacks."""
    found = table.index.get_indexer(keys)
    out = np.full((len(found), table.shape[1]), np.nan)
    out[found >= 0] = table.to_numpy(dtype="float64")[found[found >= 0]]
    return out


def _baselines(emissions: pd.DataFrame, pilots: pd.DataFrame, production: pd.DataFrame,
               conventional_per_ha: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The pilot plot-years of `pilot_reductions` and, for each emission column of
    `emissions` (`emissions_by_plot`: plot_id, year, then one or more columns of t CO2e),
    their `baseline`, `project`, `intensity` (baseline t CO2e per t) and
    `project_intensity`, and the baseline's method (`by_control`, `by_own`, `by_profile`):
    arrays of (pilot plot-years, columns). `conventional_per_ha` has the same columns, by crop."""
    columns = [column for column in emissions.columns if column not in ("plot_id", "year")]
    plots = pilots.assign(plot_id=pilots["plot_id"].astype(str))
    data = emissions.merge(production, how="left", on=["plot_id", "year"]).merge(plots, on="plot_id")
    emitted = data[columns].to_numpy(dtype="float64")
    crop_t = emitted * data["share"].fillna(1.0).to_numpy(dtype="float64")[:, None]  # the main crop's part
    area = data["area_ha"].to_numpy(dtype="float64")[:, None]
    produced = data["production_t"].to_numpy(dtype="float64")[:, None]
    model, plot, year = data["pilot_model_id"], data["plot_id"], data["year"].to_numpy()
    role, start = data["role"].to_numpy(), data["start_year"].to_numpy()
    width = len(columns)

    control = role == "control"
    sums = pd.DataFrame(np.hstack([emitted, crop_t, area, produced])[control]).groupby(
        [model[control].to_numpy(), year[control]]).sum()  # NaN production counts 0, as a sum skips it
    in_model = (role == "pilot") & (year >= start)
    found = _lookup(sums, pd.MultiIndex.from_arrays([model[in_model], year[in_model]]))
    control_t, control_crop_t = found[:, :width], found[:, width:2 * width]
    control_ha, control_production_t = found[:, [2 * width]], found[:, [2 * width + 1]]

    before = (role == "pilot") & (year < start)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = pd.DataFrame(np.hstack([emitted / area, crop_t / produced])[before]).groupby(
            plot[before].to_numpy()).mean()
        found = _lookup(own, plot[in_model])
        own_per_ha, own_intensity = found[:, :width], found[:, width:]

        by_control = ~np.isnan(control_ha) & np.ones((1, width), dtype=bool)
        per_ha = np.where(by_control, control_t / control_ha, own_per_ha)
        intensity = np.where(by_control, control_crop_t / np.where(control_production_t == 0, np.nan,
                                                                   control_production_t), own_intensity)
        by_own = ~by_control & ~np.isnan(per_ha)
        crop = data.loc[in_model, "crop"] if "crop" in data else pd.Series(np.nan, index=data.index[in_model])
        conventional = (_lookup(conventional_per_ha, crop) if conventional_per_ha is not None
                        else np.full(per_ha.shape, np.nan))
        by_profile = ~by_control & ~by_own & ~np.isnan(conventional)
        per_ha = np.where(by_profile, conventional, per_ha)
        pilot = data[in_model].reset_index(drop=True)
        project_intensity = crop_t[in_model] / np.where(produced[in_model] == 0, np.nan, produced[in_model])
    return pilot, {"baseline": per_ha * area[in_model], "project": emitted[in_model], "intensity": intensity,
                   "project_intensity": project_intensity, "by_control": by_control, "by_own": by_own,
                   "by_profile": by_profile}


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
    production = production_by_plot(activity) if production is None else production
    conventional = None if conventional_per_ha is None else conventional_per_ha.to_frame("emissions_t")
    pilot, parts = _baselines(emissions_by_plot(results, boundaries), pilots, production, conventional)
    baseline, project, intensity, project_intensity = (
        parts[name][:, 0] for name in ("baseline", "project", "intensity", "project_intensity"))
    reduction = baseline - project
    per_tonne = intensity - project_intensity
    return pd.DataFrame({
        "pilot_model_id": pilot["pilot_model_id"].to_numpy(),
        "plot_id": pilot["plot_id"].to_numpy(),
        "year": pilot["year"].to_numpy(),
        "area_ha": pilot["area_ha"].to_numpy(),
        "baseline_method": np.select([parts["by_control"][:, 0], parts["by_own"][:, 0], parts["by_profile"][:, 0]],
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


def pilot_baselines_by(results: pd.DataFrame, pilots: pd.DataFrame, production: pd.DataFrame, by: str,
                       conventional_per_ha: pd.DataFrame | None = None,
                       boundaries: tuple[str, ...] = ("afolu",)) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The pilot plot-years of `pilot_reductions` (`pilot_model_id, plot_id, year, area_ha`)
    and their baseline and project t CO2e with one column per value of the results' column
    `by`, each worked out from those rows alone; `conventional_per_ha` by crop, one column
    per value. Both are linear in the rows' CO2e, so the columns add up to
    `pilot_reductions`' `baseline_t` and `project_t`."""
    emissions = emissions_by_plot(results, boundaries, by=by)
    columns = [column for column in emissions.columns if column not in ("plot_id", "year")]
    conventional = None if conventional_per_ha is None else conventional_per_ha.reindex(columns=columns,
                                                                                        fill_value=0.0)
    pilot, parts = _baselines(emissions, pilots, production, conventional)
    keys = pilot[["pilot_model_id", "plot_id", "year", "area_ha"]]
    return keys, pd.DataFrame(parts["baseline"], columns=columns), pd.DataFrame(parts["project"], columns=columns)


def rollup(results: pd.DataFrame, by: tuple[str, ...], boundaries: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Mass of each gas and CO2e summed by the given columns (and boundary, always kept
    apart). Totals equal the sum of their parts; rounding is for display only."""
    chosen = results if boundaries is None else results[results["boundary"].isin(boundaries)]
    keys = [*by, "boundary"] if "boundary" not in by else list(by)
    return chosen.groupby(keys, observed=True)[["mass_kg", "co2e_kg"]].sum().reset_index()
