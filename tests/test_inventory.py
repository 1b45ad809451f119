"""The inventory export: codes from the categories package, every row in one line, scope 2
only in the memo, notation keys, a line worked by hand, and the totals of the report."""

from __future__ import annotations

import json
import os
import re
import subprocess

import climate_categories
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from tests.helpers import EXAMPLES, plots_frame, records_frame

runner = CliRunner()

#: One plot-year with every source: urea and compost, limestone and dolomite, burning, diesel, electricity.
EVERY_SOURCE = [
    {"activity": "fertiliser", "product": "urea", "quantity": "500", "unit": "kg"},
    {"activity": "fertiliser", "product": "compost", "quantity": "2", "unit": "tấn", "n_content": "1,5"},
    {"activity": "lime", "product": "limestone", "quantity": "300", "unit": "kg"},
    {"activity": "lime", "product": "dolomite", "quantity": "200", "unit": "kg"},
    {"activity": "residue_burning", "quantity": "1", "unit": "ha"},
    {"activity": "diesel", "quantity": "40", "unit": "L", "use": "pump"},
    {"activity": "diesel", "quantity": "60", "unit": "L", "use": "machinery"},
    {"activity": "electricity", "quantity": "800", "unit": "kWh"},
]


def every_source():
    plots = plots_frame({"crop": "sugarcane", "area": "2"})
    records = records_frame(*({"plot_id": "P1", **record} for record in EVERY_SOURCE))
    return mrv.calculate(plots, records), mrv.normalize(plots, records)


def test_every_code_is_in_the_categories_package_and_every_crt_row_is_one_key():
    lines = mrv.catalogue("inventory_lines")
    for _, line in lines.iterrows():
        assert line["ipcc2006"] in climate_categories.IPCC2006.keys(), line["id"]
        assert re.fullmatch(r"\d(\.[A-Z](\.\d(\.[a-z](\.(i|ii))?)?)?)?", line["crt"]) or line["crt"].startswith("1.A"), line["id"]
    # one line per CRT row, name and gas: no key twice in any format
    assert not lines.duplicated(["crt", "crt_name", "gas"]).any()
    assert mrv.category_name("3.C.2") == "Liming"
    with pytest.raises(KeyError):
        mrv.category_name("3.C.99")


def test_every_result_row_lands_in_exactly_one_line_and_scope_2_only_in_the_memo():
    results, _ = every_source()
    assert set(results["boundary"]) == {"afolu", "energy", "scope2"}
    assert (mrv.assign_lines(results) == 1).all()
    examples = mrv.calculate(mrv.read_table(EXAMPLES / "plots.csv"), mrv.read_table(EXAMPLES / "records.csv"))
    assert {"rice_ch4", "biomass_carbon"} <= set(examples["source"]) and (mrv.assign_lines(examples) == 1).all()
    # residue burning of every crop of the catalogue, each gas, lands in one 3.F row
    crops = mrv.catalogue("crops").index
    fires = pd.DataFrame({"source": "residue_burning", "crop": np.repeat(crops, 2), "gas": ["CH4", "N2O"] * len(crops),
                          "input_type": "crop residue"})
    assert (mrv.assign_lines(fires) == 1).all()
    lines = mrv.catalogue("inventory_lines")
    memo = lines[lines["block"] == "memo"]
    scope2 = results[results["boundary"] == "scope2"]
    assert set(scope2["source"]) <= set(memo["source"]) and not (set(results.loc[results["boundary"] != "scope2",
                                                                                    "source"]) & set(memo["source"]))


