"""QA/QC checks of a year's data (IPCC 2006 Vol. 1 Ch. 6), as named rules with a severity:
an error blocks the year, a warning needs a comment. Each rule is a pure function of the
activity frame (and the pilot plots, and the results); limits come from
`factors/catalogue/qa_limits.csv` with their source."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._factors import factor_profile

FINDING_COLUMNS = ["rule", "severity", "commune_code", "plot_id", "source_row", "value", "message"]


def _findings(rule: str, severity: str, frame: pd.DataFrame, value, message: str) -> pd.DataFrame:
    return pd.DataFrame({
        "rule": rule, "severity": severity,
        "commune_code": frame["commune_code"].astype(str).to_numpy() if "commune_code" in frame else None,
        "plot_id": frame["plot_id"].astype(str).to_numpy() if "plot_id" in frame else None,
        "source_row": frame["source_row"].to_numpy() if "source_row" in frame else None,
        "value": value, "message": message,
    }, columns=FINDING_COLUMNS)


def n_rate(activity: pd.DataFrame) -> pd.DataFrame:
    """N applied per hectare and year above the plausibility limits (`n_rate_high`)."""
    n_columns = ["n_urea_kg", "n_ammonium_kg", "n_nitrate_kg", "n_organic_kg"]
    per_plot = activity.assign(n_kg=activity[n_columns].sum(axis=1)).groupby(
        [activity["plot_id"].astype(str), "year"], observed=True).agg(
        n_kg=("n_kg", "sum"), area=("plot_area_ha", "first"), commune_code=("commune_code", "first")).reset_index()
    per_plot["rate"] = per_plot["n_kg"] / per_plot["area"]
    limits = catalogues.table("qa_limits")
    limits = limits[limits["rule"] == "n_rate_high"].sort_values("high", ascending=False)
    found, flagged = [], np.zeros(len(per_plot), dtype=bool)
    for _, limit in limits.iterrows():
        over = (per_plot["rate"] > limit["high"]).to_numpy() & ~flagged
        flagged |= over
        found.append(_findings("n_rate_high", limit["severity"], per_plot[over], per_plot.loc[over, "rate"].to_numpy(),
                               f"N applied above {limit['high']:g} kg N/ha a year: check the units and decimal marks"))
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=FINDING_COLUMNS)


def burnt_area(activity: pd.DataFrame) -> pd.DataFrame:
    """Residue burnt on more area than the plot has (an error)."""
    burnt = activity.groupby([activity["plot_id"].astype(str), "year"], observed=True).agg(
        burnt=("burnt_area_ha", "sum"), area=("plot_area_ha", "first"), commune_code=("commune_code", "first"))
    over = burnt[burnt["burnt"] > burnt["area"] * (1 + 1e-9)].reset_index()
    return _findings("burnt_area_exceeds_plot", "error", over, over["burnt"].to_numpy(),
                     "area burnt is larger than the plot: check the unit (ha, sào) or the plot's area")


def duplicates(activity: pd.DataFrame) -> pd.DataFrame:
    """The same record twice: same plot, year, date, activity, product, quantity and unit."""
    keys = ["plot_id", "year", "date", "activity", "product", "quantity_text", "unit_text"]
    twice = activity[activity[keys].astype(str).duplicated(keep="first").to_numpy()]
    return _findings("duplicate_record", "warning", twice, twice["quantity_text"].astype(str).to_numpy(),
                     "this record repeats an earlier one: delete it, or give both a record_id if both happened")


def harvest_missing(activity: pd.DataFrame, pilots: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every pilot and control plot needs a harvest record for intensities (an error)."""
    harvested = set(activity.loc[(activity["activity"] == "harvest") & (activity["year"] == year), "plot_id"].astype(str))
    missing = pilots[~pilots["plot_id"].astype(str).isin(harvested)]
    return _findings("harvest_missing", "error", missing, missing["role"].to_numpy(),
                     "no harvest record for this pilot/control plot in the year: record the harvest")


def pilot_without_data(activity: pd.DataFrame, pilots: pd.DataFrame, year: int) -> pd.DataFrame:
    """A pilot model none of whose plots has a record in the year (an error)."""
    recorded = set(activity.loc[activity["year"] == year, "plot_id"].astype(str))
    models = pilots.assign(has=pilots["plot_id"].astype(str).isin(recorded)).groupby("pilot_model_id").agg(
        has=("has", "any"), commune_code=("commune_code", "first")).reset_index()
    empty = models[~models["has"]]
    return _findings("pilot_model_without_data", "error", empty, empty["pilot_model_id"].to_numpy(),
                     "no record for any plot of this pilot model in the year")


def factors_to_check(results: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Factors still marked 'to check' that the results used (a warning: compare them with
    their source, then mark them confirmed)."""
    used = set("|".join(results["factor_ids"].astype(str).unique()).split("|")) - {""}
    rows = factor_profile(profile).rows
    pending = sorted(rows.loc[rows["id"].isin(used) & (rows["status"] == "to check"), "id"])
    return pd.DataFrame({"rule": "factor_to_check", "severity": "warning", "commune_code": None, "plot_id": None,
                         "source_row": None, "value": pending,
                         "message": "factor still marked 'to check': compare it with its source"}, columns=FINDING_COLUMNS)


def run_checks(activity: pd.DataFrame, results: pd.DataFrame, pilots: pd.DataFrame, year: int,
               profile: str) -> pd.DataFrame:
    """Every rule on a year's data; one row per finding, errors first."""
    found = [f for f in (n_rate(activity), burnt_area(activity), duplicates(activity),
                         harvest_missing(activity, pilots, year), pilot_without_data(activity, pilots, year),
                         factors_to_check(results, profile)) if len(f)]
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=FINDING_COLUMNS)
    order = table["severity"].map({"error": 0, "warning": 1})
    return table.assign(_order=order).sort_values(["_order", "rule"], kind="stable").drop(columns="_order") \
        .reset_index(drop=True)
