"""Pilot reductions against control plots or own baseline years, and roll-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mrv
from tests.helpers import plots_frame, records_frame
from tests.test_properties import farms

#: kg CO2e (AR5) of 1 kg urea on a wet, unirrigated plot under ipcc2019: N2O from
#: 0.46 kg N — direct 0.016, volatilised 0.15 × EF4 0.014, leached 0.24 × EF5 0.011 —
#: × 44/28 × 265, plus urea CO2 0.20 × 44/12.
E = 0.46 * (0.016 + 0.15 * 0.014 + 0.24 * 0.011) * 44 / 28 * 265 + 0.20 * 44 / 12


def typed(value: float) -> str:
    """A number as typed with a comma decimal and ten decimals (never ambiguous)."""
    return f"{value:.10f}".replace(".", ",")


def urea(plot: str, kg: float, year: int = 2025) -> dict:
    return {"plot_id": plot, "year": year, "activity": "fertiliser", "product": "urea", "quantity": typed(kg),
            "unit": "kg"}


def harvest(plot: str, tonnes: float, year: int = 2025) -> dict:
    return {"plot_id": plot, "year": year, "activity": "harvest", "product": "cà phê nhân", "quantity": typed(tonnes),
            "unit": "tấn"}


def calculate(plot_areas: dict[str, float], records: list[dict]):
    plots = plots_frame(*({"area": typed(area)} for area in plot_areas.values()))
    plots["plot_id"] = list(plot_areas)
    frame = records_frame(*records)
    return mrv.calculate(plots, frame), mrv.normalize(plots, frame)


def pilots(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["pilot_model_id", "plot_id", "role", "area_ha", "start_year"])


def test_reduction_against_the_control_plots_per_ha_and_per_tonne():
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), harvest("C", 6), urea("P", 50), harvest("P", 2.5)])
    table = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", 2, 2025), ("M", "P", "pilot", 1, 2025)]))
    row = table.iloc[0]
    # control: 200 kg urea on 2 ha → 100 E kg CO2e/ha; pilot baseline 1 ha × 100 E; project 50 E
    assert row["baseline_method"] == "control"
    assert row["baseline_t"] == pytest.approx(100 * E / 1000, rel=1e-9)
    assert row["reduction_t"] == pytest.approx(50 * E / 1000, rel=1e-9)
    assert row["reduction_t_per_ha"] == pytest.approx(50 * E / 1000, rel=1e-9)
    # intensities: control 200 E kg / 6 t; pilot 50 E kg / 2.5 t = 20 E kg per t
    assert row["reduction_t_per_t"] == pytest.approx((200 * E / 6 - 20 * E) / 1000, rel=1e-9)
    assert row["per_tonne_holds"]


def test_a_yield_drop_is_not_a_reduction_per_tonne():
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), harvest("C", 6), urea("P", 50), harvest("P", 1)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", 2, 2025),
                                                          ("M", "P", "pilot", 1, 2025)])).iloc[0]
    # 50 E kg / 1 t = 50 E per t, above the control's 33.3 E per t
    assert row["reduction_t"] > 0 and not row["per_tonne_holds"]
    assert row["reduction_t_per_t"] == pytest.approx((200 * E / 6 - 50 * E) / 1000, rel=1e-9)


def test_own_baseline_years_when_there_is_no_control():
    results, activity = calculate({"P": 1}, [urea("P", 100, 2023), urea("P", 80, 2024), urea("P", 60, 2025)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "P", "pilot", 1, 2025)])).iloc[0]
    # baseline: mean of 2023 and 2024 = 90 E kg/ha; project 60 E
    assert row["baseline_method"] == "own baseline years"
    assert row["reduction_t"] == pytest.approx(30 * E / 1000, rel=1e-9)


def test_no_baseline_is_missing_never_zero():
    results, activity = calculate({"P": 1}, [urea("P", 60)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "P", "pilot", 1, 2025)])).iloc[0]
    assert row["baseline_method"] is None and np.isnan(row["reduction_t"]) and np.isnan(row["baseline_t"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 800), st.floats(0.2, 5), st.floats(0.2, 5), st.floats(0.5, 5))
def test_the_same_practice_per_ha_reduces_nothing(kg_per_ha, pilot_ha, control_ha, t_per_ha):
    pilot_ha, control_ha = round(pilot_ha, 2), round(control_ha, 2)
    results, activity = calculate({"C": control_ha, "P": pilot_ha}, [
        urea("C", kg_per_ha * control_ha), harvest("C", t_per_ha * control_ha),
        urea("P", kg_per_ha * pilot_ha), harvest("P", t_per_ha * pilot_ha)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", control_ha, 2025),
                                                          ("M", "P", "pilot", pilot_ha, 2025)])).iloc[0]
    assert row["reduction_t"] == pytest.approx(0, abs=1e-9 * row["baseline_t"])
    assert row["reduction_t_per_t"] == pytest.approx(0, abs=1e-9 * row["baseline_t_per_t"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(farms(min_plots=2, max_plots=5))
def test_rollup_totals_equal_the_sum_of_their_parts(farm):
    plots, records = farm
    plots = [{**p, "commune_code": str(24100 + i % 3)} for i, p in enumerate(plots)]
    results = mrv.calculate(plots_frame(*plots), records_frame(*records))
    by_commune = mrv.rollup(results, by=("commune_code",))
    by_crop_source = mrv.rollup(results, by=("crop", "source", "gas"))
    province = mrv.rollup(results, by=())
    for boundary, total in province.set_index("boundary")["co2e_kg"].items():
        assert by_commune.loc[by_commune["boundary"] == boundary, "co2e_kg"].sum() == pytest.approx(total, rel=1e-9)
        assert by_crop_source.loc[by_crop_source["boundary"] == boundary, "co2e_kg"].sum() == pytest.approx(total, rel=1e-9)
    assert province["co2e_kg"].sum() == pytest.approx(results["co2e_kg"].sum(), rel=1e-9)
    # a row for every combination that occurs, and none for one that does not (no zero rows)
    occurring = results.astype({c: str for c in ("crop", "source", "gas", "boundary")}).groupby(
        ["crop", "source", "gas", "boundary"]).ngroups
    assert len(by_crop_source) == occurring


def test_the_crops_conventional_practice_when_there_is_neither_control_nor_own_baseline():
    results, activity = calculate({"P": 2}, [urea("P", 60)])
    table = pilots([("M", "P", "pilot", 2, 2025)]).assign(crop="coffee")
    row = mrv.pilot_reductions(results, activity, table, conventional_per_ha=pd.Series({"coffee": 0.3 * E})).iloc[0]
    # conventional coffee: 300 kg urea per ha = 0.3 E t/ha; 2 ha → 0.6 E t; project 60 E kg
    assert row["baseline_method"] == "conventional practice"
    assert row["reduction_t"] == pytest.approx(0.6 * E - 0.06 * E, rel=1e-9)
    assert np.isnan(row["reduction_t_per_t"])  # no harvest recorded: no intensity, not a zero one


def test_a_removal_on_a_pilot_or_control_plot_is_not_netted_into_its_emissions():
    """Trees growing on a plot remove CO2 (a negative row); a reduction compares emissions,
    so the removal is reported apart and never lowers the plot's emissions."""
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), urea("P", 50)])
    removal = results.iloc[[0, 0]].copy()
    removal["plot_id"] = pd.Categorical(["P", "C"], categories=results["plot_id"].cat.categories)
    removal[["mass_kg", "co2e_kg"]] = -10_000.0  # 10 t CO2 taken up on each plot
    with_removals = pd.concat([results, removal], ignore_index=True)
    row = mrv.pilot_reductions(with_removals, activity, pilots([("M", "C", "control", 2, 2025),
                                                                ("M", "P", "pilot", 1, 2025)])).iloc[0]
    # as without the removals: baseline 1 ha × 100 E kg, project 50 E kg
    assert row["baseline_t"] == pytest.approx(100 * E / 1000, rel=1e-9)
    assert row["project_t"] == pytest.approx(50 * E / 1000, rel=1e-9)


