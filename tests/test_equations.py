"""One hand-worked example per equation, with the arithmetic written out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mrv
from mrv.schema import ACTIVITY_AS_GIVEN, ACTIVITY_TEXT, AMOUNT_UNITS, PLOT_NUMBERS, RESULT_COLUMNS
from tests.helpers import plots_frame, records_frame, total

REL = 1e-9


def test_done_when_example_coffee_ipcc2019():
    """1 ha coffee, wet, ipcc2019: 500 kg urea, 2 t compost at 1.5 % N, 1 t dolomite."""
    plots = plots_frame({})
    records = records_frame(
        {"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "500", "unit": "kg"},
        {"plot_id": "P1", "activity": "fertiliser", "product": "compost", "quantity": "2", "unit": "tấn", "n_content": "1,5"},
        {"plot_id": "P1", "activity": "lime", "product": "dolomite", "quantity": "1", "unit": "tấn"},
    )
    results = mrv.calculate(plots, records, factors="ipcc2019", gwp="AR5")
    # F_SN = 500 × 0.46 = 230 kg N; F_ON = 2000 × 0.015 = 30 kg N.
    # Eq. 11.1: (230 × 0.016 + 30 × 0.006) × 44/28 = (3.68 + 0.18) × 1.5714… = 6.065714… kg N2O
    assert total(results, "n2o_direct", "N2O") == pytest.approx((230 * 0.016 + 30 * 0.006) * 44 / 28, rel=REL)
    # Eq. 11.13: 500 × 0.20 × 44/12 = 366.67 kg CO2
    assert total(results, "urea_co2", "CO2") == pytest.approx(500 * 0.20 * 44 / 12, rel=REL)
    # Eq. 11.12: 1000 kg dolomite × 0.13 × 44/12 = 476.67 kg CO2
    assert total(results, "liming_co2", "CO2", input_type="dolomite") == pytest.approx(1000 * 0.13 * 44 / 12, rel=REL)
    # Eq. 11.9: (230 × 0.15 [urea] + 30 × 0.21) × 0.014 × 44/28 = (34.5 + 6.3) × 0.014 × 1.5714 = 0.89760 kg
    assert total(results, "n2o_indirect_volatilisation") == pytest.approx((230 * 0.15 + 30 * 0.21) * 0.014 * 44 / 28, rel=REL)
    # Eq. 11.10 (wet climate, so leaching occurs): (230 + 30) × 0.24 × 0.011 × 44/28 = 1.07863 kg
    assert total(results, "n2o_indirect_leaching") == pytest.approx(260 * 0.24 * 0.011 * 44 / 28, rel=REL)
    assert tuple(results.columns) == RESULT_COLUMNS
    # CO2e = mass × GWP (AR5: N2O 265)
    direct = results[results["source"] == "n2o_direct"]
    assert (direct["co2e_kg"] == direct["mass_kg"] * 265).all()


def test_direct_n2o_split_by_input_with_trace():
    plots = plots_frame({})
    records = records_frame(
        {"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"},
        {"plot_id": "P1", "activity": "fertiliser", "product": "manure", "quantity": "1000", "n_content": "2"},
    )
    results = mrv.calculate(plots, records).set_index(["source", "input_type"])
    synthetic = results.loc[("n2o_direct", "F_SN")]
    # 100 kg urea × 46 % = 46 kg N; × 0.016 × 44/28 = 1.156571 kg N2O
    assert synthetic["activity_amount"] == pytest.approx(46.0)
    assert synthetic["mass_kg"] == pytest.approx(46 * 0.016 * 44 / 28, rel=REL)
    assert synthetic["factor_ids"] == "ipcc2019.EF1.wet.F_SN"
    assert synthetic["ipcc_category"] == "3.C.4"
    organic = results.loc[("n2o_direct", "F_ON")]
    # 1000 kg manure × 2 % = 20 kg N; × 0.006 × 44/28 = 0.188571 kg
    assert organic["mass_kg"] == pytest.approx(20 * 0.006 * 44 / 28, rel=REL)


def test_direct_n2o_vn2022_uses_crop_specific_factor():
    plots = plots_frame({"crop": "coffee"}, {"crop": "mía"}, {"crop": "hồ tiêu"})
    records = records_frame(*[
        {"plot_id": plot, "activity": "fertiliser", "product": "urea", "quantity": "100"} for plot in ("P1", "P2", "P3")
    ])
    results = mrv.calculate(plots, records, factors="vn2022")
    direct = results[results["source"] == "n2o_direct"].set_index("plot_id")
    # QĐ 2626: coffee 1.76 %, sugarcane 1.40 %, others the default 1 %; 46 kg N each.
    assert direct.loc["P1", "mass_kg"] == pytest.approx(46 * 0.0176 * 44 / 28, rel=REL)
    assert direct.loc["P2", "mass_kg"] == pytest.approx(46 * 0.0140 * 44 / 28, rel=REL)
    assert direct.loc["P3", "mass_kg"] == pytest.approx(46 * 0.01 * 44 / 28, rel=REL)
    assert direct.loc["P1", "tier"] == 2 and direct.loc["P1", "factor_origin"] == "national"
    assert direct.loc["P3", "tier"] == 1


def test_volatilisation_by_n_form_and_dry_climate():
    plots = plots_frame({"climate": "dry"})
    records = records_frame(
        {"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"},
        {"plot_id": "P1", "activity": "fertiliser", "product": "sa", "quantity": "100"},
    )
    results = mrv.calculate(plots, records)
    rows = results[(results["source"] == "n2o_indirect_volatilisation")].set_index("factor_ids")
    # One row per N form (the terms of Eq. 11.9), each N × Frac_GASF of its form × EF4 dry 0.005:
    # urea N 46 × 0.15 = 6.9 kg and SA (ammonium) N 21 × 0.08 = 1.68 kg volatilised.
    urea = rows.loc["ipcc2019.Frac_GASF.urea|ipcc2019.EF4.dry"]
    ammonium = rows.loc["ipcc2019.Frac_GASF.ammonium|ipcc2019.EF4.dry"]
    assert urea["mass_kg"] == pytest.approx(46 * 0.15 * 0.005 * 44 / 28, rel=REL)
    assert ammonium["mass_kg"] == pytest.approx(21 * 0.08 * 0.005 * 44 / 28, rel=REL)
    assert (urea["input_type"], urea["activity_amount"], urea["factor_value"]) == ("F_SN", 46, pytest.approx(0.15 * 0.005))
    assert ammonium["factor_value"] == pytest.approx(0.08 * 0.005, rel=REL)
    # (6.9 + 1.68) × 0.005 = 0.0429 kg N2O-N in all
    assert rows["mass_kg"].sum() == pytest.approx(0.0429 * 44 / 28, rel=REL)
    # Dry climate, no irrigation: no leaching rows.
    assert total(results, "n2o_indirect_leaching") == 0


def test_leaching_in_dry_climate_only_when_irrigated_other_than_drip():
    plots = plots_frame({"climate": "dry", "irrigation": "drip"}, {"climate": "dry", "irrigation": "tưới phun"})
    records = records_frame(*[
        {"plot_id": plot, "activity": "fertiliser", "product": "urea", "quantity": "100"} for plot in ("P1", "P2")
    ])
    leaching = mrv.calculate(plots, records, factors="ipcc2006")
    leaching = leaching[leaching["source"] == "n2o_indirect_leaching"]
    assert list(leaching["plot_id"]) == ["P2"]
    # IPCC 2006: 46 kg N × Frac_LEACH 0.30 × EF5 0.0075 × 44/28 = 0.162643 kg N2O
    assert leaching["mass_kg"].iloc[0] == pytest.approx(46 * 0.30 * 0.0075 * 44 / 28, rel=REL)


def test_urea_co2_of_a_blend_counts_only_its_urea():
    plots = plots_frame({})
    records = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "3", "unit": "bao"})
    results = mrv.calculate(plots, records)
    # 3 bags × 50 kg = 150 kg urea × 0.20 t C/t × 44/12 = 110 kg CO2
    assert total(results, "urea_co2") == pytest.approx(150 * 0.20 * 44 / 12, rel=REL)
    npk = mrv.calculate(plots, records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "npk-16-16-8", "quantity": "150"}))
    assert total(npk, "urea_co2") == 0


def test_liming_limestone_and_dolomite_apart_and_quicklime_emits_nothing():
    plots = plots_frame({})
    records = records_frame(
        {"plot_id": "P1", "activity": "lime", "product": "đá vôi", "quantity": "5", "unit": "tạ"},
        {"plot_id": "P1", "activity": "lime", "product": "dolomite", "quantity": "200"},
        {"plot_id": "P1", "activity": "lime", "product": "vôi sống", "quantity": "300"},
    )
    results = mrv.calculate(plots, records)
    # 500 kg × 0.12 × 44/12 = 220 kg; 200 kg × 0.13 × 44/12 = 95.333 kg; CaO: no row
    assert total(results, "liming_co2", input_type="limestone") == pytest.approx(500 * 0.12 * 44 / 12, rel=REL)
    assert total(results, "liming_co2", input_type="dolomite") == pytest.approx(200 * 0.13 * 44 / 12, rel=REL)
    assert len(results[results["source"] == "liming_co2"]) == 2


def test_residue_burning_eq_2_27():
    plots = plots_frame({"crop": "sugarcane", "area": "3"})
    records = records_frame({"plot_id": "P1", "activity": "residue_burning", "quantity": "2", "unit": "ha"})
    results = mrv.calculate(plots, records)
    # L = A × (M_B × C_f) × G_ef: 2 ha × 6.5 t dm/ha × 2.7 g/kg = 13 000 kg × 2.7 g/kg = 35.1 kg CH4
    assert total(results, "residue_burning", "CH4") == pytest.approx(2 * 6500 * 2.7 / 1000, rel=REL)
    # 13 000 kg dm × 0.07 g/kg = 0.91 kg N2O
    assert total(results, "residue_burning", "N2O") == pytest.approx(2 * 6500 * 0.07 / 1000, rel=REL)
    assert set(results["ipcc_category"]) == {"3.C.1.b"}


@pytest.mark.parametrize("crop, fuel_t_per_ha", [("rice", 5.5), ("maize", 10.0)])
def test_straw_and_stover_burning_eq_2_27(crop, fuel_t_per_ha):
    plots = plots_frame({"crop": crop, "area": "2"})
    records = records_frame({"plot_id": "P1", "activity": "residue_burning", "quantity": "1.5", "unit": "ha"})
    results = mrv.calculate(plots, records)
    # rice: 1.5 ha × 5.5 t dm/ha = 8 250 kg dm; × 2.7 g/kg = 22.275 kg CH4, × 0.07 g/kg = 0.5775 kg N2O
    # maize: 1.5 ha × 10 t dm/ha = 15 000 kg dm; × 2.7 g/kg = 40.5 kg CH4, × 0.07 g/kg = 1.05 kg N2O
    expected = {"rice": (22.275, 0.5775), "maize": (40.5, 1.05)}[crop]
    assert total(results, "residue_burning", "CH4") == pytest.approx(expected[0], rel=REL)
    assert total(results, "residue_burning", "N2O") == pytest.approx(expected[1], rel=REL)
    assert total(results, "residue_burning", "CH4") == pytest.approx(1.5 * fuel_t_per_ha * 1000 * 2.7 / 1000, rel=REL)
    assert results.loc[results["source"] == "residue_burning", "factor_ids"].str.contains(
        f"ipcc2006.fuel_burnt.{crop}").all()


def test_diesel_pump_and_machinery():
    plots = plots_frame({})
    records = records_frame(
        {"plot_id": "P1", "activity": "diesel", "quantity": "100", "unit": "lít", "use": "pump"},
        {"plot_id": "P1", "activity": "diesel", "quantity": "100", "unit": "L", "use": "máy cày"},
    )
    results = mrv.calculate(plots, records)
    # 100 L × 0.84 kg/L = 84 kg = 8.4e-5 Gg × 43.0 TJ/Gg = 0.003612 TJ
    energy_tj = 100 * 0.84 / 1e6 * 43.0
    assert total(results, "energy_diesel", "CO2", input_type="pump") == pytest.approx(energy_tj * 74100, rel=REL)
    assert total(results, "energy_diesel", "CH4", input_type="pump") == pytest.approx(energy_tj * 10, rel=REL)
    assert total(results, "energy_diesel", "N2O", input_type="machinery") == pytest.approx(energy_tj * 28.6, rel=REL)
    categories = results.groupby("input_type", observed=True)["ipcc_category"].first()
    assert categories["pump"] == "1.A.4.c.i" and categories["machinery"] == "1.A.4.c.ii"
    assert set(results["boundary"]) == {"energy"}


def test_diesel_pump_under_qd_2626_takes_ipcc_2006_for_ch4_and_n2o():
    """QĐ 2626 Annex I has no diesel CH4 or N2O row for agricultural pumps, so the vn2022 chain
    falls to IPCC 2006 Vol. 2 Table 2.5 for them and the rows say so in their origin."""
    records = records_frame({"plot_id": "P1", "activity": "diesel", "quantity": "100", "unit": "L", "use": "pump"})
    results = mrv.calculate(plots_frame({}), records, factors="vn2022").set_index("gas")
    # 0.003612 TJ (as above) × 10 kg CH4/TJ = 0.03612 kg; × 0.6 kg N2O/TJ = 0.0021672 kg
    assert results.loc["CH4", "mass_kg"] == pytest.approx(0.003612 * 10, rel=REL)
    assert results.loc["N2O", "mass_kg"] == pytest.approx(0.003612 * 0.6, rel=REL)
    assert results.loc["CH4", "factor_ids"].endswith("ipcc2006.diesel_ef.CH4.pump")
    assert results.loc["CH4", "factor_origin"] == "ipcc" and results.loc["CO2", "factor_origin"] == "national"


def test_ar6_by_origin_weighs_fossil_and_non_fossil_ch4_apart():
    """AR6 WG1 Table 7.15: CH4 of fossil carbon 29.8, of carbon the crop took from the air
    27.0; AR6's one value, 27.9, for CH4 of any origin (Table 7.SM.7)."""
    plots = plots_frame({"crop": "sugarcane", "area": "3"})
    records = records_frame({"plot_id": "P1", "activity": "residue_burning", "quantity": "2", "unit": "ha"},
                            {"plot_id": "P1", "activity": "diesel", "quantity": "100", "unit": "L", "use": "pump"})
    by_origin = mrv.calculate(plots, records, gwp="AR6-origin")
    # burning: 2 ha × 6.5 t dm/ha × 2.7 g/kg = 35.1 kg CH4 × 27.0 = 947.7 kg CO2e
    assert _co2e(by_origin, "residue_burning", "CH4") == pytest.approx(35.1 * 27.0, rel=REL)
    # diesel: 0.003612 TJ × 10 kg CH4/TJ = 0.03612 kg CH4 × 29.8 = 1.076376 kg CO2e
    assert _co2e(by_origin, "energy_diesel", "CH4") == pytest.approx(0.03612 * 29.8, rel=REL)
    # N2O has one value: 35.1 kg × 0.07 / 2.7 = 0.91 kg N2O × 273 = 248.43 kg CO2e
    assert _co2e(by_origin, "residue_burning", "N2O") == pytest.approx(0.91 * 273, rel=REL)
    one_value = mrv.with_gwp(by_origin, "AR6")
    assert _co2e(one_value, "residue_burning", "CH4") == pytest.approx(35.1 * 27.9, rel=REL)
    assert _co2e(one_value, "energy_diesel", "CH4") == pytest.approx(0.03612 * 27.9, rel=REL)
    back = mrv.with_gwp(one_value, "AR6-origin")
    np.testing.assert_allclose(back["co2e_kg"], by_origin["co2e_kg"], rtol=1e-15)


