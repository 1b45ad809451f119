"""QA/QC checks of a year's data (IPCC 2006 Vol. 1 Ch. 6), as named rules with a severity:
an error blocks the year, a warning needs a comment. Each rule is a pure function of the
activity frame (and the pilot plots, and the results); limits come from
`factors/catalogue/qa_limits.csv` with their source."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._calculate import calculate_activity
from mrv._factors import factor_profile, used_factor_ids
from mrv._i18n import msg
from mrv.schema import N_FORM_COLUMNS

FINDING_COLUMNS = ["rule", "severity", "commune_code", "plot_id", "source_row", "value", "message"]


def _messages(messages) -> pd.Series:
    """A column of messages kept as messages (`mrv._i18n`), to be said in the reader's
    language: an object column, which pandas never turns into plain text."""
    return pd.Series(list(messages), dtype=object)


def _findings(rule: str, severity: str, frame: pd.DataFrame, value, message: str) -> pd.DataFrame:
    return pd.DataFrame({
        "rule": rule, "severity": severity,
        "commune_code": frame["commune_code"].astype(str).to_numpy() if "commune_code" in frame else None,
        "plot_id": frame["plot_id"].astype(str).to_numpy() if "plot_id" in frame else None,
        "source_row": frame["source_row"].to_numpy() if "source_row" in frame else None,
        "value": np.asarray(value), "message": _messages([message] * len(frame)),
    }, columns=FINDING_COLUMNS)


def _rate_limits(activity: pd.DataFrame, rule: str, amount: np.ndarray, what: str) -> pd.DataFrame:
    """Per plot-year amount per hectare outside the limits of `rule` in qa_limits.csv
    (a row per crop, or for every crop; the most severe limit a plot-year breaks wins).
    Plot-years without the amount are not checked."""
    per_plot = activity.assign(amount=amount).groupby([activity["plot_id"].astype(str), "year"], observed=True).agg(
        amount=("amount", "sum"), area=("plot_area_ha", "first"), commune_code=("commune_code", "first"),
        crop=("crop", "first")).reset_index()
    per_plot = per_plot[per_plot["amount"] > 0]
    rate = (per_plot["amount"] / per_plot["area"]).to_numpy()
    limits = catalogues.table("qa_limits")
    limits = limits[limits["rule"] == rule].assign(_order=lambda f: f["severity"].map({"error": 0, "warning": 1}))
    found, flagged = [], np.zeros(len(per_plot), dtype=bool)
    for _, limit in limits.sort_values("_order", kind="stable").iterrows():
        crop = per_plot["crop"].astype(str).to_numpy() == limit["crop"] if isinstance(limit["crop"], str) \
            else np.ones(len(per_plot), dtype=bool)
        low = rate < limit["low"] if not np.isnan(limit["low"]) else np.zeros(len(per_plot), dtype=bool)
        high = rate > limit["high"] if not np.isnan(limit["high"]) else np.zeros(len(per_plot), dtype=bool)
        out = crop & (low | high) & ~flagged
        flagged |= out
        low_, high_ = (f"{v:g}" for v in (limit["low"], limit["high"]))
        bounds = (msg("{low} to {high}", low=low_,
                      high=high_) if not np.isnan(limit["low"]) and not np.isnan(limit["high"])
                  else low_ if not np.isnan(limit["low"]) else high_)
        found.append(_findings(rule, limit["severity"], per_plot[out], rate[out],
                               msg("{what} outside {bounds} {unit}: check the units and decimal marks", what=what,
                                   bounds=bounds, unit=limit["unit"])))
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=FINDING_COLUMNS)


def n_rate(activity: pd.DataFrame) -> pd.DataFrame:
    """N applied per hectare and year above the plausibility limits (`n_rate_high`)."""
    n_kg = activity[list(N_FORM_COLUMNS.values())].to_numpy().sum(axis=1)
    return _rate_limits(activity, "n_rate_high", n_kg, msg("N applied a year (kg N/ha)"))


def diesel_rate(activity: pd.DataFrame) -> pd.DataFrame:
    """Diesel per hectare and year above the plausibility limit (`diesel_rate_high`)."""
    return _rate_limits(activity, "diesel_rate_high", activity["diesel_l"].to_numpy(), msg("diesel a year (L/ha)"))


def yield_range(activity: pd.DataFrame) -> pd.DataFrame:
    """Harvest of the crop's intensity product per hectare outside its plausible range
    (`yield_out_of_range`, t/ha by crop)."""
    wanted = activity["crop"].astype(str).map(catalogues.table("crops")["intensity_product"]).to_numpy()
    main = activity["product"].astype(str).to_numpy() == wanted
    tonnes = np.where(main, activity["harvest_kg"].to_numpy(), 0.0) / 1000
    return _rate_limits(activity, "yield_out_of_range", tonnes, msg("harvest of the main product (t/ha)"))


def _larger_than_plot(frame: pd.DataFrame, column: str, rule: str, what: str) -> pd.DataFrame:
    """Rows whose area `column` is larger than their plot (an error)."""
    over = frame[(frame[column] > frame["plot_area_ha"] * (1 + 1e-9)).to_numpy()]
    return _findings(rule, "error", over, over[column].to_numpy(),
                     msg("{what} is larger than the plot: check the unit (ha, sào) or the plot's area", what=what))


def burnt_area(activity: pd.DataFrame) -> pd.DataFrame:
    """Residue burnt on more area than the plot has, over the plot's year."""
    burnt = activity.groupby([activity["plot_id"].astype(str), "year"], observed=True).agg(
        burnt_area_ha=("burnt_area_ha", "sum"), plot_area_ha=("plot_area_ha", "first"),
        commune_code=("commune_code", "first")).reset_index()
    return _larger_than_plot(burnt, "burnt_area_ha", "burnt_area_exceeds_plot", msg("area burnt"))