def test_production_is_the_crops_intensity_product_only():
    """Coffee's intensity is per tonne of green bean (cà phê nhân): 10 t of fresh cherry
    harvested beside 2 t of green bean leave production at 2 t."""
    cherry = {**harvest("P", 10), "product": "cà phê tươi"}
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), harvest("C", 6), urea("P", 50), harvest("P", 2),
                                                     cherry])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", 2, 2025),
                                                          ("M", "P", "pilot", 1, 2025)])).iloc[0]
    assert row["production_t"] == pytest.approx(2, rel=1e-12)
    # control 200 E kg / 6 t; pilot 50 E kg / 2 t = 25 E kg per t
    assert row["reduction_t_per_t"] == pytest.approx((200 * E / 6 - 25 * E) / 1000, rel=1e-9)


def test_the_control_comes_before_the_crops_conventional_practice():
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), urea("P", 50)])
    table = pilots([("M", "C", "control", 2, 2025), ("M", "P", "pilot", 1, 2025)]).assign(crop="coffee")
    row = mrv.pilot_reductions(results, activity, table, conventional_per_ha=pd.Series({"coffee": 0.3 * E})).iloc[0]
    # control: 100 E kg/ha, not the conventional 300 E kg/ha
    assert row["baseline_method"] == "control"
    assert row["baseline_t"] == pytest.approx(100 * E / 1000, rel=1e-9)


