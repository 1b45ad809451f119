"""Uncertainty: factor draws read from their rows, Monte Carlo against the central values,
shared draws for baseline and project, Approach 1 worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import mrv
from tests.helpers import plots_frame, records_frame
from tests.test_reductions import typed

DRAWS = 10_000


def province(plots: pd.DataFrame, records: pd.DataFrame, pilots: pd.DataFrame | None = None) -> mrv.ProvinceYear:
    """A province-year of the given plots, without practice profiles or commune statistics."""
    results = mrv.calculate(plots, records)
    pilots = pilots if pilots is not None else pd.DataFrame(
        columns=["pilot_model_id", "plot_id", "role", "area_ha", "start_year", "crop"])
    return mrv.ProvinceYear(2025, results, mrv.normalize(plots, records), pilots, pd.DataFrame(), results.iloc[:0],
                            pd.DataFrame(), pd.DataFrame(), ["24133"])


def urea(plot: str, kg: float, evidence: str = "hoá đơn") -> dict:
    return {"plot_id": plot, "activity": "fertiliser", "product": "urea", "quantity": typed(kg), "evidence": evidence}


def test_each_distribution_reproduces_its_rows_range():
    ids = ["ipcc2019.EF1.wet.F_SN", "ipcc2006.EF1", "ipcc2019.EF5", "ipcc2006.Frac_LEACH", "ipcc2006.EF_urea"]
    draws = mrv.draw_factors("ipcc2019", ids, 200_000, np.random.default_rng(7))
    values = {factor: draws.ratios[i] * value for i, (factor, value) in
              enumerate(zip(ids, [0.016, 0.01, 0.011, 0.30, 0.20]))}
    # normal, 0.016 (0.013–0.019): the 2.5th and 97.5th percentiles are the range's ends
    assert np.quantile(values[ids[0]], [0.025, 0.975]) == pytest.approx([0.013, 0.019], rel=0.01)
    # lognormal, 0.01 (0.003–0.03): median 0.01, percentiles 0.003 and 0.03
    assert np.quantile(values[ids[1]], [0.025, 0.5, 0.975]) == pytest.approx([0.003, 0.01, 0.03], rel=0.02)
    # triangular 0, 0.011, 0.02: mean (0 + 0.011 + 0.02) / 3 = 0.010333, never outside 0–0.02
    assert values[ids[2]].mean() == pytest.approx(0.031 / 3, rel=0.01)
    assert values[ids[2]].min() >= 0 and values[ids[2]].max() <= 0.02
    # a fraction never leaves 0–1, however wide its lognormal (0.30, 0.1–0.8)
    assert 0 < values[ids[3]].min() and values[ids[3]].max() <= 1
    # a row without a range is held at its value, and said so
    assert (values[ids[4]] == 0.20).all() and draws.held == ("ipcc2006.EF_urea",)


def test_monte_carlo_mean_converges_to_the_central_value_for_a_symmetric_factor():
    year = province(plots_frame({}), records_frame(urea("P1", 500)))
    table = mrv.uncertainty(year, draws=DRAWS, seed=3).table.set_index("item")
    direct = table.loc["direct N2O from managed soils"]
    # 500 kg urea × 0.46 = 230 kg N × EF1 0.016 × 44/28 × 265 / 1000 = 1.5324 t CO2e
    assert direct["central_t"] == pytest.approx(230 * 0.016 * 44 / 28 * 265 / 1000, rel=1e-9)
    assert direct["mean_t"] == pytest.approx(direct["central_t"], rel=0.01)
    assert direct["lower_t"] < direct["central_t"] < direct["upper_t"]


def test_approach_1_by_hand():
    year = province(plots_frame({}), records_frame(urea("P1", 100, "hoá đơn"), urea("P1", 100, "phỏng vấn")))
    table = mrv.uncertainty(year, draws=1000).table.set_index("item")
    # activity: invoice ±5 % and recall ±30 % on 100 kg each → √(5² + 30²) / 200 = 15.207 %
    # EF1 wet synthetic 0.016 (0.013–0.019) → ±0.003 / 0.016 = 18.75 %
    activity, factor = np.hypot(5, 30) / 200 * 100, 0.003 / 0.016 * 100
    assert table.loc["direct N2O from managed soils", "approach1_pct"] == pytest.approx(np.hypot(activity, factor), rel=1e-9)
    # urea CO2: EF_urea has no range (held), so only the activity error remains
    assert table.loc["CO2 from urea application", "approach1_pct"] == pytest.approx(activity, rel=1e-9)


def test_a_soil_carbon_change_is_drawn_as_a_difference_and_trees_with_their_roots():
    """Rows not proportional to each factor: the soil carbon change moves with
    F_new − F_old, a tree stock with CF × (1 + R). Their draws and Approach 1 follow."""
    ids = ["ipcc2006.F_I.manure.wet", "ipcc2006.F_I.medium", "ipcc2006.root_shoot.wet"]
    draws = mrv.draw_factors("ipcc2019", ids, 200_000, np.random.default_rng(5))
    manure = draws.ratios[0] * 1.44
    difference = draws.token_ratio("ipcc2006.F_I.manure.wet-ipcc2006.F_I.medium")
    # medium input is held at 1.00: the change is (1.44 r − 1.00) / 0.44 of its central value
    assert difference == pytest.approx((manure - 1.00) / 0.44, rel=1e-12)
    # its spread: sd 0.0955 (normal, 1.44 ± 13 % = 1.2528–1.6272 over 2 × 1.96) / 0.44 = 21.7 %,
    # not the 6.6 % of 1.44 alone
    assert difference.std() == pytest.approx((1.6272 - 1.2528) / (2 * 1.959964) / 0.44, rel=0.02)
    roots = draws.token_ratio("1+ipcc2006.root_shoot.wet")
    assert roots == pytest.approx((1 + 0.20 * draws.ratios[2]) / 1.20, rel=1e-12)
    # Approach 1 elasticities: 1.44 / 0.44 = 3.2727 for F_new, −1 / 0.44 for F_old; 0.20 / 1.20 for R
    assert draws.elasticities("ipcc2006.F_I.manure.wet-ipcc2006.F_I.medium") == pytest.approx(
        {"ipcc2006.F_I.manure.wet": 1.44 / 0.44, "ipcc2006.F_I.medium": -1.00 / 0.44})
    assert draws.elasticities("1+ipcc2006.root_shoot.wet") == pytest.approx({"ipcc2006.root_shoot.wet": 0.2 / 1.2})
    # a factor that worked out a row's activity (`~id`, crop residue N from a harvest) does not move the row
    assert (draws.token_ratio("~ipcc2006.root_shoot.wet") == 1.0).all()
    assert draws.elasticities("~ipcc2006.root_shoot.wet") == {"ipcc2006.root_shoot.wet": 0.0}


def test_approach_1_of_a_soil_carbon_gain_by_hand():
    plots = plots_frame({})
    change = {"plot_id": "P1", "activity": "soil_management", "product": "input-high-manure",
              "previous_practice": "input-medium", "quantity": "1", "unit": "ha", "evidence": "cân đo"}
    table = mrv.uncertainty(province(plots, records_frame(change)), draws=1000).table.set_index("item")
    # SOC_REF 38 ± 5 %, F_LU 1.10 ± 25 %, F_I 1.44 (1.253–1.627: ± 12.99 %) with elasticity 1.44 / 0.44,
    # the rest held; soil carbon has no activity behind it in sources.csv, so no activity error
    manure = (1.627 - 1.44) / 1.44 * 100
    expected = np.sqrt(5 ** 2 + 25 ** 2 + (manure * 1.44 / 0.44) ** 2)
    assert table.loc["removals", "approach1_pct"] == pytest.approx(expected, rel=1e-9)


def test_shared_draws_give_a_narrower_reduction_interval_than_independent_ones():
    plots = plots_frame({}, {})
    records = records_frame(urea("P1", 300, "sổ ghi chép"), urea("P2", 500, "sổ ghi chép"))
    pilots = pd.DataFrame({"pilot_model_id": ["M1", "M1"], "plot_id": ["P1", "P2"], "role": ["pilot", "control"],
                           "area_ha": [1.0, 1.0], "start_year": [2025, 2025], "crop": ["coffee", "coffee"]})
    year = province(plots, records, pilots)

    def width(shared: bool) -> float:
        row = mrv.uncertainty(year, draws=DRAWS, seed=5, shared=shared).table.set_index("item").loc["pilot_reduction"]
        return row["upper_t"] - row["lower_t"]

    central = mrv.uncertainty(year, draws=10).table.set_index("item").loc["pilot_reduction", "central_t"]
    afolu = mrv.calculate(plots, records).query("boundary == 'afolu'").groupby("plot_id", observed=True)["co2e_kg"].sum()
    # control 500 kg urea minus pilot 300 kg urea, both 1 ha: 200 kg of urea's emissions
    assert central == pytest.approx((afolu["P2"] - afolu["P1"]) / 1000, rel=1e-9) and central > 0
    assert width(True) < width(False)


def test_the_same_seed_gives_the_same_table():
    year = province(plots_frame({}), records_frame(urea("P1", 500)))
    first, again = mrv.uncertainty(year, draws=500, seed=11), mrv.uncertainty(year, draws=500, seed=11)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert first.evidence.to_dict() == {"invoice": 1}


@settings(max_examples=20, deadline=None)
@given(st.floats(10, 1000), st.floats(0.1, 10))
@example(10.5, 0.25)  # 2.625 kg of dolomite: written so that it cannot read as 2 625
def test_the_total_is_the_sum_of_its_sources_in_every_draw(kg, scale):
    records = records_frame(urea("P1", kg), {"plot_id": "P1", "activity": "lime", "product": "dolomite",
                                             "quantity": typed(kg * scale), "evidence": "sổ ghi chép"})
    table = mrv.uncertainty(province(plots_frame({}), records), draws=200).table.set_index("item")
    sources = table.drop(index=["total", "afolu"])
    assert sources["central_t"].sum() == pytest.approx(table.loc["total", "central_t"], rel=1e-9)
    assert sources["mean_t"].sum() == pytest.approx(table.loc["total", "mean_t"], rel=1e-9)
    assert (table["lower_t"] >= 0).all()


def test_removals_are_an_item_of_their_own_and_never_netted_into_the_total():
    plots = plots_frame({"planting_year": 2023})
    year = province(plots, records_frame(urea("P1", 200)))
    table = mrv.uncertainty(year, draws=200).table.set_index("item")
    results = mrv.calculate(plots, records_frame(urea("P1", 200)))
    # planted 2023, year 2025: growing, 2.6 t C/ha/yr × 44/12 = 9.5333 t CO2 removed from 1 ha
    assert table.loc["removals", "central_t"] == pytest.approx(-2.6 * 44 / 12, rel=1e-9)
    assert table.loc["total", "central_t"] == pytest.approx(results.loc[results["mass_kg"] > 0, "co2e_kg"].sum() / 1000)
    assert table.loc["total", "central_t"] > 0 and mrv.catalogue("sources").loc["biomass_carbon", "name_en"] not in table.index