def rice_area(activity: pd.DataFrame) -> pd.DataFrame:
    """A rice season sown on more area than the plot has."""
    return _larger_than_plot(activity, "rice_area_ha", "rice_area_exceeds_plot", msg("rice season area"))


def managed_area(activity: pd.DataFrame) -> pd.DataFrame:
    """A soil practice change recorded on more area than the plot has."""
    return _larger_than_plot(activity, "managed_area_ha", "managed_area_exceeds_plot",
                             msg("area of the practice change"))


def tree_stock_fell(results: pd.DataFrame) -> pd.DataFrame:
    """Trees holding less carbon at an inventory than at the one before (a Tier 2 emission):
    trees cut, or a measurement or unit to check (a warning)."""
    fell = results[((results["source"] == "biomass_carbon") & (results["input_type"] == "inventory")
                    & (results["mass_kg"] > 0)).to_numpy()]
    return _findings("tree_stock_fell", "warning", fell, fell["mass_kg"].to_numpy() / 1000,
                     msg("the trees hold less carbon than at the inventory before (t CO2 a year): record the trees "
                         "cut, or check the diameters, heights and counts of both inventories"))


def duplicates(activity: pd.DataFrame) -> pd.DataFrame:
    """The same record twice: same plot, year, date, activity, product, quantity and unit."""
    keys = ["plot_id", "year", "date", "activity", "product", "quantity_text", "unit_text"]
    twice = activity[activity[keys].astype(str).duplicated(keep="first").to_numpy()]
    return _findings("duplicate_record", "warning", twice, twice["quantity_text"].astype(str).to_numpy(),
                     msg("this record repeats an earlier one: delete it, or give both a record_id if both happened"))


def probable_corrections(activity: pd.DataFrame) -> pd.DataFrame:
    """Records without a record id on the same plot, year, date and activity with the same
    quantity but another product or unit: most likely one corrects the other, and both
    are counted (a warning)."""
    given = activity["record_id"].astype(object)
    unnamed = activity[(given.isna() | given.astype(str).str.startswith("auto:")).to_numpy()]
    keys = ["plot_id", "year", "date", "activity", "quantity_text"]
    variants = unnamed.assign(_variant=unnamed["product"].astype(str) + "\x1f" + unnamed["unit_text"].astype(str))
    spread = variants.groupby([variants[k].astype(str) for k in keys], observed=True)["_variant"].transform("nunique")
    later = variants[(spread > 1).to_numpy() & variants[keys].astype(str).duplicated(keep="first").to_numpy()]
    return _findings("probable_correction", "warning", later, later["product"].astype(str).to_numpy(),
                     msg("same plot, date, activity and quantity as another record without an id, but another "
                         "product or unit: if one corrects the other, both are counted; give the records ids and "
                         "keep one"))