def test_every_year_from_the_models_start_is_a_pilot_year():
    """A model started in 2024: its 2024 and 2025 are pilot years, 2023 a baseline year."""
    records = [urea("P", 90, 2023), urea("P", 70, 2024), urea("P", 60, 2025)]
    results, activity = calculate({"P": 1}, records)
    table = mrv.pilot_reductions(results, activity, pilots([("M", "P", "pilot", 1, 2024)]))
    assert list(table["year"]) == [2024, 2025]
    # baseline: 2023's 90 E kg/ha; reductions 20 E and 30 E kg
    assert list(table["reduction_t"]) == pytest.approx([20 * E / 1000, 30 * E / 1000], rel=1e-9)


def test_own_baseline_years_are_per_hectare():
    """2 ha: 180 kg urea in 2024 is 90 kg/ha; in 2025, 120 kg on the 2 ha."""
    results, activity = calculate({"P": 2}, [urea("P", 180, 2024), urea("P", 120, 2025)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "P", "pilot", 2, 2025)])).iloc[0]
    # baseline 90 E kg/ha × 2 ha = 180 E kg; project 120 E kg
    assert row["baseline_t"] == pytest.approx(180 * E / 1000, rel=1e-9)
    assert row["reduction_t_per_ha"] == pytest.approx(30 * E / 1000, rel=1e-9)


def test_the_same_emissions_per_tonne_is_no_reduction_per_tonne():
    # control 200 E kg / 4 t = 50 E per t; pilot 50 E kg / 1 t = 50 E per t
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), harvest("C", 4), urea("P", 50), harvest("P", 1)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", 2, 2025),
                                                          ("M", "P", "pilot", 1, 2025)])).iloc[0]
    assert row["reduction_t_per_t"] == pytest.approx(0, abs=1e-12) and row["per_tonne_holds"] is False


def test_a_harvest_of_nothing_has_no_intensity():
    """0 t harvested: emissions per tonne are undefined (NaN), never infinite."""
    results, activity = calculate({"C": 2, "P": 1}, [urea("C", 200), harvest("C", 0), urea("P", 50), harvest("P", 0)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", 2, 2025),
                                                          ("M", "P", "pilot", 1, 2025)])).iloc[0]
    assert np.isnan(row["baseline_t_per_t"]) and np.isnan(row["project_t_per_t"])
    assert row["per_tonne_holds"] is None


def test_own_baseline_years_give_the_intensity_too():
    # 2024: 90 E kg / 3 t = 30 E kg per t; 2025: 60 E kg / 2,5 t = 24 E kg per t
    results, activity = calculate({"P": 1}, [urea("P", 90, 2024), harvest("P", 3, 2024), urea("P", 60, 2025),
                                             harvest("P", 2.5, 2025)])
    row = mrv.pilot_reductions(results, activity, pilots([("M", "P", "pilot", 1, 2025)])).iloc[0]
    assert row["baseline_t_per_t"] == pytest.approx(30 * E / 1000, rel=1e-9)
    assert row["reduction_t_per_t"] == pytest.approx(6 * E / 1000, rel=1e-9) and row["per_tonne_holds"]


def test_a_removal_of_under_a_kilogram_is_not_netted_either():
    """Emissions are the rows of zero or more kg: a removal of 0.4 kg CO2 is as much a
    removal as one of 10 t. 2 kg of urea on plot P give 2 E kg CO2e."""
    results, _ = calculate({"P": 1}, [urea("P", 2)])
    removal = results.iloc[[0]].copy()
    removal[["mass_kg", "co2e_kg"]] = -0.4
    table = mrv.emissions_by_plot(pd.concat([results, removal], ignore_index=True))
    assert table["emissions_t"].tolist() == pytest.approx([2 * E / 1000], rel=1e-9)


def test_production_keeps_no_other_form_of_the_crop_whatever_its_name():
    """Only the intensity product counts, compared by identity: a form of coffee the
    catalogue may gain, such as parchment (cà phê thóc, whose id sorts after green bean),
    is not production. 1.5 t of green bean and 3 t of parchment on P: 1.5 t."""
    activity = pd.DataFrame({"plot_id": ["P", "P"], "year": [2025, 2025], "activity": ["harvest", "harvest"],
                             "crop": ["coffee", "coffee"], "product": ["coffee-green-bean", "coffee-parchment"],
                             "harvest_kg": [1500.0, 3000.0], "intercrop": [None, None], "intercrop_share": [0.0, 0.0]})
    assert mrv.production_by_plot(activity)["production_t"].tolist() == [1.5]


