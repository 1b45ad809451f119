"""The provincial estimate: commune areas × practice profiles × adoption, and pilot
reductions scaled up with their sampling interval."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import mrv
from mrv._checks import estimate_gaps
from tests.helpers import plots_frame, records_frame
from tests.test_reductions import E

PROFILES = pd.DataFrame([
    {"profile_id": "conv", "crop": "coffee", "low_emission": False, "activity": "fertiliser", "product": "urea",
     "quantity": "300", "unit": "kg", "n_content": "", "use": ""},
    {"profile_id": "low", "crop": "coffee", "low_emission": True, "activity": "fertiliser", "product": "urea",
     "quantity": "100", "unit": "kg", "n_content": "", "use": ""},
])


def test_profile_emissions_per_ha():
    per_ha = mrv.profile_emissions(PROFILES, 2025)
    # 300 kg urea on 1 ha, wet, no irrigation: 300 E kg CO2e = 0.3 E t
    assert per_ha["conv"] == pytest.approx(0.3 * E, rel=1e-9) and per_ha["low"] == pytest.approx(0.1 * E, rel=1e-9)


def test_provincial_estimate_by_commune_with_missing_and_unbalanced_communes():
    per_ha = mrv.profile_emissions(PROFILES, 2025)
    reductions = pd.DataFrame({"pilot_model_id": ["M1", "M1", "M2"], "reduction_t_per_ha": [0.08, 0.12, 0.20]})
    pilot = mrv.pilot_reduction_per_ha(reductions, pd.Series({"M1": "coffee", "M2": "coffee"}))
    # model means 0.10 and 0.20: mean 0.15, sd 0.0707, SE 0.05, t(0.975, 1 df) = 12.706
    half = stats.t.ppf(0.975, 1) * np.std([0.10, 0.20], ddof=1) / np.sqrt(2)
    assert pilot.loc["coffee", "reduction_t_per_ha"] == pytest.approx(0.15)
    assert pilot.loc["coffee", "upper"] - 0.15 == pytest.approx(half)
    areas = pd.DataFrame({"commune_code": ["A", "C"], "crop": ["coffee", "coffee"], "area_ha": [100.0, 50.0]})
    adoption = pd.DataFrame({"commune_code": ["A", "A", "C", "C"], "profile_id": ["conv", "low", "conv", "low"],
                             "share": [0.8, 0.2, 0.6, 0.3]})
    table = mrv.provincial_estimate(["A", "B", "C"], areas, adoption, PROFILES, per_ha, pilot).set_index("commune_code")
    # A: 100 ha × (0.8 × 0.3 E + 0.2 × 0.1 E) = 26 E t; 20 ha low-emission × 0.15 t/ha = 3 t
    assert table.loc["A", "emissions_t"] == pytest.approx(26 * E, rel=1e-9)
    assert table.loc["A", "reduction_t"] == pytest.approx(3.0)
    assert table.loc["A", "reduction_upper_t"] == pytest.approx(20 * (0.15 + half))
    assert table.loc["B", "status"] == "missing" and np.isnan(table.loc["B", "emissions_t"])
    assert table.loc["C", "status"] == "shares do not add up to 100 %" and np.isnan(table.loc["C", "emissions_t"])


RICE = pd.DataFrame([
    {"profile_id": f"rice-{name}", "crop": "rice", "low_emission": low, "activity": "rice_season", "product": "",
     "quantity": "1", "unit": "ha", "n_content": "", "use": "", "season": "Đông Xuân", "days": "105",
     "water_regime": regime}
    for name, low, regime in (("conv", False, "ngập liên tục"), ("awd", True, "ướt khô xen kẽ"))])


def test_a_rice_profile_estimates_rice_methane_by_water_regime():
    per_ha = mrv.profile_emissions(RICE, 2025)
    # IPCC 2019 Eq. 5.1-5.3: EF_c 1.22 kg CH4/ha/day × SF_w × SF_p 1 × SF_o 1 × 105 days, × GWP 28 (AR5)
    # continuous flooding SF_w 1: 128.1 kg CH4 = 3.5868 t CO2e; multiple drainage (AWD) SF_w 0.55: 1.97274 t
    assert per_ha["rice-conv"] == pytest.approx(1.22 * 1.00 * 105 * 28 / 1000, rel=1e-9)
    assert per_ha["rice-awd"] == pytest.approx(1.22 * 0.55 * 105 * 28 / 1000, rel=1e-9)
    areas = pd.DataFrame({"commune_code": ["A", "A"], "crop": ["rice", "coffee"], "area_ha": [100.0, 10.0]})
    adoption = pd.DataFrame({"commune_code": ["A"] * 4, "profile_id": ["rice-conv", "rice-awd", "conv", "low"],
                             "share": [0.7, 0.3, 1.0, 0.0]})
    profiles = pd.concat([PROFILES, RICE], ignore_index=True)
    province = mrv.ProvinceYear(2025, pd.DataFrame(columns=list(mrv.schema.RESULT_COLUMNS)),
                                pd.DataFrame(columns=["activity", "plot_id", "year", "product", "crop", "intercrop",
                                                      "intercrop_share", "harvest_kg"]),
                                pd.DataFrame(columns=["pilot_model_id", "plot_id", "role", "area_ha", "start_year", "crop"]),
                                profiles, mrv.profile_results(profiles, 2025), areas, adoption, ["A"])
    estimate = province.estimate(mrv.pilot_reductions(province.results, province.activity, province.pilots))
    rice = estimate.set_index("crop").loc["rice"]
    # 100 ha × (0.7 × 3.5868 + 0.3 × 1.97274) = 100 × (2.51076 + 0.591822) = 310.2582 t CO2e; no rice pilot model
    assert rice["emissions_t"] == pytest.approx(310.2582, rel=1e-9) and np.isnan(rice["reduction_t"])
    rows = province.estimate_rows(estimate)
    assert rows.loc[rows["source"] == "rice_ch4", "co2e_kg"].sum() == pytest.approx(310_258.2, rel=1e-9)
    coverage = mrv.estimate_coverage(estimate, rows).set_index("crop")
    # coffee: 10 ha × (1.0 × 0.3 E) with urea's N2O and CO2; rice: its CH4 alone (no urea in these profiles)
    assert coverage.loc["rice", "sources"] == ["rice_ch4"] and not coverage.loc["rice", "reduction_estimated"]
    assert coverage.loc["coffee", "sources"] == ["n2o_direct", "n2o_indirect_volatilisation", "n2o_indirect_leaching",
                                                 "urea_co2"]
    assert list(coverage["area_ha"]) == list(coverage["estimated_ha"]) == [10.0, 100.0]


def test_perennial_age_classes_give_the_estimates_biomass_removals():
    classes = pd.DataFrame({"commune_code": ["A", "A", "A", "A", "B"],
                            "crop": ["coffee", "coffee", "coffee", "coffee", "durian"],
                            "planting_year": [2022, 2018, 2017, 2000, 2024], "area_ha": [100.0, 40.0, 30.0, 20.0, 10.0]})
    areas = pd.DataFrame({"commune_code": ["A", "B"], "crop": ["coffee", "durian"], "area_ha": [190.0, 5.0]})
    adoption = pd.DataFrame({"commune_code": ["A", "A"], "profile_id": ["conv", "low"], "share": [0.5, 0.5]})
    province = mrv.ProvinceYear(2025, pd.DataFrame(columns=list(mrv.schema.RESULT_COLUMNS)),
                                pd.DataFrame(columns=["activity", "plot_id", "year", "product", "crop", "intercrop",
                                                      "intercrop_share", "harvest_kg"]),
                                pd.DataFrame(columns=["pilot_model_id", "plot_id", "role", "area_ha", "start_year", "crop"]),
                                PROFILES, mrv.profile_results(PROFILES, 2025), areas, adoption, ["A", "B"],
                                classes, mrv.age_class_results(classes, 2025))
    rows = province.estimate_rows(province.estimate(mrv.pilot_reductions(province.results, province.activity,
                                                                         province.pilots)))
    biomass = rows[rows["source"] == "biomass_carbon"].set_index("plot_id")["co2e_kg"] / 1000
    # IPCC 2006 Table 5.1, tropical moist: G 2.6 t C/ha in each of the cycle's 8 years (ages 0-7)
    # coffee 2022, age 3: 2.6 t C/ha × 100 ha = 260 t C; coffee 2018, age 7, its last year: 2.6 × 40 = 104 t C;
    # coffee 2017 (age 8) and 2000: cycle completed, no row; durian 2024: 2.6 × 10 = 26 t C
    assert biomass.to_dict() == pytest.approx({"coffee 2022": -260 * 44 / 12, "coffee 2018": -104 * 44 / 12,
                                               "durian 2024": -26 * 44 / 12}, rel=1e-9)
    assert biomass.sum() == pytest.approx(-390 * 44 / 12, rel=1e-9)  # −1 430 t CO2, reported apart
    afolu = rows[(rows["boundary"] == "afolu") & (rows["mass_kg"] >= 0)]["co2e_kg"].sum() / 1000
    estimate = province.estimate(mrv.pilot_reductions(province.results, province.activity, province.pilots))
    assert afolu == pytest.approx(estimate["emissions_t"].sum())  # removals never netted into the emissions
    # B: durian classes of 10 ha on 5 ha of durian (and no durian profile): two errors of the check
    status = mrv.estimate_status(areas, adoption, PROFILES, classes).set_index(["commune_code", "crop"])
    assert status.loc[("A", "coffee"), "age_class_ha"] == 190.0 and status.loc[("B", "durian"), "age_class_ha"] == 10.0
    found = estimate_gaps(status.reset_index())
    assert sorted(zip(found["rule"], found["commune_code"], found["value"])) == [
        ("age_classes_exceed_area", "B", 10.0), ("estimate_gap", "B", 5.0)]


def _soil_profiles(*changes: tuple[str, str]) -> pd.DataFrame:
    """PROFILES with soil practice changes (practice, the one it replaced) on the low-emission coffee."""
    rows = [{"profile_id": "low", "crop": "coffee", "low_emission": True, "activity": "thay đổi canh tác đất",
             "product": practice, "quantity": "1", "unit": "ha", "n_content": "", "use": "", "previous_practice": former}
            for practice, former in changes]
    return pd.concat([PROFILES.assign(previous_practice=""), pd.DataFrame(rows)], ignore_index=True)


def _series(areas: dict[int, float], low: dict[int, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Commune A's coffee area and its low-emission share by year (the rest conventional)."""
    area = pd.DataFrame({"commune_code": "A", "year": list(areas), "crop": "coffee", "area_ha": list(areas.values())})
    shares = pd.DataFrame([{"commune_code": "A", "year": year, "profile_id": profile, "share": share}
                           for year, value in low.items() for profile, share in (("conv", 1 - value), ("low", value))])
    return area, shares