def test_crt_activity_data_and_implied_factors_by_hand():
    results, activity = every_source()
    table = mrv.inventory_table(results, mrv.occurrence(activity)).set_index(["line", "gas"])
    urea = table.loc[("urea", "CO2")]
    # 500 kg urea × EF 0.20 t C/t × 44/12 = 366.667 kg CO2 = 3.6667e-4 kt; activity 0.5 t; IEF 0.20 t CO2-C/t
    assert (urea["crt"], urea["ipcc2006"], urea["activity_unit"], urea["ief_unit"]) == ("3.H", "3.C.3", "t", "t CO2-C/t")
    assert urea["emissions"] == pytest.approx(500 * 0.20 * 44 / 12 / 1e6, rel=1e-12)
    assert (urea["activity_amount"], urea["ief"]) == (pytest.approx(0.5, rel=1e-12), pytest.approx(0.20, rel=1e-12))
    assert (urea["tier"], urea["factor_origin"]) == ("1", "ipcc")
    # burning 1 ha of sugarcane: 1 ha × 6.5 t dm/ha (Table 2.4) = 6.5 t = 0.0065 kt dm burnt;
    # CH4 = 6.5 t × 2.7 g/kg = 17.55 kg, IEF 2.7 kg/t dm (Table 2.5), in CRT row 3.F.4
    fire = table.loc[("burning_sugarcane_ch4", "CH4")]
    assert (fire["crt"], fire["activity_unit"]) == ("3.F.4", "kt dm")
    assert fire["activity_amount"] == pytest.approx(0.0065, rel=1e-12)
    assert fire["ief"] == pytest.approx(2.7, rel=1e-12) and fire["emissions"] == pytest.approx(17.55e-6, rel=1e-12)
    # the worksheet 3.C.1: A 1 ha × M_B 6.5 t dm/ha × C_f 1 × G_ef 2.7 g/kg = 17.55 kg = 0.01755 t
    sheet = mrv.ipcc_worksheets(results)["3.C.1"].set_index(["Crop", "Gas"]).loc[("sugarcane", "CH4")]
    assert sheet.iloc[1:5].tolist() == [1, pytest.approx(6.5), 1, pytest.approx(2.7)]
    assert sheet["Emissions (t)"] == pytest.approx(0.01755, rel=1e-12)
    # deposition: urea N 500 × 46 % = 230 kg × Frac_GASF 0.15 + compost N 2 000 × 1.5 % = 30 kg × Frac_GASM 0.21
    # = 34.5 + 6.3 = 40.8 kg N volatilised; N2O-N = 40.8 × EF4 0.014 (wet) = 0.5712 kg; IEF = EF4
    deposition = table.loc[("indirect_deposition", "N2O")]
    assert deposition["crt"] == "3.D.2.a" and deposition["activity_amount"] == pytest.approx(40.8, rel=1e-12)
    assert deposition["fraction"] == pytest.approx(40.8 / 260, rel=1e-12)  # Frac of the 260 kg N applied
    assert deposition["ief"] == pytest.approx(0.014, rel=1e-12)
    assert deposition["emissions"] == pytest.approx(40.8 * 0.014 * 44 / 28 / 1e6, rel=1e-12)
    # leaching: (230 + 30) kg N × Frac_LEACH 0.24 = 62.4 kg N leached; IEF = EF5 0.011
    leaching = table.loc[("indirect_leaching", "N2O")]
    assert leaching["activity_amount"] == pytest.approx(62.4, rel=1e-12) and leaching["ief"] == pytest.approx(0.011)
    assert leaching["fraction"] == pytest.approx(0.24, rel=1e-12) and np.isnan(table.loc[("urea", "CO2"), "fraction"])
    # direct: 230 kg synthetic N × EF1 0.016 (wet, synthetic) → IEF 0.016 kg N2O-N/kg N in 3.D.1.a
    direct = table.loc[("direct_inorganic", "N2O")]
    assert (direct["crt"], direct["activity_amount"], direct["ief"]) == ("3.D.1.a", 230, pytest.approx(0.016))
    # diesel for pumps: 40 L × 0.84 kg/L × 43.0 TJ/Gg = 0.0014448 TJ; CO2 IEF 74 100 kg/TJ (Vol. 2 Table 2.2)
    pump = table.loc[("diesel_stationary_co2", "CO2")]
    assert pump["activity_amount"] == pytest.approx(40 * 0.84 * 43.0 / 1e6, rel=1e-12)
    assert pump["ief"] == pytest.approx(74_100, rel=1e-12) and pump["activity_unit"] == "TJ"
    # grid electricity: 800 kWh = 0.8 MWh; a memo line
    grid = table.loc[("grid_electricity", "CO2")]
    assert grid["block"] == "memo" and grid["activity_amount"] == pytest.approx(0.8, rel=1e-12)


