"""Every QA/QC rule with a failing and a passing example."""

from __future__ import annotations

import pandas as pd

import mrv
from tests.helpers import plots_frame, records_frame


def findings(plots, records, pilots=None, year=2025):
    activity = mrv.normalize(plots, records)
    results = mrv.calculate_activity(activity)
    pilots = pilots if pilots is not None else pd.DataFrame(columns=["pilot_model_id", "plot_id", "role", "commune_code"])
    table = mrv.run_checks(activity, results, pilots, year, "ipcc2019")
    return table[table["rule"] != "factor_to_check"]


def urea(kg, plot="P1", **extra):
    return {"plot_id": plot, "activity": "fertiliser", "product": "urea", "quantity": kg, "unit": "kg", **extra}


def test_n_rate_warns_above_500_and_errs_above_1500_per_ha():
    plots = plots_frame({"area": "2"})
    assert findings(plots, records_frame(urea(2000))).empty  # 920 kg N on 2 ha = 460 kg N/ha
    warned = findings(plots, records_frame(urea(2400)))  # 1 104 kg N on 2 ha = 552 kg N/ha
    assert list(warned[["rule", "severity"]].itertuples(index=False, name=None)) == [("n_rate_high", "warning")]
    assert warned["value"].iloc[0] == 2400 * 0.46 / 2
    failed = findings(plots, records_frame(urea(7000)))  # 1 610 kg N/ha
    assert list(failed["severity"]) == ["error"]


def test_burnt_area_larger_than_the_plot():
    plots = plots_frame({"crop": "sugarcane", "area": "1"})
    ok = records_frame({"plot_id": "P1", "activity": "residue_burning", "quantity": "1", "unit": "ha"})
    bad = records_frame({"plot_id": "P1", "activity": "residue_burning", "quantity": "12", "unit": "sào nam"})
    assert findings(plots, ok).empty
    assert list(findings(plots, bad)["rule"]) == ["burnt_area_exceeds_plot"]


def test_duplicate_records():
    plots = plots_frame({})
    assert findings(plots, records_frame(urea(100), urea(120))).empty
    found = findings(plots, records_frame(urea(100), urea(100)))
    assert list(found["rule"]) == ["duplicate_record"] and list(found["source_row"]) == [3]


def test_pilot_plots_need_a_harvest_and_pilot_models_need_data():
    plots = plots_frame({}, {})
    pilots = pd.DataFrame({"pilot_model_id": ["M", "M", "N"], "plot_id": ["P1", "P2", "P9"],
                           "role": ["pilot", "control", "pilot"], "commune_code": "24133"})
    harvest = {"activity": "harvest", "product": "cà phê nhân", "quantity": "2", "unit": "tấn"}
    complete = records_frame(urea(100), {"plot_id": "P1", **harvest}, urea(100, "P2"), {"plot_id": "P2", **harvest})
    found = findings(plots, complete, pilots)
    assert list(found["rule"]) == ["harvest_missing", "pilot_model_without_data"]  # only P9 of model N
    assert list(found["plot_id"])[0] == "P9" and list(found["value"])[1] == "N"
    partial = records_frame(urea(100), {"plot_id": "P1", **harvest}, urea(100, "P2"))
    rules = findings(plots, partial, pilots)
    assert (rules["rule"] == "harvest_missing").sum() == 2 and set(rules.loc[rules["rule"] == "harvest_missing",
                                                                          "plot_id"]) == {"P2", "P9"}


def test_factors_still_to_check_are_listed():
    activity = mrv.normalize(plots_frame({}), records_frame(urea(100)))
    results = mrv.calculate_activity(activity)
    table = mrv.run_checks(activity, results, pd.DataFrame(columns=["pilot_model_id", "plot_id", "role",
                                                                    "commune_code"]), 2025, "ipcc2019")
    pending = set(table.loc[table["rule"] == "factor_to_check", "value"])
    assert "ipcc2006.EF_urea" in pending and "ipcc2019.EF1.wet.F_SN" not in pending  # confirmed rows are not listed