#: IPCC 2019 Table 2.3, tropical moist, low-activity clay: SOC_REF 38 t C/ha; Table 5.5: F_LU 1.1 for a
#: perennial crop; IPCC 2006 Table 5.5 (the chain's next set): F_I 1.44 with manure, medium 1.00.
MANURE_T_C_PER_HA = 38 * 1.1 * (1.44 - 1.00) / 20  # 0.9196 t C per ha and year for 20 years


def test_the_area_that_takes_up_a_profiles_soil_practice_changes_its_soil_for_20_years():
    profiles = _soil_profiles(("input-high-manure", "input-medium"))
    areas, adoption = _series({2023: 100.0, 2024: 100.0, 2025: 120.0}, {2023: 0.1, 2024: 0.3, 2025: 0.25})
    rows = mrv.soil_change_results(profiles, areas, adoption, 2025)
    soil = rows[rows["source"] == "soil_carbon"].set_index("plot_id")
    # 2023 is the first year with shares: its 10 % is the baseline (when it was taken up is not known)
    # 2024: 100 ha × (0.3 − 0.1) = 20 ha took the profile up: 20 × 0.9196 = 18.392 t C gained in 2025, its 2nd year
    # 2025: 120 ha × (0.25 − 0.3) = −6 ha left it: 6 × 0.9196 = 5.5176 t C lost, 20.2312 t CO2 emitted
    assert soil["activity_amount"].to_dict() == pytest.approx({"low 2024": 20.0, "low 2025 left": 6.0})
    assert soil["mass_kg"].to_dict() == pytest.approx({"low 2024": -20 * MANURE_T_C_PER_HA * 1000 * 44 / 12,
                                                       "low 2025 left": 6 * MANURE_T_C_PER_HA * 1000 * 44 / 12}, rel=1e-9)
    # the loss mineralises F_SOM = 5 517.6 kg C / C:N 10 = 551.76 kg N (Eq. 11.8): direct N2O at EF1 0.006
    n2o = rows[rows["source"] == "n2o_direct"]
    assert list(n2o["input_type"]) == ["F_SOM"] and n2o["activity_amount"].iat[0] == pytest.approx(551.76, rel=1e-9)
    assert n2o["mass_kg"].iat[0] == pytest.approx(551.76 * 0.006 * 44 / 28, rel=1e-9)
    # a change counts in each of its 20 years: in 2044 the 2024 change is in its 21st year, the 2025 one in its 20th
    later = mrv.soil_change_results(profiles, areas, adoption, 2044)
    assert set(later.loc[later["source"] == "soil_carbon", "plot_id"]) == {"low 2025 left"}
    assert mrv.soil_change_results(profiles, areas, adoption, 2023).empty  # the baseline year changes nothing
    # the profile's per-hectare results leave the change out: it is not every hectare's, every year
    per_ha = mrv.profile_emissions(profiles, 2025)
    assert per_ha.to_dict() == pytest.approx(mrv.profile_emissions(PROFILES, 2025).to_dict(), rel=1e-12)