def test_rice_by_water_regime_and_the_worksheet_multiplies_out():
    from tests.test_equations import _awd_hectare
    plots, records = _awd_hectare(dry_matter="80")
    results = mrv.calculate(plots, records, factors="ipcc2019")
    table = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, records))).set_index("line")
    # 1 ha of AWD rice, 95 days: CH4 = 1.22 × 0.55 × 1.00 × (1 + 4 × 0.19)^0.59 kg/ha/d × 95 d = 88.963 kg
    # CRT 3.C.1.b.ii (multiple aeration): harvested area 1 ha = 0.001 kha; IEF 88.963 kg/ha = 8.8963 g/m²
    ch4 = 1.22 * 0.55 * 1.00 * (1 + 4 * 0.19) ** 0.59 * 95
    rice = table.loc["rice_multiple"]
    assert (rice["crt"], rice["activity_unit"], rice["ief_unit"]) == ("3.C.1.b.ii", "kha", "g/m2")
    assert rice["activity_amount"] == pytest.approx(0.001, rel=1e-12) and rice["ief"] == pytest.approx(ch4 / 10, rel=1e-9)
    assert table.loc["rice_single", "notation"] == "NE" and table.loc["rice_upland", "notation"] == "NA"
    sheet = mrv.ipcc_worksheets(results)["3.C.7"].set_index("Water regime").loc["multiple_drainage"]
    assert sheet["Harvested area A (ha)"] == 1 and sheet["Cultivation period t (days)"] == pytest.approx(95, rel=1e-12)
    assert sheet["Baseline emission factor EF_c (kg CH4/ha/day)"] == pytest.approx(1.22, rel=1e-12)
    assert sheet["Scaling factor SF_w"] == pytest.approx(0.55) and sheet["Scaling factor SF_o"] == pytest.approx(
        1.76 ** 0.59, rel=1e-9)
    product = np.prod(sheet.iloc[:6].to_numpy(dtype=float)) * 1e-6  # A × t × EF_c × SF_w × SF_p × SF_o
    assert product == pytest.approx(sheet["CH4 emissions (Gg CH4/yr)"], rel=1e-12)
    assert sheet["CH4 emissions (Gg CH4/yr)"] == pytest.approx(ch4 / 1e6, rel=1e-9)


def test_removals_sit_in_lulucf_never_in_the_agriculture_total():
    # coffee planted 3 years ago grows 2.6 t C/ha: 1 ha → -9.5333 t CO2 in 4.B.1, a carbon gain of 2.6 t C/ha
    plots = plots_frame({"planting_year": "2022"})
    records = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"})
    results = mrv.calculate(plots, records)
    table = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, records))).set_index(["line", "crt", "gas"])
    biomass = table.loc[("cropland_biomass", "4.B.1", "CO2")]
    assert biomass["block"] == "lulucf" and biomass["emissions"] == pytest.approx(-2.6 * 44 / 12 / 1000, rel=1e-12)
    assert biomass["activity_amount"] == pytest.approx(0.001) and biomass["ief"] == pytest.approx(2.6, rel=1e-12)
    agriculture = table.loc[("total", "3", "CO2")]
    assert agriculture["emissions"] == pytest.approx(100 * 0.20 * 44 / 12 / 1e6, rel=1e-12)  # the urea alone
    assert table.loc[("total", "4.B.1", "CO2"), "emissions"] == biomass["emissions"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(EVERY_SOURCE), min_size=1, max_size=8), st.floats(0.1, 50))
def test_totals_are_the_sums_of_their_lines_and_no_removal_is_in_an_emissions_total(chosen, area):
    # a young coffee plot that grows (a removal) and a sugarcane plot with the chosen records
    plots = plots_frame({"crop": "coffee", "planting_year": "2022"}, {"crop": "sugarcane", "area": f"{area:.2f}"})
    records = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"},
                            *({"plot_id": "P2", **record} for record in chosen))
    results = mrv.calculate(plots, records)
    table = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, records)), draws=200)
    lines, totals = table[table["line"] != "total"], table[table["line"] == "total"]
    for total in totals.itertuples():
        part = lines[(lines["block"] == total.block) & (lines["gas"] == total.gas)]
        assert total.co2e == pytest.approx(part["co2e"].sum(min_count=1), rel=1e-12, nan_ok=True)
        assert (total.notation == "NE") == part["co2e"].isna().all()
        if total.block != "lulucf" and total.notation != "NE":
            assert total.emissions >= 0 and (part["emissions"].fillna(0) >= 0).all()
    kept = results[(results["boundary"] != "scope2") & (results["source"] != "biomass_carbon")]
    emissions = totals[totals["block"] != "lulucf"]["co2e"].sum()
    assert emissions == pytest.approx(kept["co2e_kg"].sum() / 1e6, rel=1e-9)