def _co2e(results: pd.DataFrame, source: str, gas: str) -> float:
    return float(results.loc[(results["source"] == source) & (results["gas"] == gas), "co2e_kg"].sum())


@pytest.mark.parametrize(("year", "factor"), [(2019, 0.8458), (2022, 0.6766), (2025, 0.6592)])
def test_grid_electricity_uses_latest_factor_not_after_the_year(year, factor):
    plots = plots_frame({})
    records = records_frame({"plot_id": "P1", "year": year, "activity": "electricity", "quantity": "1000", "unit": "kWh"})
    results = mrv.calculate(plots, records)
    # 1 000 kWh = 1 MWh × factor t CO2/MWh = factor × 1000 kg
    assert total(results, "energy_electricity", "CO2") == pytest.approx(factor * 1000, rel=REL)
    assert results["boundary"].iloc[0] == "scope2"


def test_electricity_before_the_first_published_factor_is_refused():
    plots = plots_frame({})
    records = records_frame({"plot_id": "P1", "year": 2015, "activity": "electricity", "quantity": "10", "unit": "kWh"})
    with pytest.raises(mrv.InputError) as caught:
        mrv.calculate(plots, records)
    assert "grid_ef" in str(caught.value) and "year=2015" in str(caught.value)


@pytest.mark.parametrize("crop", ["coffee", "cassava"])
def test_residue_burning_of_a_crop_without_fuel_load_is_refused(crop):
    plots = plots_frame({"crop": crop})
    records = records_frame({"plot_id": "P1", "activity": "residue_burning", "quantity": "1", "unit": "ha"})
    with pytest.raises(mrv.InputError) as caught:
        mrv.calculate(plots, records)
    assert "fuel_burnt" in str(caught.value) and f"crop={crop}" in str(caught.value) and "P1" in str(caught.value)


