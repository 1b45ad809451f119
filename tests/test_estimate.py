"""The provincial estimate: commune areas × practice profiles × adoption, and pilot
reductions scaled up with their sampling interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mrv
from mrv._checks import estimate_gaps
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