def test_each_line_carries_its_uncertainty():
    results, activity = every_source()
    table = mrv.inventory_table(results, mrv.occurrence(activity), draws=20_000).set_index("line")
    # 3.D.1.a uses EF1 (wet, synthetic) 0.016, 95 % range 0.013–0.019, normal: Approach 1 = 0.003 / 0.016 = 18.75 %
    direct = table.loc["direct_inorganic"]
    assert direct["approach1_pct"] == pytest.approx(18.75, rel=1e-9)
    assert direct["mc_lower_pct"] == pytest.approx(-18.75, abs=1.0) and direct["mc_upper_pct"] == pytest.approx(18.75, abs=1.0)
    # liming with IPCC 2006's EF_lime, which has no range: held, 0 %
    assert table.loc["liming_limestone", "approach1_pct"] == 0


def test_notation_keys_and_their_reasons():
    plots = plots_frame({})
    urea_only = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"})
    results = mrv.calculate(plots, urea_only)
    table = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, urea_only))).set_index("line")
    keys = table["notation"]
    assert keys["liming_limestone"] == "NE" and keys["burning_other_ch4"] == "NE"  # nothing recorded: not estimated
    assert keys["rice_continuous"] == "NE" and keys["rice_upland"] == "NA" and keys["burning_co2"] == "NA"
    assert pd.isna(keys["urea"]) and keys["direct_organic"] == "NE"
    assert table.loc["liming_limestone", "notation_reason"] == "no limestone recorded or in the practice profiles"
    assert table["notation_reason"].notna().sum() == table["notation"].notna().sum()
    said_none = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"},
                              {"plot_id": "P1", "activity": "bón vôi", "quantity": "0", "unit": "kg"},
                              {"plot_id": "P1", "activity": "đốt phụ phẩm", "quantity": "0", "unit": "ha"})
    table = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, said_none))).set_index("line")
    assert (table.loc[["liming_limestone", "liming_dolomite", "burning_other_n2o"], "notation"] == "NO").all()
    assert table.loc["liming_limestone", "notation_reason"].startswith("the year's records give this activity")


def _export(db, tmp_path, fmt: str, name: str, *years: str) -> list:
    result = runner.invoke(app, ["export", "inventory", *years, "--format", fmt, "--out", str(tmp_path / name),
                                 "--db", db])
    assert result.exit_code == 0, result.output
    return sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(name.split(".")[0]))


def primap2_frame(path) -> pd.DataFrame:
    """The interchange format as `primap2.pm2io.read_interchange_format` reads it, run in
    primap2's own environment (`MRV_PRIMAP2_PYTHON`: primap2 pins numpy < 2); then
    converted to its xarray form, which checks dimensions and units."""
    python = os.environ.get("MRV_PRIMAP2_PYTHON")
    if not python:
        if os.environ.get("CI"):
            pytest.fail("MRV_PRIMAP2_PYTHON is not set: `make test` makes .venv-primap2 and sets it")
        pytest.skip("no primap2 environment (make .venv-primap2/bin/python, then set MRV_PRIMAP2_PYTHON)")
    script = ("import sys, primap2\n"
              "data = primap2.pm2io.read_interchange_format(sys.argv[1])\n"
              "primap2.pm2io.from_interchange_format(data)\n"
              "data.to_csv(sys.stdout, index=False)\n")
    done = subprocess.run([python, "-c", script, str(path)], capture_output=True, text=True, check=True)
    from io import StringIO
    return pd.read_csv(StringIO(done.stdout), keep_default_na=False, dtype=str)