def test_activity_frame_has_every_amount_in_its_canonical_unit():
    plots = plots_frame({"area": "5", "area_unit": "sào nam"})
    records = records_frame(
        {"plot_id": "P1", "activity": "fertiliser", "product": "phân chuồng", "quantity": "2", "unit": "tấn",
         "n_content": "0,8", "dry_matter": "35"},
        {"plot_id": "P1", "activity": "diesel", "quantity": "20", "unit": "lít", "use": "pump"},
        {"plot_id": "P1", "activity": "harvest", "product": "cà phê nhân", "quantity": "2,5 tạ", "unit": ""},
    )
    activity = mrv.normalize(plots, records)
    assert set(activity.columns) == set(ACTIVITY_TEXT) | set(AMOUNT_UNITS) | set(ACTIVITY_AS_GIVEN) | set(PLOT_NUMBERS)
    assert all(activity[column].dtype == "float64" for column in AMOUNT_UNITS)
    manure, diesel, harvest = (activity.iloc[i] for i in range(3))
    # 2 t manure × 35 % dry matter × 0.8 % N = 5.6 kg N, all organic
    assert manure["product_kg"] == 2000 and manure["n_organic_kg"] == pytest.approx(2000 * 0.35 * 0.008)
    assert diesel["diesel_l"] == 20 and diesel["product_kg"] == 0
    assert harvest["harvest_kg"] == 250 and harvest["quantity_text"] == "2,5 tạ" and pd.isna(harvest["unit_text"])
    assert (harvest["quantity_value"], harvest["unit_used"]) == (2.5, "tạ")
    assert manure["n_content"] == pytest.approx(0.8) and manure["dry_matter"] == 35 and pd.isna(diesel["n_content"])
    assert manure["plot_area_ha"] == pytest.approx(0.5) and manure["source_row"] == 2


def test_perennial_biomass_tier_1_growth_maturity_and_clearing():
    plots = plots_frame({"planting_year": "2022"}, {"planting_year": "2017"}, {"planting_year": "2018"},
                        {"planting_year": "2010"}, {"crop": "sugarcane", "planting_year": "2023"}, {},
                        {"planting_year": "2023", "climate": "dry"})
    records = records_frame(*({"plot_id": f"P{i}", "activity": "harvest", "product": "cà phê nhân", "quantity": "1",
                               "unit": "tấn"} for i in (1, 2, 4, 6, 7)),
                            {"plot_id": "P3", "activity": "phá bỏ vườn cây", "quantity": "5", "unit": "sào nam"},
                            {"plot_id": "P5", "activity": "harvest", "product": "mía cây", "quantity": "60",
                             "unit": "tấn"})
    rows = mrv.calculate(plots, records).query("source == 'biomass_carbon'").set_index(["plot_id", "input_type"])
    # coffee planted 3 years ago, 1 ha, tropical moist: grows 2.6 t C/ha → -2.6 × 44/12 = -9.5333 t CO2
    assert rows.loc[("P1", "growth"), "mass_kg"] == pytest.approx(-2600 * 44 / 12, rel=REL)
    assert rows.loc[("P1", "growth"), "factor_ids"] == "ipcc2006.biomass_growth.wet"
    assert rows.loc[("P1", "growth"), "tier"] == 1 and rows.loc[("P1", "growth"), "ipcc_category"] == "3.B.2.a"
    # Table 5.1's cycle, tropical moist: 8 years of 2.6 t C/ha counting the planting year. Planted 2018,
    # P3's 2025 is its 8th year: it still grows; planted 2017, P2 completed its cycle in 2024 (8 × 2.6 =
    # 20.8 t C/ha): no growth, and no extra 0.2 t C to reach the table's rounded 21
    # planted 2018, 5 sào nam (0.5 ha) of its 1 ha cleared: loses 7 × 2.6 = 18.2 t C/ha there,
    # the other 0.5 ha grows 2.6 t C/ha: +18.2 × 0.5 × 44/12 = 33.367 t and -2.6 × 0.5 × 44/12 = -4.767 t CO2
    assert rows.loc[("P3", "clearing"), "mass_kg"] == pytest.approx(18200 * 0.5 * 44 / 12, rel=REL)
    assert rows.loc[("P3", "growth"), "mass_kg"] == pytest.approx(-2600 * 0.5 * 44 / 12, rel=REL)
    # tropical dry, planted 2023: 1.8 t C/ha a year
    assert rows.loc[("P7", "growth"), "mass_kg"] == pytest.approx(-1800 * 44 / 12, rel=REL)
    # at the end of its cycle (planted 2017), mature (2010), an annual crop, a plot without a planting year: no row
    assert {"P2", "P4", "P5", "P6"}.isdisjoint(rows.index.get_level_values("plot_id"))
    # the P3 clearing's stock (7 × 2.6 = 18.2 < 21) comes from the growth rate alone
    assert rows.loc[("P3", "clearing"), "factor_ids"] == "ipcc2006.biomass_growth.wet"