def test_the_estimates_emissions_carry_the_soil_lost_where_a_practice_was_left():
    profiles = _soil_profiles(("input-high-manure", "input-medium"))
    areas, adoption = _series({2024: 100.0, 2025: 100.0}, {2024: 0.3, 2025: 0.2})
    current = adoption[adoption["year"] == 2025].drop(columns="year")
    results = pd.DataFrame(columns=list(mrv.schema.RESULT_COLUMNS))
    results.attrs.update(factor_profile="ipcc2019", gwp="AR5")
    province = mrv.ProvinceYear(2025, results,
                                mrv.normalize(pd.DataFrame(columns=list(mrv.schema.PLOT_COLUMNS)),
                                              pd.DataFrame(columns=list(mrv.schema.RECORD_COLUMNS))),
                                pd.DataFrame(columns=["pilot_model_id", "plot_id", "role", "area_ha", "start_year", "crop"]),
                                profiles, mrv.profile_results(profiles, 2025), areas[areas["year"] == 2025].drop(
                                    columns="year"), current, ["A"],
                                soil_results=mrv.soil_change_results(profiles, areas, adoption, 2025))
    estimate = province.estimate(mrv.pilot_reductions(province.results, province.activity, province.pilots))
    # profiles: 100 ha × (0.8 × 0.3 E + 0.2 × 0.1 E) = 26 E t; 10 ha left the compost: 10 × 0.9196 t C × 44/12 =
    # 33.718667 t CO2, and F_SOM 9 196 kg C / 10 = 919.6 kg N: direct 919.6 × 0.006 + leached 919.6 × 0.24 × 0.011
    # = 7.945344 kg N2O-N × 44/28 = 12.485541 kg N2O × GWP 265 (AR5) = 3.308668 t CO2e
    soil_co2 = 10 * MANURE_T_C_PER_HA * 44 / 12
    soil_n2o = 919.6 * (0.006 + 0.24 * 0.011) * 44 / 28 * 265 / 1000
    assert soil_n2o == pytest.approx(3.308668, rel=1e-6)
    assert estimate["emissions_t"].iat[0] == pytest.approx(26 * E + soil_co2 + soil_n2o, rel=1e-9)
    rows = province.estimate_rows(estimate)
    emitted = rows[(rows["boundary"] == "afolu") & (rows["mass_kg"] >= 0)]["co2e_kg"].sum() / 1000
    assert emitted == pytest.approx(estimate["emissions_t"].sum(), rel=1e-12)  # the rows add up to the estimate
    coverage = mrv.estimate_coverage(estimate, rows).set_index("crop")
    assert "soil_carbon" in coverage.loc["coffee", "sources"]
    # the uncertainty draws the loss with its own factors, once: every draw at the factors' central values
    # would give the central total, and the draws' median stays near it
    spread = mrv.uncertainty(province, draws=2000, seed=1).table.set_index("item").loc["estimate_total"]
    assert spread["central_t"] == pytest.approx(26 * E + soil_co2 + soil_n2o, rel=1e-9)
    assert spread["median_t"] == pytest.approx(spread["central_t"], rel=0.1)