def test_every_format_loads_back_with_the_report_and_estimate_totals(demo, tmp_path):
    folder, db = demo
    from openpyxl import load_workbook
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    rows = list(book["Ước tính theo phạm vi và khí"].iter_rows(values_only=True))
    report = {(row[0], row[1]): row[3] for row in rows[1:]}  # boundary, gas → t CO2e
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))[1:]
    estimate_total = next(row[1] for row in summary if row[0].startswith("Ước tính toàn tỉnh"))
    run, province = models.province_year(models.connect(db), 2025)
    estimate_rows = province.estimate_rows(province.estimate(province.reductions()))
    assert (mrv.assign_lines(province.results) == 1).all() and (mrv.assign_lines(estimate_rows) == 1).all()
    emitted = (estimate_rows["boundary"] == "afolu") & (estimate_rows["mass_kg"] >= 0)
    stored = estimate_rows.loc[emitted, "co2e_kg"].sum() / 1e6

    # the table as CSV: no comment line, province code, year and units on every row, metadata beside it
    assert _export(db, tmp_path, "csv", "table.csv", "--year", "2025") == ["table.csv", "table.metadata.json"]
    assert not (tmp_path / "table.csv").read_text(encoding="utf-8").startswith("#")
    table = pd.read_csv(tmp_path / "table.csv", keep_default_na=False, na_values=[""], dtype={"province_code": str})
    assert set(table["province_code"]) == {"66"} and set(table["year"]) == {2025} and set(table["unit"]) == {"kt"}
    assert not table.duplicated(["year", "line", "crt", "gas"]).any()
    metadata = json.loads((tmp_path / "table.metadata.json").read_text(encoding="utf-8"))
    assert metadata["province"] == "Đắk Lắk" and metadata["gwp"] == "AR5" and "coffee" in metadata["coverage"]
    totals = table[table["line"] == "total"].set_index(["crt", "gas"])["co2e"]
    for gas in ("CO2", "CH4", "N2O"):
        assert totals[("3", gas)] * 1000 == pytest.approx(report[(mrv.report_label("afolu", "vi"), gas)], rel=1e-9)
        assert totals[("1.A.4.c", gas)] * 1000 == pytest.approx(report[(mrv.report_label("energy", "vi"), gas)], rel=1e-9)
    assert totals.xs("3", level="crt").sum() * 1000 == pytest.approx(estimate_total, rel=1e-9)
    assert totals.xs("3", level="crt").sum() == pytest.approx(stored, rel=1e-9)
    # the perennial crops' removals from their age classes: the 4.B.1 line, the report's removals row,
    assert totals[("4.B.1", "CO2")] * 1000 == pytest.approx(report[(mrv.report_label("removals", "vi"), "CO2")], rel=1e-9)
    assert totals[("4.B.1", "CO2")] < 0
    # and the soil of the hectares that took a low-emission profile up since the year before (frozen with the run)
    assert set(estimate_rows.loc[estimate_rows["mass_kg"] < 0, "source"]) == {"biomass_carbon", "soil_carbon"}
    memo = table[table["block"] == "memo"]
    assert memo["co2e"].sum() * 1000 == pytest.approx(report[(mrv.report_label("scope2", "vi"), "CO2")], rel=1e-9)
    lines = table[table["line"] != "total"]
    assert (lines.loc[lines["block"] == "agriculture", "emissions"].fillna(0) >= 0).all()  # no removal inside "3"

    # the table as JSON and XLSX: the same rows
    _export(db, tmp_path, "json", "table.json", "--year", "2025")
    document = json.loads((tmp_path / "table.json").read_text(encoding="utf-8"))
    assert len(document["rows"]) == len(table) and document["metadata"]["province_code"] == "66"
    _export(db, tmp_path, "xlsx", "table.xlsx", "--year", "2025")
    sheets = pd.read_excel(tmp_path / "table.xlsx", sheet_name=None, keep_default_na=False)
    assert list(sheets) == ["inventory", "metadata"] and len(sheets["inventory"]) == len(table)

    # PRIMAP2 interchange format, read by primap2 itself
    assert _export(db, tmp_path, "primap2", "pm2.yaml", "--year", "2025") == ["pm2.csv", "pm2.yaml"]
    assert not (tmp_path / "pm2.csv").read_text(encoding="utf-8").startswith("#")
    loaded = primap2_frame(tmp_path / "pm2.yaml")
    assert not loaded.duplicated(["category (CRT)", "entity", "unit"]).any()
    kyoto = loaded[loaded["entity"] == "KYOTOGHG (AR5GWP100)"].set_index("category (CRT)")["2025"].replace("", "nan")
    agriculture = [c for c in kyoto.index if c.startswith("3")]
    assert kyoto[agriculture].astype(float).sum() == pytest.approx(totals.xs("3", level="crt").sum(), rel=1e-9)
    assert "1.A.1.a" not in set(loaded["category (CRT)"])  # the memo item is not an emission of the province

    # the CRT data exchange JSON: one value per node variable, notation keys explained
    _export(db, tmp_path, "etf", "crt.json", "--year", "2025")
    exchange = json.loads((tmp_path / "crt.json").read_text(encoding="utf-8"))
    values = exchange["data"]["values"][0]["values"]
    assert exchange["data"]["values"][0]["inventory_year"] == 2025
    assert len({value["variable"] for value in values}) == len(values)
    assert all(value["explanation"] for value in values if isinstance(value["value"], str))
    total = next(v for v in values if v["variable"].startswith("[3. Total agriculture]") and "[CO₂]" in v["variable"])
    assert total["value"] == pytest.approx(totals[("3", "CO2")], rel=1e-9)
    # each gas of a row has its implied factor; the row's activity is given once
    burnt = {v["variable"]: v["value"] for v in values if v["node"]["name_prefix"] == "3.F.4."}
    fire = table[table["crt"] == "3.F.4"].set_index("gas")
    assert burnt["[3.F.4. Field burning: sugar cane][Implied emission factor][CH₄][kg/t dm]"] == fire.loc["CH4", "ief"]
    assert burnt["[3.F.4. Field burning: sugar cane][Implied emission factor][N₂O][kg/t dm]"] == fire.loc["N2O", "ief"]
    assert sum("[biomass burned]" in variable for variable in burnt) == 1

    # the IPCC Inventory Software worksheets: 3.C.4 direct N2O equals the CRT 3.D.1 rows
    _export(db, tmp_path, "worksheets", "sheets.xlsx", "--year", "2025")
    worksheets = pd.read_excel(tmp_path / "sheets.xlsx", sheet_name=None, keep_default_na=False)
    assert list(worksheets)[:7] == ["3.C.1", "3.C.2", "3.C.3", "3.C.4", "3.C.5", "3.C.6", "3.C.7"]
    direct = table[table["crt"].str.startswith("3.D.1")]["emissions"].sum()
    assert worksheets["3.C.4"]["Direct N2O (kg N2O/yr)"].sum() / 1e6 == pytest.approx(direct, rel=1e-9)
    assert runner.invoke(app, ["export", "inventory", "--year", "1999", "--out", str(tmp_path / "x.csv"),
                               "--db", db]).exit_code == 2