def test_clearing_a_mature_plantation_releases_the_stock_of_its_whole_cycle_and_names_it():
    """Coffee planted in 2010, 1 ha cleared in 2025: 15 × 2.6 = 39 t C/ha would be grown, but
    the stock grows only over Table 5.1's 8-year cycle: 8 × 2.6 = 20.8 t C/ha stands before
    the clearing, +20.8 × 44/12 = 76.267 t CO2, traced to the rate and the cycle."""
    plots = plots_frame({"planting_year": "2010"})
    records = records_frame({"plot_id": "P1", "activity": "phá bỏ vườn cây", "quantity": "1", "unit": "ha"})
    row = mrv.calculate(plots, records).query("source == 'biomass_carbon'").set_index("input_type").loc["clearing"]
    assert row["mass_kg"] == pytest.approx(20_800 * 44 / 12, rel=REL)
    assert row["factor_ids"] == "ipcc2006.biomass_growth.wet|ipcc2006.maturity_cycle.wet"


def _awd_hectare(**straw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """1 ha of rice in a Centre commune, summer–autumn, 95 days, alternate wetting and
    drying; 5 t of straw (80 % dry matter unless `straw` says otherwise) incorporated more
    than 30 days before; 2 bags of urea."""
    plots = plots_frame({"crop": "lúa"})
    records = records_frame(
        {"plot_id": "P1", "activity": "vụ lúa", "quantity": "1", "unit": "ha", "season": "Hè Thu", "days": "95",
         "water_regime": "ướt khô xen kẽ"},
        {"plot_id": "P1", "activity": "vùi rơm rạ", "product": "rơm rạ vùi sớm", "quantity": "5", "unit": "tấn",
         "dry_matter": "80", **straw},
        {"plot_id": "P1", "activity": "bón phân", "product": "urê", "quantity": "2", "unit": "bao"},
    )
    return plots, records


def test_rice_ch4_a_hectare_of_awd_rice_under_ipcc2019_and_vn2022():
    plots, records = _awd_hectare(dry_matter="80")
    rows = mrv.calculate(plots, records, factors="ipcc2019").set_index("source")
    # ROA = 5 t × 80 % dry = 4 t/ha; SF_o = (1 + 4 × 0.19)^0.59 = 1.76^0.59 = 1.3956…
    # EF = 1.22 (Table 5.11, South-East Asia) × 0.55 (multiple drainage) × 1.00 (SF_p) × 1.3956 = 0.93645… kg/ha/d
    # CH4 = 0.93645 × 95 d × 1 ha = 88.963 kg
    ef = 1.22 * 0.55 * 1.00 * (1 + 4 * 0.19) ** 0.59
    rice = rows.loc["rice_ch4"]
    assert rice["mass_kg"] == pytest.approx(ef * 95, rel=REL) and rice["factor_value"] == pytest.approx(ef, rel=REL)
    assert (rice["gas"], rice["input_type"], rice["season"], rice["ipcc_category"]) == (
        "CH4", "multiple_drainage", "summer_autumn", "3.C.7")
    # activity: 1 ha harvested; the 95 days are CH4 / (A × EF)
    assert rice["activity_amount"] == 1 and rice["activity_unit"] == "ha harvested"
    assert rice["mass_kg"] / (rice["activity_amount"] * rice["factor_value"]) == pytest.approx(95, rel=REL)
    assert rice["factor_ids"] == ("ipcc2019.EF_c|ipcc2019.SF_w.multiple_drainage|ipcc2019.SF_p.non_flooded_short|"
                                  "ipcc2019.CFOA.straw_long")
    # direct N2O on flooded rice: 100 kg urea × 46 % = 46 kg N × EF1FR 0.005 (drainage) × 44/28 = 0.36143 kg;
    # the straw's N (no N content recorded: N_AG, `test_rice_straw_..._crop_residue_n_on_flooded_rice`) apart
    direct = rows.loc["n2o_direct"].set_index("input_type")
    assert direct.loc["F_SN", "mass_kg"] == pytest.approx(46 * 0.005 * 44 / 28, rel=REL)
    assert set(direct["season"]) == {"summer_autumn"}

    national = mrv.calculate(plots, records, factors="vn2022").set_index("source")
    # QĐ 2626 EF_c for the Centre, summer–autumn: 1.91; SF_w 0.55; SF_p 1.00; CFOA from IPCC 2006
    # (straw > 30 days: 0.29): SF_o = (1 + 4 × 0.29)^0.59 = 2.16^0.59 = 1.5751…
    # EF = 1.91 × 0.55 × 1.00 × 1.5751 = 1.6547 kg/ha/d; CH4 = 1.6547 × 95 = 157.19 kg
    ef = 1.91 * 0.55 * 1.00 * (1 + 4 * 0.29) ** 0.59
    assert national.loc["rice_ch4", "mass_kg"] == pytest.approx(ef * 95, rel=REL)
    assert national.loc["rice_ch4", "factor_ids"] == ("vn2022.EF_c.centre.summer_autumn|vn2022.SF_w.multiple_drainage|"
                                                      "vn2022.SF_p|ipcc2006.CFOA.straw_long")
    assert national.loc["rice_ch4", "tier"] == 2
    # QĐ 2626 rice N2O, Centre, summer–autumn: 0.17 % of N → 46 × 0.0017 × 44/28 = 0.12289 kg
    national_direct = national.loc["n2o_direct"].set_index("input_type")
    assert national_direct.loc["F_SN", "mass_kg"] == pytest.approx(46 * 0.0017 * 44 / 28, rel=REL)


def test_rice_ch4_scales_with_the_pre_season_water_regime():
    """Table 5.13: a field dry for more than 180 days before the season emits SF_p = 0.89 of
    one dry for less (1.00); flooded more than 30 days before, 2.41 times."""
    plots, records = _awd_hectare(dry_matter="80")
    short = total(mrv.calculate(plots, records), "rice_ch4")
    for typed, sf_p in (("không ngập trên 180 ngày", 0.89), ("ngập trên 30 ngày", 2.41)):
        season = records.assign(pre_season=np.where(records["activity"] == "vụ lúa", typed, ""))
        # EF = EF_c × SF_w × SF_p × SF_o: only SF_p differs from the short pre-season (1.00)
        assert total(mrv.calculate(plots, season), "rice_ch4") == pytest.approx(short * sf_p / 1.00, rel=REL)
    # fallow more than a year: IPCC 2019 has its own row (0.59); IPCC 2006 has none, and its row
    # for more than 180 days (0.68) covers it, noted on the factor row
    year = records.assign(pre_season=np.where(records["activity"] == "vụ lúa", "bỏ hoá trên một năm", ""))
    assert total(mrv.calculate(plots, year), "rice_ch4") == pytest.approx(short * 0.59, rel=REL)
    old = mrv.calculate(plots, year, factors="ipcc2006").query("source == 'rice_ch4'").iloc[0]
    base = mrv.calculate(plots, records, factors="ipcc2006").query("source == 'rice_ch4'").iloc[0]
    assert old["mass_kg"] == pytest.approx(base["mass_kg"] * 0.68 / 1.00, rel=REL)
    assert "ipcc2006.SF_p.non_flooded_year" in old["factor_ids"]


def test_direct_n2o_of_flooded_rice_counts_each_field_once_across_rice_regions():
    """Two AWD hectares of the same season, one in the Centre and one in the North, 2 bags
    of urea each: 2 × 46 kg N × EF1FR 0.005 × 44/28 = 0.72286 kg N2O, each field in its own
    region's row."""
    plots, records = _awd_hectare()
    plots = pd.concat([plots, plots.assign(plot_id="P2", rice_region="north")], ignore_index=True)
    records = pd.concat([records, records.assign(plot_id="P2")], ignore_index=True)
    rows = mrv.calculate(plots, records).query("source == 'n2o_direct' and input_type == 'F_SN'")
    assert rows["mass_kg"].sum() == pytest.approx(2 * 46 * 0.005 * 44 / 28, rel=REL)
    assert sorted(rows["plot_id"].astype(str)) == ["P1", "P2"]


def test_rice_straw_without_dry_matter_is_refused_and_upland_rice_has_no_ch4():
    plots, records = _awd_hectare(dry_matter="")
    # ROA is dry weight and IPCC has no dry matter for straw as weighed (Table 11.2's 0.89 is the grain's)
    with pytest.raises(mrv.InputError) as caught:
        mrv.calculate(plots, records)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "dry_matter") and "0.89" in str(problem.expected)
    plots, records = _awd_hectare(dry_matter="80")
    upland = records.assign(water_regime=records["water_regime"].replace("ướt khô xen kẽ", "lúa cạn"))
    rows = mrv.calculate(plots, upland)
    assert "rice_ch4" not in set(rows["source"])
    # upland rice is not flooded: its N takes EF1, not EF1FR: wet, synthetic 0.016 for the urea's 46 kg N,
    # other N inputs 0.006 for the straw's 5 000 kg × 80 % × N_AG 0.007 = 28 kg N
    assert total(rows, "n2o_direct", input_type="F_SN") == pytest.approx(46 * 0.016 * 44 / 28, rel=REL)
    assert total(rows, "n2o_direct", input_type="F_CR") == pytest.approx(28 * 0.006 * 44 / 28, rel=REL)


