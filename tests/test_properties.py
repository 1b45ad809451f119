"""Properties that must always hold, checked with hypothesis on random plots and records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mrv
from tests.helpers import plots_frame, records_frame

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CROPS = ["coffee", "sugarcane", "durian", "pepper", "maize", "cassava"]
RECORD_KINDS = [
    ("fertiliser", "urea", "kg", ""), ("fertiliser", "npk-16-16-8", "bao", ""), ("fertiliser", "sa", "tạ", ""),
    ("fertiliser", "compost", "tấn", "1.5"), ("fertiliser", "manure", "kg", "2"),
    ("lime", "limestone", "kg", ""), ("lime", "dolomite", "tạ", ""), ("lime", "quicklime", "kg", ""),
    ("diesel", "", "L", ""), ("electricity", "", "kWh", ""),
]

amounts = st.integers(min_value=0, max_value=5000)
#: Harvest products of the field crops: maize's residues have Table 11.2 factors, the others none.
HARVESTS = {"maize": "ngô hạt", "cassava": "củ sắn tươi", "sugarcane": "mía cây"}


@st.composite
def farms(draw, min_plots=1, max_plots=4):
    """Random plots (crop, climate, irrigation) with random records of every kind."""
    n = draw(st.integers(min_plots, max_plots))
    plots = [{"crop": draw(st.sampled_from(CROPS)), "climate": draw(st.sampled_from(["wet", "dry"])),
              "irrigation": draw(st.sampled_from(["none", "drip", "basin", "sprinkler"]))} for _ in range(n)]
    records = []
    for i, plot in enumerate(plots):
        for activity, product, unit, n_content in draw(st.lists(st.sampled_from(RECORD_KINDS), min_size=1, max_size=5)):
            record = {"plot_id": f"P{i + 1}", "activity": activity, "product": product,
                      "quantity": draw(amounts), "unit": unit, "n_content": n_content}
            if activity == "diesel":
                record["use"] = draw(st.sampled_from(["pump", "machinery"]))
            records.append(record)
        if plot["crop"] == "sugarcane" and draw(st.booleans()):
            records.append({"plot_id": f"P{i + 1}", "activity": "residue_burning", "quantity": draw(st.integers(0, 3)), "unit": "ha"})
    return plots, records


def keyed(results: pd.DataFrame) -> pd.Series:
    key = ["plot_id", "year", "source", "gas", "input_type", "season"]
    return results.astype({k: str for k in key}).set_index(key)["mass_kg"].sort_index()


@SETTINGS
@given(farms(), st.integers(min_value=1, max_value=7))
def test_linear_in_every_input(farm, k):
    plots, records = farm
    base = mrv.calculate(plots_frame(*plots), records_frame(*records))
    scaled_records = [{**r, "quantity": int(r["quantity"]) * k} for r in records]
    scaled = mrv.calculate(plots_frame(*plots), records_frame(*scaled_records))
    pd.testing.assert_series_equal(keyed(scaled), keyed(base) * k, rtol=1e-12, check_names=False)


@SETTINGS
@given(farms(min_plots=2, max_plots=5), st.data())
def test_additive_across_plots(farm, data):
    plots, records = farm
    split = data.draw(st.integers(1, len(plots) - 1))
    together = mrv.calculate(plots_frame(*plots), records_frame(*records))
    ids = [f"P{i + 1}" for i in range(len(plots))]
    parts = []
    for chosen in (ids[:split], ids[split:]):
        part_plots = plots_frame(*plots)
        part_plots = part_plots[part_plots["plot_id"].isin(chosen)]
        part_records = records_frame(*[r for r in records if r["plot_id"] in chosen])
        if len(part_records):
            parts.append(mrv.calculate(part_plots, part_records))
    pd.testing.assert_series_equal(keyed(together), keyed(pd.concat(parts)).sort_index(), rtol=1e-12, check_names=False)
    assert together["co2e_kg"].sum() == pytest.approx(sum(p["co2e_kg"].sum() for p in parts), rel=1e-12)


@SETTINGS
@given(st.integers(min_value=1, max_value=400), st.sampled_from(CROPS))
def test_invariant_under_equivalent_units(bags, crop):
    # 5 sào nam of 1 000 m² = 0.5 ha; bags of urea × 50 kg = kg; tạ × 100 = kg
    plots_a = plots_frame({"crop": crop, "area": "5", "area_unit": "sào nam"})
    plots_b = plots_frame({"crop": crop, "area": "0,5", "area_unit": "ha"})
    records_a = records_frame(
        {"plot_id": "P1", "activity": "fertiliser", "product": "phân urê", "quantity": bags, "unit": "bao"},
        {"plot_id": "P1", "activity": "lime", "product": "đá vôi", "quantity": bags, "unit": "tạ"},
    )
    records_b = records_frame(
        {"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": bags * 50, "unit": "kg"},
        {"plot_id": "P1", "activity": "lime", "product": "limestone", "quantity": bags * 100, "unit": "kg"},
    )
    a = mrv.calculate(plots_a, records_a)
    b = mrv.calculate(plots_b, records_b)
    pd.testing.assert_series_equal(keyed(a), keyed(b), rtol=1e-12)
    activity_a, activity_b = mrv.normalize(plots_a, records_a), mrv.normalize(plots_b, records_b)
    assert activity_a["plot_area_ha"].iloc[0] == pytest.approx(0.5) == activity_b["plot_area_ha"].iloc[0]


#: GWP100 by set and gas (AR4 Table 2.14, AR5 Table 8.7, AR6 Table 7.SM.7 and 7.15); AR6-origin
#: gives CH4 of fossil carbon (on-farm diesel, the only fossil CH4 source) 29.8 instead.
GWP100 = {"AR4": {"CO2": 1, "CH4": 25, "N2O": 298}, "AR5": {"CO2": 1, "CH4": 28, "N2O": 265},
          "AR6": {"CO2": 1, "CH4": 27.9, "N2O": 273}, "AR6-origin": {"CO2": 1, "CH4": 27.0, "N2O": 273}}


def gwp_of_rows(results: pd.DataFrame, gwp: str) -> np.ndarray:
    values = np.asarray(results["gas"].astype(str).map(GWP100[gwp]), dtype="float64")  # float even with no rows
    fossil_ch4 = ((results["gas"] == "CH4") & (results["source"] == "energy_diesel")).to_numpy()
    return np.where(fossil_ch4 & (gwp == "AR6-origin"), 29.8, values)


@SETTINGS
@given(farms(), st.sampled_from(["AR4", "AR5", "AR6", "AR6-origin"]), st.sampled_from(["ipcc2019", "ipcc2006", "vn2022"]))
def test_co2e_is_mass_times_gwp_and_nothing_is_negative(farm, gwp, profile):
    plots, records = farm
    results = mrv.calculate(plots_frame(*plots), records_frame(*records), factors=profile, gwp=gwp)
    np.testing.assert_allclose(results["co2e_kg"], results["mass_kg"] * gwp_of_rows(results, gwp), rtol=1e-15)
    assert (results["mass_kg"] >= 0).all() and (results["activity_amount"] > 0).all()
    assert (results["factor_value"] >= 0).all()
    # CO2e is derived: switching the GWP afterwards gives the same as calculating with it.
    other = mrv.with_gwp(results, "AR5")
    direct = mrv.calculate(plots_frame(*plots), records_frame(*records), factors=profile, gwp="AR5")
    np.testing.assert_allclose(other["co2e_kg"], direct["co2e_kg"], rtol=1e-15)


@SETTINGS
@given(farms())
def test_every_row_is_traced_to_factors_of_its_profile(farm):
    plots, records = farm
    results = mrv.calculate(plots_frame(*plots), records_frame(*records), factors="vn2022")
    profile = mrv.factor_profile("vn2022")
    known = set(profile.rows["id"])
    for ids in results["factor_ids"].astype(str).unique():
        assert ids and set(ids.split("|")) <= known
    assert results["boundary"].isin(["afolu", "energy", "scope2"]).all()
    assert results["ipcc_category"].notna().all() and results["tier"].isin([1, 2, 3]).all()


@SETTINGS
@given(st.sampled_from(["wet", "dry"]), st.integers(min_value=0, max_value=30), st.sampled_from(["coffee", "durian",
                                                                                               "pepper"]))
def test_a_plots_biomass_stock_grows_over_its_cycle_and_not_after(climate, years, crop):
    plots = plots_frame({"crop": crop, "climate": climate, "planting_year": "2000"})
    records = records_frame(*({"plot_id": "P1", "year": str(2000 + k), "activity": "fertiliser", "product": "urea",
                               "quantity": "10"} for k in range(years + 1)))
    rows = mrv.calculate(plots, records).query("source == 'biomass_carbon'")
    assert (rows["mass_kg"] < 0).all()  # growth only: removals
    stock_c = -rows["mass_kg"].sum() / (44 / 12) / 1000  # t C held after the last year
    cycle = {"wet": 8, "dry": 5}[climate]  # IPCC 2006 Table 5.1: 8 years of 2.6, 5 years of 1.8 t C/ha
    growth = {"wet": 2.6, "dry": 1.8}[climate]
    assert stock_c <= cycle * growth * (1 + 1e-12)
    assert stock_c == pytest.approx(min(years + 1, cycle) * growth, rel=1e-12)


@SETTINGS
@given(farms(), st.lists(st.integers(min_value=1990, max_value=2025), min_size=4, max_size=4))
def test_doubling_a_plot_doubles_every_source_and_removals_enter_totals_with_their_sign(farm, planted):
    plots, records = farm
    plots = [{**plot, "planting_year": str(year), "area": "1"} for plot, year in zip(plots, planted)]
    doubled_plots = [{**plot, "area": "2"} for plot in plots]
    doubled_records = [{**r, "quantity": int(r["quantity"]) * 2} for r in records]
    base = mrv.calculate(plots_frame(*plots), records_frame(*records))
    doubled = mrv.calculate(plots_frame(*doubled_plots), records_frame(*doubled_records))
    pd.testing.assert_series_equal(keyed(doubled), keyed(base) * 2, rtol=1e-12, check_names=False)
    removals = base[base["mass_kg"] < 0]
    assert set(removals["source"]) <= {"biomass_carbon"} and (removals["input_type"] == "growth").all()
    totals = mrv.rollup(base, by=("source",))
    assert totals["co2e_kg"].sum() == pytest.approx(base["co2e_kg"].sum(), rel=1e-12, abs=1e-9)
    biomass = base.loc[base["source"] == "biomass_carbon", "co2e_kg"].sum()
    assert totals.loc[totals["source"] == "biomass_carbon", "co2e_kg"].sum() == pytest.approx(biomass, abs=1e-9)


REGIMES = ["ngập liên tục", "rút nước một lần", "ướt khô xen kẽ", "nhờ nước trời", "lúa cạn"]


@SETTINGS
@given(st.integers(1, 50), st.lists(st.tuples(st.sampled_from(REGIMES), st.integers(60, 150), st.integers(0, 80),
                                              st.sampled_from(["rơm rạ vùi sớm", "rơm rạ vùi muộn"])),
                                    min_size=1, max_size=3),
       st.sampled_from(["ipcc2019", "ipcc2006", "vn2022"]))
def test_rice_seasons_are_linear_in_area_and_the_same_in_sào_or_ha(sao, seasons, factors):
    """Rice CH4 (Eq. 5.1–5.3) scales with area when the amendments per ha stay the same: 2k
    sào nam (1 000 m²) of rice with 2× the straw equal k/10 ha with the straw as it was, ×2."""
    names = ["Đông Xuân", "Hè Thu", "Thu Đông"]

    def records(area: str, unit: str, scale: int) -> pd.DataFrame:
        rows = []
        for (regime, days, straw, product), season in zip(seasons, names):
            rows.append({"plot_id": "P1", "activity": "vụ lúa", "quantity": area, "unit": unit, "season": season,
                         "days": str(days), "water_regime": regime})
            rows.append({"plot_id": "P1", "activity": "vùi rơm rạ", "product": product, "quantity": str(straw * scale),
                         "unit": "tạ", "season": season, "dry_matter": "85"})
            rows.append({"plot_id": "P1", "activity": "bón phân", "product": "urê", "quantity": str(straw * scale),
                         "unit": "kg", "season": season})
        return records_frame(*rows)

    rice = plots_frame({"crop": "lúa", "area": "1000", "area_unit": "ha"})
    in_ha = mrv.calculate(rice, records(f"{sao / 10:g}", "ha", 1), factors)
    in_sao = mrv.calculate(rice, records(str(2 * sao), "sào nam", 2), factors)
    pd.testing.assert_series_equal(keyed(in_sao), keyed(in_ha) * 2, rtol=1e-9, check_names=False)
    ch4 = in_ha[in_ha["source"] == "rice_ch4"]
    assert (ch4["mass_kg"] > 0).all() and "upland" not in set(ch4["input_type"])
    flooded = sum(regime != "lúa cạn" for regime, *_ in seasons)
    assert len(ch4) == flooded and set(ch4["season"]) <= {"winter_spring", "summer_autumn", "autumn_winter"}


PRACTICES = {"F_MG": ["tillage-full", "tillage-reduced", "tillage-none"],
             "F_I": ["input-low", "input-medium", "input-high", "input-high-manure"]}


@SETTINGS
@given(st.integers(1, 50), st.sampled_from(list(PRACTICES)), st.data(), st.sampled_from(["coffee", "sugarcane", "lúa"]),
       st.sampled_from(["wet", "dry"]), st.sampled_from(["ipcc2019", "ipcc2006", "vn2022"]))
def test_a_practice_change_moves_the_soil_to_its_new_stock_over_20_years(sao, factor, data, crop, climate, factors):
    """Eq. 2.25: the rows of the 20 years after a change add up to the whole change of the
    equilibrium stock, SOC_REF × F_LU × (F_new − F_old) × area; a gain is a removal; k sào
    nam are k/10 ha, and twice the area gives twice every row."""
    old, new = data.draw(st.lists(st.sampled_from(PRACTICES[factor]), min_size=2, max_size=2, unique=True))
    plots = plots_frame({"crop": crop, "climate": climate, "area": "1000"})

    def run(quantity: str, unit: str) -> pd.DataFrame:
        change = {"plot_id": "P1", "year": "2020", "activity": "soil_management", "product": new,
                  "previous_practice": old, "quantity": quantity, "unit": unit}
        years = [{"plot_id": "P1", "year": str(y), "activity": "diesel", "use": "pump", "quantity": "0", "unit": "L"}
                 for y in range(2020, 2046)]
        return mrv.calculate(plots, records_frame(change, *years), factors).query("source == 'soil_carbon'")

    in_ha, in_sao, doubled = run(f"{sao / 10:g}", "ha"), run(str(sao), "sào nam"), run(str(2 * sao), "sào nam")
    pd.testing.assert_series_equal(keyed(in_sao), keyed(in_ha), rtol=1e-9, check_names=False)
    pd.testing.assert_series_equal(keyed(doubled), keyed(in_ha) * 2, rtol=1e-9, check_names=False)
    assert sorted(in_ha["year"]) == list(range(2020, 2040))
    value = mrv.factor_profile(factors).rows.set_index("id")["value"]
    reference, land_use, _, _, change = in_ha["factor_ids"].iloc[0].split("|")
    f_new, f_old = change.split("-")
    whole_change_t = value[reference] * value[land_use] * (value[f_new] - value[f_old]) * sao / 10
    assert in_ha["mass_kg"].sum() == pytest.approx(-whole_change_t * 1000 * 44 / 12, rel=1e-9)
    assert ((in_ha["mass_kg"] < 0) == (value[f_new] > value[f_old])).all()


@SETTINGS
@given(st.integers(1, 500), st.lists(st.tuples(st.floats(2, 60), st.floats(1.5, 30)), min_size=2, max_size=4),
       st.sampled_from(["cây che bóng", "cây sầu riêng", "cây cà phê"]), st.sampled_from(["wet", "dry"]))
def test_tree_inventories_are_linear_in_trees_and_a_plot_keeps_one_tier(count, measures, kind, climate):
    """Tier 2 (Eq. 2.8): twice the trees give twice every row; the rows between the first and
    the last inventory add up to the stock difference, negative when the trees grew; the
    plot, planted in 2010, never gets a Tier 1 row."""
    plots = plots_frame({"planting_year": "2018", "climate": climate})

    def run(trees: int) -> pd.DataFrame:
        rows = [{"plot_id": "P1", "year": str(2020 + 2 * i), "activity": "tree_inventory", "product": kind,
                 "quantity": str(trees), "unit": "cây", "diameter_cm": f"{d:.2f}", "height_m": f"{h:.2f}",
                 "wood_density": "0.6" if kind != "cây cà phê" else ""} for i, (d, h) in enumerate(measures)]
        rows += [{"plot_id": "P1", "year": str(y), "activity": "diesel", "use": "pump", "quantity": "0", "unit": "L"}
                 for y in range(2018, 2030)]
        return mrv.calculate(plots, records_frame(*rows)).query("source == 'biomass_carbon'")

    base, doubled = run(count), run(2 * count)
    pd.testing.assert_series_equal(keyed(doubled), keyed(base) * 2, rtol=1e-9, check_names=False)
    assert set(base["input_type"]) == {"inventory"} and (base["tier"] == 2).all()
    assert sorted(base["year"]) == list(range(2021, 2020 + 2 * (len(measures) - 1) + 1))
    (d0, h0), (d1, h1) = (tuple(float(f"{x:.2f}") for x in m) for m in (measures[0], measures[-1]))
    if kind != "cây cà phê" and d1 ** 2 * h1 != d0 ** 2 * h0:  # Chave et al.: AGB grows with ρ D² H
        assert (base["mass_kg"].sum() < 0) == (d1 ** 2 * h1 > d0 ** 2 * h0)


SEASONS = ["Đông Xuân", "Hè Thu"]
WATER = ["ngập liên tục", "ướt khô xen kẽ"]
#: Sources whose rows may be removals (a negative mass): growing trees, soil carbon gained.
REMOVALS = {"biomass_carbon", "soil_carbon"}
#: Whole farms take a tenth of a second or more to calculate: fewer examples of them.
WHOLE = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def whole_farms(draw, min_plots=1, max_plots=4):
    """Random plots of every kind the engine knows, each with an area in ha: fields with
    inputs and harvests; rice with one or two seasons (days, water regime, straw, urea,
    harvest per season); perennials with a planting year, a clearing, a soil practice change
    and a pair of tree inventories (2023 and 2025), each of those drawn or not. Quantities
    are whole numbers."""
    n = draw(st.integers(min_plots, max_plots))
    plots, records = [], []
    for i in range(n):
        plot_id, area = f"P{i + 1}", draw(st.integers(1, 5))
        kind = draw(st.sampled_from(["field", "rice", "perennial"]))
        plot = {"area": area, "climate": draw(st.sampled_from(["wet", "dry"])),
                "irrigation": draw(st.sampled_from(["none", "drip", "basin", "sprinkler"]))}

        seasons = draw(st.lists(st.sampled_from(SEASONS), min_size=1, max_size=2, unique=True))

        def add(**record):
            records.append({"plot_id": plot_id, "n_content": "", **record})

        for activity, product, unit, n_content in draw(st.lists(st.sampled_from(RECORD_KINDS), max_size=3)):
            use = draw(st.sampled_from(["pump", "machinery"])) if activity == "diesel" else ""
            add(activity=activity, product=product, quantity=draw(amounts), unit=unit, n_content=n_content, use=use,
                season=seasons[0] if kind == "rice" else "")  # a rice plot's inputs belong to a season
        if kind == "rice":
            plot["crop"] = "lúa"
            for season in seasons:
                add(activity="vụ lúa", quantity=draw(st.integers(1, 10 * area)), unit="sào nam", season=season,
                    days=draw(st.integers(80, 130)), water_regime=draw(st.sampled_from(WATER)))
                if draw(st.booleans()):
                    add(activity="vùi rơm rạ", product="rơm rạ vùi sớm", quantity=draw(st.integers(1, 5)),
                        unit="tấn", season=season, dry_matter=str(draw(st.integers(60, 100))))
                if draw(st.booleans()):
                    add(activity="fertiliser", product="urea", quantity=draw(st.integers(0, 6)), unit="bao",
                        season=season)
                if draw(st.booleans()):  # its residues are F_CR unless the straw record says what was returned
                    add(activity="thu hoạch", product="thóc", quantity=draw(st.integers(1, 8 * area)), unit="tấn",
                        season=season)
        elif kind == "perennial":
            plot["crop"] = draw(st.sampled_from(["coffee", "durian", "pepper"]))
            plot["planting_year"] = draw(st.integers(2000, 2024))
            if draw(st.booleans()):
                add(activity="clearing", quantity=draw(st.integers(1, area)), unit="ha")
            if draw(st.booleans()):
                add(activity="thay đổi canh tác đất", product="bón compost thường xuyên",
                    quantity=draw(st.integers(1, 10 * area)), unit="sào nam", previous_practice="đầu vào trung bình")
            if draw(st.booleans()):
                trees, first = draw(st.integers(10, 300)), draw(st.integers(5, 20))
                for year, diameter, height in ((2023, first, 4), (2025, first + draw(st.integers(0, 10)), 6)):
                    add(year=year, activity="kiểm kê cây", product="cây sầu riêng", quantity=trees, unit="cây",
                        diameter_cm=diameter, height_m=height, wood_density="0,55")
        else:
            plot["crop"] = draw(st.sampled_from(CROPS))
            if plot["crop"] in HARVESTS and draw(st.booleans()):
                add(activity="thu hoạch", product=HARVESTS[plot["crop"]], quantity=draw(st.integers(1, 10 * area)),
                    unit="tấn")
            if plot["crop"] in ("sugarcane", "maize") and draw(st.booleans()):
                add(activity="residue_burning", quantity=draw(st.integers(1, area)), unit="ha")
        plots.append(plot)
    if not records:
        records.append({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": 1, "unit": "kg",
                        "n_content": ""})
    return plots, records


def _frames(plots: list[dict], records: list[dict]):
    frame = plots_frame(*plots)
    return frame, records_frame(*records)


def summed(results: pd.DataFrame) -> pd.Series:
    """Mass per plot, year, source, gas, input and season."""
    key = ["plot_id", "year", "source", "gas", "input_type", "season"]
    return results.astype({k: str for k in key}).groupby(key)["mass_kg"].sum().sort_index()


@WHOLE
@given(whole_farms(), st.integers(min_value=2, max_value=6))
def test_every_source_is_linear_in_the_farms_size(farm, k):
    """Areas, quantities, cleared and changed hectares and tree counts all × k: every row
    × k, rice seasons, straw, soil practice changes, tree growth and clearings included
    (rates per hectare, days, diameters and N contents stay as they are)."""
    plots, records = farm
    base = mrv.calculate(*_frames(plots, records))
    bigger = mrv.calculate(*_frames([{**p, "area": p["area"] * k} for p in plots],
                                    [{**r, "quantity": int(r["quantity"]) * k} for r in records]))
    pd.testing.assert_series_equal(summed(bigger), summed(base) * k, rtol=1e-9, check_names=False)


@WHOLE
@given(whole_farms(min_plots=2, max_plots=5), st.data())
def test_every_source_adds_up_across_plots(farm, data):
    plots, records = farm
    together = summed(mrv.calculate(*_frames(plots, records)))
    split = data.draw(st.integers(1, len(plots) - 1))
    parts = []
    for chosen in (range(split), range(split, len(plots))):
        ids = {f"P{i + 1}" for i in chosen}
        frame = plots_frame(*plots)
        part = [r for r in records if r["plot_id"] in ids]
        if part:
            parts.append(summed(mrv.calculate(frame[frame["plot_id"].isin(ids)], records_frame(*part))))
    pd.testing.assert_series_equal(together, pd.concat(parts).sort_index(), rtol=1e-12, check_names=False)


@WHOLE
@given(whole_farms(), st.sampled_from(["AR4", "AR5", "AR6", "AR6-origin"]), st.sampled_from(["ipcc2019", "ipcc2006", "vn2022"]))
def test_co2e_is_mass_times_gwp_for_every_source_and_only_carbon_stocks_remove(farm, gwp, profile):
    plots, records = farm
    results = mrv.calculate(*_frames(plots, records), factors=profile, gwp=gwp)
    np.testing.assert_allclose(results["co2e_kg"], results["mass_kg"].to_numpy() * gwp_of_rows(results, gwp),
                               rtol=1e-15)
    negative = results[results["mass_kg"] < 0]
    assert set(negative["source"].astype(str)) <= REMOVALS and (negative["gas"].astype(str) == "CO2").all()


@WHOLE
@given(whole_farms(), st.sampled_from(RECORD_KINDS), st.integers(min_value=1, max_value=5000), st.data())
def test_one_more_input_never_lowers_an_emission(farm, kind, quantity, data):
    """A fertiliser, lime, fuel or electricity record added to a plot raises or keeps every
    emission of every plot, source and gas, and raises the farm's total; quicklime (CaO,
    no carbonate left to release CO2: IPCC Vol. 4 Eq. 11.12 counts limestone and dolomite)
    keeps it."""
    plots, records = farm
    activity, product, unit, n_content = kind
    plot = f"P{data.draw(st.integers(1, len(plots)))}"
    season = next((r["season"] for r in records if r["plot_id"] == plot and r["activity"] == "vụ lúa"), "")
    extra = {"plot_id": plot, "activity": activity, "product": product, "quantity": quantity, "unit": unit,
             "n_content": n_content, "use": "pump" if activity in ("diesel", "electricity") else "", "season": season}
    before = summed(mrv.calculate(*_frames(plots, records)))
    after = summed(mrv.calculate(*_frames(plots, [*records, extra])))
    emissions = before[before > 0]
    assert (after.reindex(emissions.index) >= emissions * (1 - 1e-12)).all()
    if product == "quicklime":
        assert after.sum() == pytest.approx(before.sum(), rel=1e-12)
    else:
        assert after.sum() > before.sum()