@pytest.mark.parametrize("years, expected", [
    (["--years", "2026-2024"], "--years: '2026-2024': năm cuối đứng trước năm đầu"),
    (["--years", "năm 2025"], "không phải một năm, một khoảng 2026-2030 hay một danh sách 2025,2027"),
    (["--year", "2025", "--years", "2025"], "Cần --year 2025 hoặc --years 2026-2030 (chỉ một trong hai)"),
    ([], "Cần --year 2025 hoặc --years 2026-2030 (chỉ một trong hai)"),
])
def test_years_that_cannot_be_read_are_refused_and_nothing_is_written(years, expected, tmp_path):
    out = tmp_path / "kiem-ke.csv"
    result = runner.invoke(app, ["export", "inventory", *years, "--out", str(out), "--db",
                                 f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert result.exit_code == 2 and expected in result.output and not out.exists()
    assert mrv.parse_years("2026-2028,2025") == [2025, 2026, 2027, 2028]


def test_several_years_in_one_export(demo, tmp_path):
    import sqlite3
    _, db = demo
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    result = runner.invoke(app, ["export", "inventory", "--years", "2024-2025", "--out", str(tmp_path / "x.csv"),
                                 "--db", url])
    assert result.exit_code == 2 and "2024" in result.output  # 2024 has no official run yet
    engine = models.connect(url)
    models.calculate_year(engine, 2024, official=True)  # the pilots' baseline year: the estimate's first year
    engine.dispose()
    _export(url, tmp_path, "primap2", "both.yaml", "--years", "2024-2025")
    loaded = primap2_frame(tmp_path / "both.yaml")
    assert {"2024", "2025"} <= set(loaded.columns)
    lulucf = loaded["category (CRT)"].astype(str).str.startswith("4")
    assert (loaded.loc[lulucf, "2024"] == "").all() and (loaded.loc[~lulucf, "2024"] != "").any()
    _export(url, tmp_path, "csv", "both.csv", "--years", "2024,2025")
    table = pd.read_csv(tmp_path / "both.csv", keep_default_na=False, na_values=[""])
    assert table.groupby("year").size().to_dict() == {2024: len(table) // 2, 2025: len(table) // 2}
    # 2024: no age classes, and its shares are the first: no soil change counted, so 4.B.1 has notation keys
    earlier = table[(table["year"] == 2024) & (table["line"] != "total")]
    assert earlier.loc[earlier["block"] == "lulucf", "notation"].isin(["NE", "NA", "NO"]).all()
    assert earlier.loc[earlier["block"] == "agriculture", "emissions"].notna().any()


def test_the_contribution_report_in_vietnamese(demo, tmp_path):
    _, db = demo
    result = runner.invoke(app, ["export", "contribution", "--year", "2025", "--out", str(tmp_path), "--db", db])
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(tmp_path / "bao-cao-kiem-ke-2025-vi.xlsx", sheet_name=None)
    assert list(sheets) == ["Kết quả kiểm kê theo mã CRT", "Phương pháp tính toán", "Số liệu hoạt động",
                            "Hệ số phát thải ngầm định (CRT)", "Hệ số sử dụng", "Độ không chắc chắn",
                            "Kiểm tra dữ liệu (QA-QC)", "Phạm vi của ước tính", "Ký hiệu ghi chú và lý do",
                            "Thông tin báo cáo"]
    results = sheets["Kết quả kiểm kê theo mã CRT"]
    agriculture = results[results["Mã CRT"].astype(str) == "3"]["Phát thải (kt CO2tđ)"].sum()
    table = models.inventory_export(models.connect(db), 2025, scope=models.LOCAL).table
    assert agriculture == pytest.approx(table.loc[(table["line"] == "total") & (table["crt"] == "3"), "co2e"].sum(),
                                        rel=1e-9)
    page = (tmp_path / "bao-cao-kiem-ke-2025-vi.html").read_text(encoding="utf-8")
    assert "Kết quả kiểm kê khí nhà kính lĩnh vực nông nghiệp (trồng trọt) tỉnh Đắk Lắk năm 2025" in page and "Phương pháp tính toán" in page


def test_a_run_keeps_its_figures_when_the_data_change_after_it(demo, tmp_path):
    import sqlite3

    from sqlmodel import Session, select

    from mrv.models._tables import PracticeProfile
    _, db = demo
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    engine = models.connect(f"sqlite:///{copy}")
    before = models.inventory_export(engine, 2025, scope=models.LOCAL).table
    run, province = models.province_year(engine, 2025)
    # after the run: a profile doubles its inputs and a new record arrives for the year
    with Session(engine) as session:
        profile = session.exec(select(PracticeProfile).where(PracticeProfile.code == "coffee-conv")).one()
        profile.inputs_per_ha = [{**row, "quantity": str(float(str(row["quantity"]).replace(",", ".")) * 2)}
                                 for row in profile.inputs_per_ha]
        session.add(profile)
        session.commit()
    plot = str(province.results["plot_id"].iloc[0])
    extra = tmp_path / "records.csv"
    extra.write_text(f"plot_id,year,activity,product,quantity,unit,n_content\n{plot},2025,fertiliser,urea,100,kg,\n",
                     encoding="utf-8")
    assert models.import_file(engine, extra).records_added == 1
    after = models.inventory_export(engine, 2025, scope=models.LOCAL).table
    _, again = models.province_year(engine, 2025)
    pd.testing.assert_series_equal(before["co2e"], after["co2e"])
    assert len(again.activity) == run.records == len(province.activity)
    # a new official run takes both changes
    models.calculate_year(engine, 2025, official=True)
    newer = models.inventory_export(engine, 2025, scope=models.LOCAL).table
    assert newer["co2e"].sum() > before["co2e"].sum()
    engine.dispose()