def harvest_missing(activity: pd.DataFrame, pilots: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every pilot and control plot needs a harvest record for intensities (an error)."""
    harvested = set(activity.loc[(activity["activity"] == "harvest") & (activity["year"] == year), "plot_id"].astype(str))
    missing = pilots[~pilots["plot_id"].astype(str).isin(harvested)]
    return _findings("harvest_missing", "error", missing, missing["role"].to_numpy(),
                     msg("no harvest record for this pilot/control plot in the year: record the harvest"))


def pilot_without_data(activity: pd.DataFrame, pilots: pd.DataFrame, year: int) -> pd.DataFrame:
    """A pilot model none of whose plots has a record in the year (an error)."""
    recorded = set(activity.loc[activity["year"] == year, "plot_id"].astype(str))
    models = pilots.assign(has=pilots["plot_id"].astype(str).isin(recorded)).groupby("pilot_model_id").agg(
        has=("has", "any"), commune_code=("commune_code", "first")).reset_index()
    empty = models[~models["has"]]
    return _findings("pilot_model_without_data", "error", empty, empty["pilot_model_id"].to_numpy(),
                     msg("no record for any plot of this pilot model in the year"))


#: t CO2e a claim may exceed its plot-year's reduction by before it is a finding: a new run of
#: the same data may differ from the one a claim took its tonnes from in the last digits.
CLAIM_TOLERANCE_T = 1e-6


def claims_beyond_reduction(claimable: pd.DataFrame) -> pd.DataFrame:
    """A pilot plot-year whose claims take more than its reduction above zero in the year's
    official run (an error): a correction lowered the reduction after it was claimed, so
    the excess tonnes (`value`) are claimed without official figures behind them.
    `claimable` has `plot_id, year, commune_code, reduction_t, claimed_t` (the claims
    register against the official run: `mrv.models.claimable`)."""
    kept = np.maximum(claimable["reduction_t"].fillna(0.0).to_numpy(dtype="float64"), 0.0)
    claimed = claimable["claimed_t"].to_numpy(dtype="float64")
    beyond = claimed - kept > CLAIM_TOLERANCE_T
    over = claimable[beyond]
    messages = [msg("the claims register takes {claimed:.3f} t CO2e of this plot-year's reduction ({year}), but the "
                    "official run now gives {kept:.3f} t: tell the claimants that {excess:.3f} t are claimed beyond "
                    "it, and have their programmes revise the claims", claimed=float(c), year=int(y), kept=float(k),
                    excess=float(c - k))
                for c, y, k in zip(claimed[beyond], over["year"], kept[beyond])]
    return pd.DataFrame({
        "rule": "claims_beyond_reduction", "severity": "error",
        "commune_code": over["commune_code"].astype(str).to_numpy(), "plot_id": over["plot_id"].astype(str).to_numpy(),
        "source_row": None, "value": claimed[beyond] - kept[beyond], "message": _messages(messages),
    }, columns=FINDING_COLUMNS)


def estimate_gaps(status: pd.DataFrame) -> pd.DataFrame:
    """A crop with area in a commune that the provincial estimate cannot cover (an error):
    no practice profile of the crop adopted there, or adoption shares that do not add up
    to 100 %; and age classes of a crop that add up to more than its area (an error).
    `status` is `mrv.estimate_status`."""
    crops = catalogues.table("crops")["name_vi"]
    gaps = status[(status["area_ha"].fillna(0) > 0).to_numpy() & (status["status"] != "estimated").to_numpy()]
    messages = [msg("{crop}: no practice profile of the crop is adopted in the commune, so the provincial estimate "
                    "leaves its area out: add the commune's adoption shares (and a practice profile of the crop)",
                    crop=crops.get(crop, crop))
                if state == "no practice data" else
                msg("{crop}: the commune's adoption shares do not add up to 100 %: correct them in the adoption sheet",
                    crop=crops.get(crop, crop))
                for crop, state in zip(gaps["crop"].astype(str), gaps["status"])]
    found = _findings("estimate_gap", "error", gaps, gaps["area_ha"].to_numpy(dtype="float64"), "")
    found = found.assign(message=_messages(messages))
    if "age_class_ha" not in status:
        return found
    over = status[(status["age_class_ha"].fillna(0) > status["area_ha"].fillna(0) * (1 + 1e-9)).to_numpy()]
    planted = _findings("age_classes_exceed_area", "error", over, over["age_class_ha"].to_numpy(dtype="float64"), "")
    areas = [format(area, ",.1f").replace(",", " ") for area in over["area_ha"].fillna(0)]  # 1 200.0 in either language
    planted = planted.assign(message=_messages(
        msg("{crop}: the age classes add up to more than the commune's area of the crop ({area} ha): correct the "
            "classes or the crop's area", crop=crops.get(crop, crop), area=area)
        for crop, area in zip(over["crop"].astype(str), areas)))
    return pd.concat([found, planted], ignore_index=True)


def factors_to_check(results: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Factors still marked 'to check' that the results used (a warning: compare them with
    their source, then mark them confirmed)."""
    used = set(used_factor_ids(results["factor_ids"].astype(str).unique()))
    rows = factor_profile(profile).rows
    pending = sorted(rows.loc[rows["id"].isin(used) & (rows["status"] == "to check"), "id"])
    return pd.DataFrame({"rule": "factor_to_check", "severity": "warning", "commune_code": None, "plot_id": None,
                         "source_row": None, "value": pending,
                         "message": _messages([msg("factor still marked 'to check': compare it with its source")]
                                              * len(pending))}, columns=FINDING_COLUMNS)


#: The profile of the national factors (QĐ 2626/QĐ-BTNMT, then IPCC 2006 where it is silent).
NATIONAL_PROFILE = "vn2022"


def implied_factors(results: pd.DataFrame) -> pd.DataFrame:
    """Implied emission factor of each source, gas and input type: Σ gas mass / Σ activity
    (kg gas per unit of `activity_unit`)."""
    sums = results.groupby(["source", "gas", "input_type", "activity_unit"], observed=True)[
        ["mass_kg", "activity_amount"]].sum()
    return (sums["mass_kg"] / sums["activity_amount"]).rename("implied").reset_index()


def implied_ef_vs_national(activity: pd.DataFrame, results: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Implied emission factors of the run that differ from the national profile's on the
    same activity by more than the limit (`implied_ef_vs_national`, a warning: explain the
    difference, e.g. IPCC 2019 against the 2006 defaults QĐ 2626 keeps)."""
    if profile == NATIONAL_PROFILE or results.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    keys = ["source", "gas", "input_type", "activity_unit"]
    both = implied_factors(results).merge(implied_factors(calculate_activity(activity, NATIONAL_PROFILE)),
                                          on=keys, suffixes=("", "_national"))
    both = both.astype({key: str for key in keys})
    limit = catalogues.table("qa_limits").query("rule == 'implied_ef_vs_national'").iloc[0]
    difference = (both["implied"] / both["implied_national"] - 1) * 100
    off = both[(difference.abs() > limit["high"]).to_numpy()]
    messages = [msg("{source} {gas} {input}: {implied} kg {gas}/{unit} against {national} with the national factors "
                    "({profile}): explain the difference", source=row.source, gas=row.gas, input=row.input_type,
                    implied=format(row.implied, ".4g"), unit=row.activity_unit, national=format(row.implied_national,
                                                                                                ".4g"),
                    profile=NATIONAL_PROFILE)
                for row in off.itertuples()]
    return pd.DataFrame({"rule": "implied_ef_vs_national", "severity": limit["severity"], "commune_code": None,
                         "plot_id": None, "source_row": None, "value": difference[off.index].round(1).to_numpy(),
                         "message": _messages(messages)}, columns=FINDING_COLUMNS)


def _source_activities() -> list[str]:
    """The activities behind the sources (sources.csv `activity`), in order."""
    return list(dict.fromkeys(catalogues.table("sources")["activity"].dropna()))


def occurrence(activity: pd.DataFrame) -> pd.Series:
    """For each activity behind a source: `occurs` (a record with a quantity above 0),
    `NO` (only records of 0: it did not occur, and someone said so) or `NE` (no record:
    not estimated)."""
    kinds = activity["activity"].astype(str).to_numpy()
    given = activity["quantity_value"].to_numpy()
    state = {}
    for kind in _source_activities():
        mine = kinds == kind
        state[kind] = "occurs" if (given[mine] > 0).any() else "NO" if mine.any() else "NE"
    return pd.Series(state, name="occurrence")


def not_recorded(activity: pd.DataFrame) -> pd.DataFrame:
    """An activity with no record in the year (a warning): with a record of 0 where it did
    not occur it is reported NO, without one NE."""
    state = occurrence(activity)
    missing = state.index[state == "NE"]
    names = catalogues.table("activities")["name_vi"]
    return pd.DataFrame({"rule": "activity_not_recorded", "severity": "warning", "commune_code": None, "plot_id": None,
                         "source_row": None, "value": list(missing),
                         "message": _messages(msg("no {activity} record in the year: record '{name}' with quantity 0 "
                                                  "on plots where it did not occur (reported NO); otherwise it is "
                                                  "reported NE", activity=kind, name=names[kind])
                                              for kind in missing)}, columns=FINDING_COLUMNS)


def run_checks(activity: pd.DataFrame, results: pd.DataFrame, pilots: pd.DataFrame, year: int,
               profile: str, estimate_status: pd.DataFrame | None = None,
               claimable: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every rule on a year's data; one row per finding, errors first. With
    `estimate_status` (`mrv.estimate_status`), the provincial estimate's gaps too; with
    `claimable` (`claims_beyond_reduction`), the claims the official run no longer backs."""
    found = [f for f in (n_rate(activity), diesel_rate(activity), yield_range(activity), burnt_area(activity),
                         rice_area(activity), managed_area(activity),
                         tree_stock_fell(results), duplicates(activity), probable_corrections(activity),
                         harvest_missing(activity, pilots, year),
                         pilot_without_data(activity, pilots, year), not_recorded(activity),
                         factors_to_check(results, profile), implied_ef_vs_national(activity, results, profile),
                         *([] if estimate_status is None else [estimate_gaps(estimate_status)]),
                         *([] if claimable is None else [claims_beyond_reduction(claimable)]))
             if len(f)]
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=FINDING_COLUMNS)
    order = table["severity"].map({"error": 0, "warning": 1})
    return table.assign(_order=order).sort_values(["_order", "rule"], kind="stable").drop(columns="_order") \
        .reset_index(drop=True)
