"""The carbon-credit balance of a cooperative or zone over a monitoring period (plan task
VI.4), in the structure of Verra's VM0042 (parameters: `mrv.factors.load_crediting`):

    ER   = baseline − project emissions of its pilot plot-years          (reductions)
    CR   = removals of its pilot plots less their baseline's               (removals)
    UNC  = UNC_ER + UNC_CR,  UNC_X = u_X × max(X, 0) for each quantity the deduction applies
           to (0 for the others), u_X the relative half-width of X's interval
    LK   = leakage share × (ER + CR − UNC)
    BUF  = non-permanence risk × max((CR − UNC_CR) × (1 − leakage share), 0)   (removals only)
    credits = ER + CR − UNC − LK − BUF

A parameter not set (None) leaves every step after it unknown (NaN): never assumed zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns the balance is given per year.
BALANCE_INPUTS = ["year", "baseline_t", "project_t", "removals_t", "u_reductions", "u_removals"]
#: Columns of `credit_balance`.
BALANCE_COLUMNS = ["year", "baseline_t", "project_t", "reductions_t", "removals_t", "uncertainty_t", "leakage_t",
                   "buffer_t", "credits_t"]
PERCENT = 100.0


def credit_balance(years: pd.DataFrame, parameters: dict) -> pd.DataFrame:
    """The balance of the module's equations per year of `years` (`BALANCE_INPUTS`, t CO2e
    and relative half-widths) under `parameters` (`load_crediting`), then the period's
    total (year 'total': the sum of the years, step by step)."""
    applies = set(parameters["uncertainty"]["applies_to"])
    leakage = parameters["leakage"]["share_pct"]
    risk = parameters["buffer"]["non_permanence_risk_pct"]
    share = np.nan if leakage is None else leakage / PERCENT
    rating = np.nan if risk is None else risk / PERCENT
    reductions = years["baseline_t"].to_numpy(dtype="float64") - years["project_t"].to_numpy(dtype="float64")
    removals = years["removals_t"].to_numpy(dtype="float64")
    off_reductions = (years["u_reductions"].to_numpy(dtype="float64") * np.maximum(reductions, 0.0)
                      if "reductions" in applies else np.zeros(len(years)))
    off_removals = (years["u_removals"].to_numpy(dtype="float64") * np.maximum(removals, 0.0)
                    if "removals" in applies else np.zeros(len(years)))
    uncertainty = off_reductions + off_removals
    leaked = share * (reductions + removals - uncertainty)
    kept_removals = (removals - off_removals) * (1 - share)
    buffer = rating * np.maximum(kept_removals, 0.0)
    table = pd.DataFrame({
        "year": years["year"].astype(str).to_numpy(), "baseline_t": years["baseline_t"].to_numpy(dtype="float64"),
        "project_t": years["project_t"].to_numpy(dtype="float64"), "reductions_t": reductions,
        "removals_t": removals, "uncertainty_t": uncertainty, "leakage_t": leaked, "buffer_t": buffer,
        "credits_t": reductions + removals - uncertainty - leaked - buffer})
    total = table.drop(columns="year").sum(min_count=1, skipna=False).to_frame().T.assign(year="total")
    return pd.concat([table, total], ignore_index=True)[BALANCE_COLUMNS]