def test_a_profile_changing_tillage_and_input_together_takes_the_whole_change_and_back():
    profiles = _soil_profiles(("tillage-none", "tillage-full"), ("input-high", "input-medium"))
    areas, adoption = _series({2024: 10.0, 2025: 10.0}, {2024: 0.0, 2025: 0.5})
    rows = mrv.soil_change_results(profiles, areas, adoption, 2025)
    # 5 ha: SOC_REF 38 × F_LU 1.1 × (F_MG 1.10 × F_I 1.11 − 1 × 1) / 20 = 0.461890 t C/ha (tillage taken at the
    # new input, input at the former tillage: (1.10 − 1) × 1.11 + 1 × (1.11 − 1) = 0.221, the whole change)
    assert rows["mass_kg"].sum() == pytest.approx(-5 * 38 * 1.1 * (1.10 * 1.11 - 1) / 20 * 1000 * 44 / 12, rel=1e-9)
    areas, adoption = _series({2024: 10.0, 2025: 10.0, 2026: 10.0}, {2024: 0.0, 2025: 0.5, 2026: 0.0})
    back = mrv.soil_change_results(profiles, areas, adoption, 2026)
    carbon = back[back["source"] == "soil_carbon"]
    assert carbon["mass_kg"].sum() == pytest.approx(0.0, abs=1e-6)  # taken up, then left: the soil is where it was


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shares=st.lists(st.integers(0, 100), min_size=2, max_size=6), area=st.floats(1.0, 5000.0),
       scale=st.floats(0.1, 10.0))