def test_crop_residue_n_sugarcane_with_half_its_trash_burnt():
    """2 ha of sugarcane, wet climate: 1 ha of trash burnt, the other hectare's trash left
    on the field and recorded (10 t as weighed, 50 % dry matter, 0.5 % N of the dry matter)."""
    plots = plots_frame({"crop": "mía", "area": "2"})
    records = records_frame(
        {"plot_id": "P1", "activity": "đốt lá mía", "quantity": "1", "unit": "ha"},
        {"plot_id": "P1", "activity": "để lại lá mía", "quantity": "10", "unit": "tấn", "dry_matter": "50",
         "n_content": "0,5"},
    )
    results = mrv.calculate(plots, records, factors="ipcc2019")
    # F_CR = 10 000 kg × 50 % × 0.5 % = 25 kg N (the unburnt half only: the burnt half is not recorded here)
    direct = results.query("source == 'n2o_direct' and input_type == 'F_CR'")
    assert direct["activity_amount"].sum() == pytest.approx(25, rel=REL)
    # Eq. 11.1: 25 × EF1 (wet, other N inputs: 0.006) × 44/28 = 0.23571 kg N2O
    assert direct["mass_kg"].sum() == pytest.approx(25 * 0.006 * 44 / 28, rel=REL)
    assert direct["factor_ids"].iloc[0] == "ipcc2019.EF1.wet.F_CR"
    # Eq. 11.10: 25 × Frac_LEACH 0.24 × EF5 0.011 × 44/28 = 0.10371 kg N2O; no volatilisation of residue N (Eq. 11.9)
    leaching = results.query("source == 'n2o_indirect_leaching' and input_type == 'F_CR'")
    assert leaching["mass_kg"].sum() == pytest.approx(25 * 0.24 * 0.011 * 44 / 28, rel=REL)
    assert results.query("source == 'n2o_indirect_volatilisation'").empty
    # the burnt hectare stays in residue burning alone: 1 ha × 6.5 t dm × 2.7 g CH4/kg = 17.55 kg CH4
    assert total(results, "residue_burning", "CH4") == pytest.approx(1 * 6.5 * 2.7, rel=REL)
    assert set(results["source"]) == {"n2o_direct", "n2o_indirect_leaching", "residue_burning"}


@pytest.mark.parametrize(("n_content", "n_kg", "traced"), [
    ("0,7", 5000 * 0.80 * 0.007, "ipcc2019.EF1FR.multiple_drainage"),  # as recorded: 0.7 % of the dry matter
    ("1,2", 5000 * 0.80 * 0.012, "ipcc2019.EF1FR.multiple_drainage"),
    ("", 5000 * 0.80 * 0.007, "ipcc2019.EF1FR.multiple_drainage|~ipcc2006.N_AG.rice"),  # none: Table 11.2's N_AG
])
def test_rice_straw_is_crop_residue_n_on_flooded_rice(n_content, n_kg, traced):
    """Straw returned is F_CR: with the record's N content, or without one at IPCC 2006
    Table 11.2's N_AG for rice (0.007 kg N/kg dm), never zero."""
    plots, records = _awd_hectare(dry_matter="80", n_content=n_content)
    rows = mrv.calculate(plots, records).query("source == 'n2o_direct'").set_index("input_type")
    # F_CR = 5 000 kg × 80 % × 0.7 % = 28 kg N (1.2 %: 48 kg), on an AWD season: EF1FR 0.005 → 28 × 0.005 × 44/28
    # = 0.22 kg N2O
    assert rows.loc["F_CR", "activity_amount"] == pytest.approx(n_kg, rel=REL)
    assert rows.loc["F_CR", "mass_kg"] == pytest.approx(n_kg * 0.005 * 44 / 28, rel=REL)
    assert rows.loc["F_CR", "season"] == "summer_autumn" and rows.loc["F_CR", "factor_ids"] == traced