def intercropped(intercrop: str, share: str, records: list[dict], control: bool = False):
    """Plot P, 1 ha of coffee with `intercrop` on `share` of it (and, with `control`, plot C:
    2 ha of coffee alone)."""
    plots = plots_frame({"plot_id": "P", "area": "1", "intercrop": intercrop, "intercrop_share": share},
                        *([{"plot_id": "C", "area": "2"}] if control else []))
    frame = records_frame(*records)
    return mrv.calculate(plots, frame), mrv.normalize(plots, frame)


def test_an_intercrops_harvest_gives_its_own_intensity_by_area_share():
    """1 ha of coffee with durian on 20 % of it: 100 kg urea (100 E kg CO2e), 2 t green
    coffee and 3 t durian fruit. Coffee bears 80 % of the plot's emissions: 80 E kg / 2 t
    = 40 E kg per t; durian 20 %: 20 E kg / 3 t = 6.667 E kg per t."""
    fruit = {"plot_id": "P", "activity": "harvest", "product": "quả sầu riêng", "quantity": "3", "unit": "tấn"}
    results, activity = intercropped("sầu riêng", "20", [urea("P", 100), harvest("P", 2), fruit])
    table = mrv.crop_intensities(results, activity).set_index("crop")
    assert table.loc["coffee", "share"] == pytest.approx(0.8) and table.loc["durian", "share"] == pytest.approx(0.2)
    assert table.loc["coffee", "t_per_t"] == pytest.approx(0.8 * 100 * E / 1000 / 2, rel=1e-9)
    assert table.loc["durian", "t_per_t"] == pytest.approx(0.2 * 100 * E / 1000 / 3, rel=1e-9)
    assert table["emissions_t"].sum() == pytest.approx(100 * E / 1000, rel=1e-9)
    assert table["production_t"].tolist() == [2, 3]
    # the main crop's production alone, with its share
    assert mrv.production_by_plot(activity)[["production_t", "share"]].values.tolist() == [[2, pytest.approx(0.8)]]


def test_a_pilot_plots_reduction_per_tonne_counts_its_main_crops_share_only():
    """Control C: 2 ha coffee, 200 kg urea, 6 t: 200 E / 6 kg per t. Pilot P: 1 ha coffee with
    pepper on 25 %, 50 kg urea, 2.5 t coffee: 0.75 × 50 E / 2.5 = 15 E kg per t. Per hectare
    the whole plot counts: baseline 100 E, project 50 E."""
    results, activity = intercropped("tiêu", "0,25", [urea("C", 200), harvest("C", 6), urea("P", 50),
                                                      harvest("P", 2.5)], control=True)
    row = mrv.pilot_reductions(results, activity, pilots([("M", "C", "control", 2, 2025),
                                                          ("M", "P", "pilot", 1, 2025)])).iloc[0]
    assert row["reduction_t"] == pytest.approx(50 * E / 1000, rel=1e-9)
    assert row["project_t_per_t"] == pytest.approx(15 * E / 1000, rel=1e-9)
    assert row["reduction_t_per_t"] == pytest.approx((200 * E / 6 - 15 * E) / 1000, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(percent=st.integers(2, 99), kg=st.integers(1, 500))  # "1" would read as the fraction 1
def test_allocation_to_a_plots_crops_adds_up_to_its_emissions(percent, kg):
    results, activity = intercropped("tiêu", str(percent), [urea("P", kg), harvest("P", 1)])
    table = mrv.crop_intensities(results, activity)
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["emissions_t"].sum() == pytest.approx(mrv.emissions_by_plot(results)["emissions_t"].sum(), rel=1e-9)


@pytest.mark.parametrize(("plot", "product", "column", "expected"), [
    ({"intercrop": "sầu riêng", "intercrop_share": ""}, "cà phê nhân", "intercrop_share", "share of the area"),
    ({"intercrop": "sầu riêng", "intercrop_share": "100"}, "cà phê nhân", "intercrop_share", "below the whole plot"),
    ({"intercrop": "", "intercrop_share": "20"}, "cà phê nhân", "intercrop", "intercrop share is of"),
    ({"intercrop": "cà phê", "intercrop_share": "20"}, "cà phê nhân", "intercrop", "other than the plot's crop"),
    ({}, "quả sầu riêng", "product", "or of its intercrop"),
])
def test_an_intercrop_is_named_with_its_share_and_only_its_harvest_is_accepted(plot, product, column, expected):
    crop = {"plot_id": "P1", "activity": "harvest", "product": product, "quantity": "3", "unit": "tấn"}
    with pytest.raises(mrv.InputError) as caught:
        mrv.normalize(plots_frame(plot), records_frame(crop))
    assert [(p.column, expected in str(p.expected)) for p in caught.value.problems] == [(column, True)]