def test_the_soil_line_is_the_stock_difference_over_d_and_linear_in_area(shares, area, scale):
    """IPCC Eq. 2.25: with every change within D years, the year's soil CO2 is −area × (s_last − s_first) / D,
    whatever the shares did between (gains and losses cancel), and it scales with the area."""
    years = range(2020, 2020 + len(shares))
    low = {year: share / 100 for year, share in zip(years, shares)}
    profiles = _soil_profiles(("input-high-manure", "input-medium"))
    areas, adoption = _series(dict.fromkeys(years, area), low)
    last = years[-1]
    rows = mrv.soil_change_results(profiles, areas, adoption, last)
    carbon = rows.loc[rows["source"] == "soil_carbon", "mass_kg"].sum() if len(rows) else 0.0
    expected = -area * (low[last] - low[2020]) * MANURE_T_C_PER_HA * 1000 * 44 / 12
    assert carbon == pytest.approx(expected, rel=1e-9, abs=1e-6)
    scaled = mrv.soil_change_results(profiles, areas.assign(area_ha=area * scale), adoption, last)
    assert (scaled["mass_kg"].sum() if len(scaled) else 0.0) == pytest.approx(
        (rows["mass_kg"].sum() if len(rows) else 0.0) * scale, rel=1e-9, abs=1e-6)