def _harvests(*extra: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """1 ha of AWD rice (summer–autumn) harvesting 5 t of paddy, and 0.5 ha of maize in a
    dry climate harvesting 3 t of grain; no record says what became of the residues."""
    plots = plots_frame({"crop": "lúa"}, {"crop": "ngô", "area": "5", "area_unit": "sào nam", "climate": "dry"})
    records = records_frame(
        {"plot_id": "P1", "activity": "vụ lúa", "quantity": "1", "unit": "ha", "season": "Hè Thu", "days": "95",
         "water_regime": "ướt khô xen kẽ"},
        {"plot_id": "P1", "activity": "thu hoạch", "product": "thóc", "quantity": "50", "unit": "tạ"},
        {"plot_id": "P2", "activity": "thu hoạch", "product": "ngô hạt", "quantity": "3", "unit": "tấn"}, *extra)
    return plots, records


def test_a_harvest_returns_its_residue_n_by_ipcc_2006_equation_11_6():
    rows = mrv.calculate(*_harvests()).query("input_type == 'F_CR'").set_index(["plot_id", "source"])
    # rice (Table 11.2: DRY 0.89, slope 0.95, intercept 2.46 t/ha, N_AG 0.007, no N_BG): 5 000 kg × 0.89 = 4 450 kg dm;
    # AG = 0.95 × 4 450 + 2.46 t/ha × 1 ha = 4 227.5 + 2 460 = 6 687.5 kg dm; F_CR = 6 687.5 × 0.007 = 46.8125 kg N,
    # in the AWD season: EF1FR 0.005 → 46.8125 × 0.005 × 44/28 = 0.36781 kg N2O
    rice = rows.loc[("P1", "n2o_direct")]
    assert rice["activity_amount"] == pytest.approx((0.95 * 5000 * 0.89 + 2460) * 0.007, rel=REL)
    assert rice["activity_amount"] == pytest.approx(46.8125, rel=REL) and rice["season"] == "summer_autumn"
    assert rice["mass_kg"] == pytest.approx(46.8125 * 0.005 * 44 / 28, rel=REL)
    assert rice["factor_ids"] == ("ipcc2019.EF1FR.multiple_drainage|~ipcc2006.DRY.rice|~ipcc2006.AG_SLOPE.rice|"
                                  "~ipcc2006.AG_INTERCEPT.rice|~ipcc2006.N_AG.rice")
    # maize (DRY 0.87, slope 1.03, intercept 0.61 t/ha, N_AG 0.006, R_BG-BIO 0.22, N_BG 0.007) on 5 sào = 0.5 ha:
    # crop 3 000 × 0.87 = 2 610 kg dm; AG = 1.03 × 2 610 + 0.61 × 0.5 × 1 000 = 2 688.3 + 305 = 2 993.3 kg dm;
    # BG = (2 610 + 2 993.3) × 0.22 = 1 232.726 kg dm; F_CR = 2 993.3 × 0.006 + 1 232.726 × 0.007
    # = 17.9598 + 8.629082 = 26.588882 kg N, dry climate: EF1 0.005 (IPCC 2019 Table 11.1)
    maize = rows.loc[("P2", "n2o_direct")]
    assert maize["activity_amount"] == pytest.approx(2993.3 * 0.006 + (2610 + 2993.3) * 0.22 * 0.007, rel=REL)
    assert maize["activity_amount"] == pytest.approx(26.588882, rel=REL)
    assert maize["mass_kg"] == pytest.approx(26.588882 * 0.005 * 44 / 28, rel=REL)
    assert maize["factor_ids"].endswith("~ipcc2006.N_AG.maize|~ipcc2006.R_BG.maize|~ipcc2006.N_BG.maize")
    # the rice leaches (wet climate): Frac_LEACH 0.24 × EF5 0.011 = 0.00264 on the same 46.8125 kg N
    assert rows.loc[("P1", "n2o_indirect_leaching"), "activity_amount"] == pytest.approx(46.8125, rel=REL)


def test_records_of_the_residue_replace_the_harvests_above_ground_term_and_a_fire_its_share():
    """Straw incorporated in the harvest's season counts in place of the harvest's
    above-ground residue; a fire on part of the maize takes that share of both terms out
    (Eq. 11.6: Area − Area burnt × C_f, C_f 1 with Table 2.4's fuel burnt), and on all of it
    leaves no residue N."""
    straw = {"plot_id": "P1", "activity": "vùi rơm rạ", "product": "rơm rạ vùi sớm", "quantity": "2", "unit": "tấn",
             "season": "Hè Thu", "dry_matter": "85"}
    burnt = {"plot_id": "P2", "activity": "đốt phụ phẩm", "quantity": "0.2", "unit": "ha"}
    rows = mrv.calculate(*_harvests(straw, burnt)).query("source == 'n2o_direct' and input_type == 'F_CR'")
    by_plot = rows.set_index("plot_id")["activity_amount"]
    # rice: only the straw, 2 000 × 85 % × 0.007 = 11.9 kg N (not 46.8125 + 11.9)
    assert by_plot["P1"] == pytest.approx(2000 * 0.85 * 0.007, rel=REL)
    # maize: 0.2 of its 0.5 ha burnt, 60 % of 26.588882 kg N = 15.9533292 kg N
    assert by_plot["P2"] == pytest.approx((1 - 0.2 / 0.5) * 26.588882, rel=REL)
    assert by_plot["P2"] == pytest.approx(15.9533292, rel=REL)
    all_burnt = mrv.calculate(*_harvests({**burnt, "quantity": "5", "unit": "sào nam"}))
    assert not ((all_burnt["plot_id"] == "P2") & (all_burnt["input_type"] == "F_CR")).any()


def test_a_harvests_residue_counts_its_intercept_once_and_takes_a_measured_dry_matter():
    """Two harvest records of the same maize plot are one harvest of their sum: the
    intercept counts once for the plot's area; a record's own dry matter replaces DRY."""
    plots = plots_frame({"crop": "ngô", "area": "0.5", "climate": "dry"})
    records = records_frame(
        {"plot_id": "P1", "activity": "thu hoạch", "product": "ngô hạt", "quantity": "1000", "unit": "kg"},
        {"plot_id": "P1", "activity": "thu hoạch", "product": "ngô hạt", "quantity": "2000", "unit": "kg",
         "dry_matter": "80"})
    fcr = mrv.calculate(plots, records).query("source == 'n2o_direct'")["activity_amount"].iloc[0]
    # crop dm = 1 000 × 0.87 + 2 000 × 0.80 = 870 + 1 600 = 2 470 kg; AG = 1.03 × 2 470 + 305 = 2 849.1 kg;
    # BG = (2 470 + 2 849.1) × 0.22 = 1 170.202 kg; F_CR = 2 849.1 × 0.006 + 1 170.202 × 0.007 = 17.0946 + 8.191414
    assert fcr == pytest.approx(17.0946 + 8.191414, rel=REL)


def test_soil_carbon_gain_after_a_compost_input_change():
    """1 ha of coffee on basalt soil (low-activity clay), wet climate: from 2024 compost is
    added every year (high input with manure), where the input was medium before."""
    plots = plots_frame({})
    records = records_frame(
        {"plot_id": "P1", "year": "2024", "activity": "thay đổi canh tác đất", "product": "bón compost thường xuyên",
         "previous_practice": "đầu vào trung bình", "quantity": "10", "unit": "sào nam"},
        {"plot_id": "P1", "year": "2025", "activity": "bón phân", "product": "urê", "quantity": "0", "unit": "kg"},
        {"plot_id": "P1", "year": "2043", "activity": "bón phân", "product": "urê", "quantity": "0", "unit": "kg"},
        {"plot_id": "P1", "year": "2044", "activity": "bón phân", "product": "urê", "quantity": "0", "unit": "kg"},
    )
    rows = mrv.calculate(plots, records, factors="ipcc2019").query("source == 'soil_carbon'").set_index("year").sort_index()
    # Eq. 2.25: SOC_REF 38 t C/ha (tropical moist, LAC) × F_LU 1.10 (perennial) × F_MG 1.00 (full tillage,
    # nominal) × (F_I 1.44 − 1.00) = 18.392 t C/ha more at the new equilibrium, over D = 20 years:
    # 0.9196 t C/ha/yr × 1 ha (10 sào nam) → -0.9196 × 44/12 = -3.3719 t CO2 a year, a removal
    per_year = 38 * 1.10 * 1.00 * (1.44 - 1.00) / 20
    # a row in the change year and each of the 19 after it, recorded (2025, 2043) or not; none in 2044
    assert list(rows.index) == list(range(2024, 2044))
    assert rows["mass_kg"].tolist() == pytest.approx([-per_year * 1000 * 44 / 12] * 20, rel=REL)
    # over the series the soil takes up the whole difference of the equilibria: 18.392 t C
    assert -rows["mass_kg"].sum() / 1000 * 12 / 44 == pytest.approx(38 * 1.10 * (1.44 - 1.00), rel=REL)
    assert rows.loc[2025, "factor_value"] == pytest.approx(per_year * 1000, rel=REL)
    assert (rows.loc[2025, "input_type"], rows.loc[2025, "activity_amount"]) == ("input-high-manure", 1.0)
    # the trace names the relations: 1/D, and the difference of the new and the former F_I
    assert rows.loc[2025, "factor_ids"] == ("ipcc2019.SOC_REF.wet.low_activity_clay|ipcc2019.F_LU.perennial|"
                                            "ipcc2006.F_MG.full|1/ipcc2006.soc_transition|"
                                            "ipcc2006.F_I.manure.wet-ipcc2006.F_I.medium")
    assert rows.loc[2025, "ipcc_category"] == "3.B.2.a" and rows.loc[2025, "boundary"] == "afolu"
    # IPCC 2006: 47 × 1.00 × 1.00 × 0.44 / 20 = 1.034 t C/ha/yr
    old = mrv.calculate(plots, records, factors="ipcc2006").query("source == 'soil_carbon' and year == 2025")
    assert old["mass_kg"].sum() == pytest.approx(-47 * 1.00 * 0.44 / 20 * 1000 * 44 / 12, rel=REL)


def test_soil_carbon_loss_mineralises_n_into_direct_and_leached_n2o():
    """Half a hectare of sugarcane (long-term cultivated), no tillage before, fully tilled
    from 2025 with the input already low since 2020 (recorded then, from medium)."""
    plots = plots_frame({"crop": "mía", "area": "0,5"})
    records = records_frame(
        {"plot_id": "P1", "year": "2020", "activity": "soil_management", "product": "input-low",
         "previous_practice": "input-medium", "quantity": "0,5", "unit": "ha"},
        {"plot_id": "P1", "year": "2025", "activity": "soil_management", "product": "tillage-full",
         "previous_practice": "không làm đất", "quantity": "0,5", "unit": "ha"},
    )
    results = mrv.calculate(plots, records, factors="ipcc2019").query("year == 2025")
    soil = results.query("source == 'soil_carbon'").set_index("input_type")
    # the 2020 input change is still in force: 38 × 0.83 × 1.10 (no-till until 2025) × (0.92 − 1.00) / 20
    input_change = 38 * 0.83 * 1.10 * (0.92 - 1.00) / 20
    # the 2025 tillage change, at the low input then in force: 38 × 0.83 × 0.92 × (1.00 − 1.10) / 20
    tillage_change = 38 * 0.83 * 0.92 * (1.00 - 1.10) / 20
    assert soil.loc["input-low", "mass_kg"] == pytest.approx(-input_change * 0.5 * 1000 * 44 / 12, rel=REL)
    assert soil.loc["tillage-full", "mass_kg"] == pytest.approx(-tillage_change * 0.5 * 1000 * 44 / 12, rel=REL)
    # Eq. 11.8: the C lost in the year, 0.5 ha × (0.138776 + 0.145084) t/ha = 0.14193 t C, / R 10 = 14.193 kg N
    n_kg = -(input_change + tillage_change) * 0.5 * 1000 / 10
    direct = results.query("source == 'n2o_direct' and input_type == 'F_SOM'")
    assert direct["activity_amount"].sum() == pytest.approx(n_kg, rel=REL)
    # × EF1 (wet, other N inputs 0.006) × 44/28; leaching × Frac_LEACH 0.24 × EF5 0.011 × 44/28
    assert direct["mass_kg"].sum() == pytest.approx(n_kg * 0.006 * 44 / 28, rel=REL)
    leached = results.query("source == 'n2o_indirect_leaching' and input_type == 'F_SOM'")
    assert leached["mass_kg"].sum() == pytest.approx(n_kg * 0.24 * 0.011 * 44 / 28, rel=REL)


def _shade_trees(year: str, diameter: str, height: str) -> dict:
    return {"plot_id": "P1", "year": year, "activity": "kiểm kê cây", "product": "cây che bóng", "quantity": "120",
            "unit": "cây", "diameter_cm": diameter, "height_m": height, "wood_density": "0,55"}


def test_tier_2_removal_of_a_coffee_plot_with_120_shade_trees_measured_twice():
    """1 ha of coffee planted in 2015 (Tier 1 would apply) with 120 shade trees measured in
    2023 (D 20 cm, H 12 m) and in 2025 (D 24 cm, H 13.5 m), wood density 0.55 g/cm³."""
    plots = plots_frame({"planting_year": "2015"})
    urea = {"plot_id": "P1", "activity": "bón phân", "product": "urê", "quantity": "100", "unit": "kg"}
    records = records_frame(_shade_trees("2023", "20", "12"), {**urea, "year": "2024"},
                            _shade_trees("2025", "24", "13,5"), {**urea, "year": "2026"})
    rows = mrv.calculate(plots, records).query("source == 'biomass_carbon'").set_index("year")
    # Chave et al. 2014: AGB = 0.0673 × (ρ D² H)^0.976
    #   2023: 0.0673 × (0.55 × 20² × 12 = 2 640)^0.976 = 147.06 kg a tree
    #   2025: 0.0673 × (0.55 × 24² × 13.5 = 4 276.8)^0.976 = 235.50 kg a tree
    # stock = 120 trees × AGB × (1 + R 0.20) × CF 0.47: 9 953.2 kg C in 2023, 15 938.5 kg C in 2025
    stock = [120 * 0.0673 * (0.55 * d ** 2 * h) ** 0.976 * 1.20 * 0.47 for d, h in ((20, 12), (24, 13.5))]
    assert stock == pytest.approx([9953.16, 15938.50], abs=0.01)
    # (15 938.5 − 9 953.2) / 2 years = 2 992.67 kg C a year in 2024 and 2025: −10 973.1 kg CO2 each
    per_year = (stock[1] - stock[0]) / 2
    assert list(rows.index) == [2024, 2025]  # none in 2023 (no earlier inventory) nor 2026 (no later one)
    assert rows["mass_kg"].tolist() == pytest.approx([-per_year * 44 / 12] * 2, rel=REL)
    assert (rows.loc[2025, "input_type"], rows.loc[2025, "tier"]) == ("inventory", 2)
    assert rows.loc[2025, "factor_value"] == pytest.approx(per_year, rel=REL)  # kg C/ha on 1 ha
    assert rows.loc[2025, "factor_ids"] == "ipcc2006.carbon_fraction|1+ipcc2006.root_shoot.wet"  # × CF × (1 + R)
    # the plot keeps Tier 2 in every year: no Tier 1 growth row (it would be 2.6 t C/ha in 2024)
    assert "growth" not in set(rows["input_type"])


def test_stock_changes_have_a_row_in_every_year_of_their_series_recorded_or_not():
    """The shade trees above measured in 2023 and 2025 and nothing else recorded: 2024 has
    its Tier 2 row all the same. A soil practice change of 2025 calculated through 2028:
    a row in 2025, 2026, 2027 and 2028, none recorded after the change."""
    plots = plots_frame({"planting_year": "2015"})
    records = records_frame(_shade_trees("2023", "20", "12"), _shade_trees("2025", "24", "13,5"))
    rows = mrv.calculate(plots, records).query("source == 'biomass_carbon'").set_index("year").sort_index()
    per_year = (15938.50 - 9953.16) / 2  # kg C a year, as above
    assert list(rows.index) == [2024, 2025]
    assert rows["mass_kg"].tolist() == pytest.approx([-per_year * 44 / 12] * 2, abs=0.1)
    change = records_frame({"plot_id": "P1", "year": "2025", "activity": "thay đổi canh tác đất",
                            "product": "bón compost thường xuyên", "previous_practice": "đầu vào trung bình",
                            "quantity": "1", "unit": "ha"})
    soil = mrv.calculate(plots_frame({}), change, through=2028).query("source == 'soil_carbon'").set_index("year")
    # 38 × 1.10 × 1.00 × (1.44 − 1.00) / 20 = 0.9196 t C/ha a year (Eq. 2.25), in each year of the series
    assert sorted(soil.index) == [2025, 2026, 2027, 2028]
    assert soil["mass_kg"].tolist() == pytest.approx([-0.9196 * 1000 * 44 / 12] * 4, rel=1e-9)
    assert list(mrv.calculate(plots_frame({}), change).query("source == 'soil_carbon'")["year"]) == [2025]


def test_coffee_bushes_take_the_coffee_allometry():
    plots = plots_frame({})
    bushes = {"plot_id": "P1", "activity": "tree_inventory", "product": "cây cà phê", "quantity": "1100",
              "unit": "gốc", "height_m": "2"}
    records = records_frame({**bushes, "year": "2024", "diameter_cm": "5"}, {**bushes, "year": "2025", "diameter_cm": "6"})
    row = mrv.calculate(plots, records).query("source == 'biomass_carbon'").iloc[0]
    # Segura et al. 2006: log10 AGB = −1.113 + 1.578 log10 D15 + 0.581 log10 H
    #   D15 6 cm, H 2 m: 10^(−1.113 + 1.2279 + 0.1749) = 1.9490 kg; D15 5 cm: 10^(−1.113 + 1.1030 + 0.1749) = 1.4617 kg
    bush = [10 ** (-1.113 + 1.578 * np.log10(d) + 0.581 * np.log10(2)) for d in (5, 6)]
    assert bush == pytest.approx([1.4617, 1.9490], abs=1e-4)
    # 1 100 bushes × (1.9490 − 1.4617) kg × 1.20 × 0.47 = 302.3 kg C in one year
    assert row["mass_kg"] == pytest.approx(-1100 * (bush[1] - bush[0]) * 1.20 * 0.47 * 44 / 12, rel=REL)


def test_tillage_and_input_changed_in_the_same_year_add_up_to_the_whole_change():
    """Two plots (the practice look-ups must not mix them): P1 stops tilling and starts
    mulching in 2021; P2 starts compost in 2019, has no record of its tillage."""
    plots = plots_frame({}, {})
    change = {"activity": "soil_management", "quantity": "1", "unit": "ha"}
    records = records_frame(
        {**change, "plot_id": "P1", "year": "2021", "product": "tillage-none", "previous_practice": "tillage-full"},
        {**change, "plot_id": "P1", "year": "2021", "product": "input-high", "previous_practice": "input-low"},
        {**change, "plot_id": "P2", "year": "2019", "product": "input-high-manure", "previous_practice": "input-medium"},
        *({"plot_id": p, "year": str(y), "activity": "diesel", "use": "pump", "quantity": "0", "unit": "L"}
          for p in ("P1", "P2") for y in range(2019, 2045)),
    )
    soil = mrv.calculate(plots, records, factors="ipcc2019").query("source == 'soil_carbon'")
    whole_c = soil.groupby("plot_id")["mass_kg"].sum() / -1000 * 12 / 44
    # P1, over its 20 years: 38 × 1.10 × (F_MG 1.10 × F_I 1.11 − 1.00 × 0.92) = 38 × 1.10 × 0.301 = 12.5818 t C;
    # the input change is taken at full tillage (1.00 × 0.19), the tillage change at high input (1.11 × 0.10)
    assert whole_c["P1"] == pytest.approx(38 * 1.10 * (1.10 * 1.11 - 1.00 * 0.92), rel=1e-9)
    p1 = soil[(soil["plot_id"] == "P1") & (soil["year"] == 2030)].set_index("input_type")["mass_kg"]
    assert p1["input-high"] == pytest.approx(-38 * 1.10 * 1.00 * (1.11 - 0.92) / 20 * 1000 * 44 / 12, rel=1e-9)
    assert p1["tillage-none"] == pytest.approx(-38 * 1.10 * 1.11 * (1.10 - 1.00) / 20 * 1000 * 44 / 12, rel=1e-9)
    # P2: 38 × 1.10 × 1.00 (nominal full tillage) × (1.44 − 1.00) = 18.392 t C
    assert whole_c["P2"] == pytest.approx(38 * 1.10 * (1.44 - 1.00), rel=1e-9)