def test_each_factor_groups_totals_are_worked_out_from_its_rows_alone_and_add_up_to_the_totals():
    """`ProvinceYear.totals_by`, which the uncertainty draws each factor group's share by: a
    pilot with a control plot, one with its own 2024 as baseline, one on the conventional
    profile, and an estimate with a soil loss; each group checked against the whole
    calculation run on that group's rows alone (the others' CO2e set to 0)."""
    def urea(plot: str, kg: float, year: int = 2025) -> dict:
        return {"plot_id": plot, "activity": "fertiliser", "product": "urea", "quantity": kg, "year": year}

    plots = plots_frame({}, {}, {}, {"planting_year": 2023})
    records = records_frame(urea("P1", 100), urea("P2", 300), urea("P3", 400, 2024), urea("P3", 200), urea("P4", 150),
                            {"plot_id": "P3", "activity": "lime", "product": "dolomite", "quantity": 500})
    pilots = pd.DataFrame({"pilot_model_id": ["M1", "M1", "M2", "M3"], "plot_id": ["P1", "P2", "P3", "P4"],
                           "role": ["pilot", "control", "pilot", "pilot"], "area_ha": 1.0, "start_year": 2025,
                           "crop": "coffee"})
    profiles = _soil_profiles(("input-high-manure", "input-medium"))
    areas, adoption = _series({2024: 100.0, 2025: 100.0}, {2024: 0.3, 2025: 0.2})
    results = mrv.calculate(plots, records)
    province = mrv.ProvinceYear(2025, results, mrv.normalize(plots, records), pilots, profiles,
                                mrv.profile_results(profiles, 2025), areas[areas["year"] == 2025].drop(columns="year"),
                                adoption[adoption["year"] == 2025].drop(columns="year"), ["24133"],
                                soil_results=mrv.soil_change_results(profiles, areas, adoption, 2025))
    reductions = province.reductions()
    assert set(reductions["baseline_method"]) == {"control", "own baseline years", "conventional practice"}
    estimate = province.estimate(reductions)
    totals = province.totals_by("factor_ids", estimate)
    assert len(totals) >= 5

    def alone(frame: pd.DataFrame, ids: str) -> pd.DataFrame:
        keep = (frame["factor_ids"].astype(str) == ids).to_numpy()
        return frame.assign(mass_kg=np.where(keep, frame["mass_kg"], 0.0), co2e_kg=np.where(keep, frame["co2e_kg"], 0.0))

    for ids, row in totals.iterrows():
        one = replace(province, results=alone(province.results, ids),
                      profile_results=alone(province.profile_results, ids), soil_results=alone(province.soil_results, ids))
        cut = one.reductions()
        cut_estimate = one.estimate(cut)
        expected = [cut["baseline_t"].sum(), cut["project_t"].sum(), cut_estimate["emissions_t"].sum(),
                    cut_estimate["reduction_t"].sum()]
        assert row.to_list() == pytest.approx(expected, rel=1e-9, abs=1e-12), ids
    whole = [reductions["baseline_t"].sum(), reductions["project_t"].sum(), estimate["emissions_t"].sum(),
             estimate["reduction_t"].sum()]
    assert totals.sum().to_list() == pytest.approx(whole, rel=1e-12)
    assert all(value > 0 for value in whole)
