"""The inventory export: codes from the categories package, every row in one line, scope 2
only in the memo, notation keys, a line worked by hand, and the totals of the report."""

from __future__ import annotations

import json

import climate_categories
import pandas as pd
import pytest
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


def test_every_code_is_in_the_categories_package():
    lines = mrv.catalogue("inventory_lines")
    for _, line in lines.iterrows():
        assert line["ipcc2006"] in climate_categories.IPCC2006.keys(), line["id"]
        assert line["crf"] in climate_categories.CRF2013_2023.keys(), line["id"]
    assert mrv.category_name("crf", "3.G.2") == "Dolomite CaMg(CO3)2"
    with pytest.raises(KeyError):
        mrv.category_name("ipcc2006", "3.C.99")


def test_every_result_row_lands_in_exactly_one_line_and_scope_2_only_in_the_memo():
    results, _ = every_source()
    assert set(results["boundary"]) == {"afolu", "energy", "scope2"}
    assert (mrv.assign_lines(results) == 1).all()
    examples = mrv.calculate(mrv.read_table(EXAMPLES / "plots.csv"), mrv.read_table(EXAMPLES / "records.csv"))
    assert {"rice_ch4", "biomass_carbon"} <= set(examples["source"]) and (mrv.assign_lines(examples) == 1).all()
    lines = mrv.catalogue("inventory_lines")
    memo = lines[lines["block"] == "memo"]
    scope2 = results[results["boundary"] == "scope2"]
    assert set(scope2["source"]) <= set(memo["source"]) and not (set(results.loc[results["boundary"] != "scope2",
                                                                                    "source"]) & set(memo["source"]))


def test_a_line_by_hand_and_the_totals():
    results, activity = every_source()
    table = mrv.inventory_table(results, mrv.occurrence(activity)).set_index(["line", "block", "gas"])
    urea = table.loc[("urea", "afolu", "CO2")]
    # 500 kg urea × EF 0.20 t C/t × 44/12 = 366.667 kg CO2 on 0.5 t urea: 733.33 kg CO2/t urea
    assert (urea["ipcc2006"], urea["crf"], urea["activity_unit"]) == ("3.C.3", "3.H", "t urea")
    assert urea["mass_t"] == pytest.approx(0.5 * 0.20 * 44 / 12, rel=1e-12)
    assert urea["implied_ef"] == pytest.approx(1000 * 0.20 * 44 / 12, rel=1e-12)
    assert (urea["tier"], urea["factor_origin"]) == ("1", "ipcc")
    lines = table.drop(index="total", level="line")
    for (block, gas), total in table.loc["total"].iterrows():
        chosen = lines.xs(block, level="block").xs(gas, level="gas", drop_level=False)
        assert total["co2e_t"] == pytest.approx(chosen["co2e_t"].sum(), rel=1e-12)
        assert total["mass_kt"] == pytest.approx(total["mass_t"] / 1000, rel=1e-12)
    # the inventory's totals are the rows' totals, grid electricity (memo) left out
    kept = results[results["boundary"] != "scope2"]
    assert table.loc["total", "co2e_t"].sum() == pytest.approx(kept["co2e_kg"].sum() / 1000, rel=1e-12)
    ar6 = mrv.inventory_table(results, mrv.occurrence(activity), "AR6").set_index(["line", "gas"])
    burning = table.loc[("burning_ch4", "afolu", "CH4")]
    assert ar6.loc[("burning_ch4", "CH4"), "co2e_t"] == pytest.approx(burning["mass_t"] * 27.9, rel=1e-12)


def test_notation_keys():
    plots = plots_frame({})
    urea_only = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"})
    results = mrv.calculate(plots, urea_only)
    keys = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, urea_only))).set_index("line")["notation"]
    assert keys["liming_limestone"] == "NE" and keys["burning_ch4"] == "NE"  # nothing recorded: not estimated
    assert keys["rice_continuous"] == "NE" and keys["rice_upland"] == "NA" and keys["burning_co2"] == "NA"
    assert pd.isna(keys["urea"]) and keys["direct_organic"] == "NE"
    said_none = records_frame({"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100"},
                              {"plot_id": "P1", "activity": "bón vôi", "quantity": "0", "unit": "kg"},
                              {"plot_id": "P1", "activity": "đốt phụ phẩm", "quantity": "0", "unit": "ha"})
    keys = mrv.inventory_table(results, mrv.occurrence(mrv.normalize(plots, said_none))).set_index("line")["notation"]
    assert keys["liming_limestone"] == keys["liming_dolomite"] == keys["burning_n2o"] == "NO"


def test_the_export_matches_the_report_of_the_same_run(demo, tmp_path):
    folder, db = demo
    from openpyxl import load_workbook
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    rows = list(book["Ước tính theo phạm vi và khí"].iter_rows(values_only=True))
    report = {(row[0], row[1]): row[3] for row in rows[1:]}  # boundary, gas → t CO2e
    _, summary = rows[0], list(book["Tổng hợp"].iter_rows(values_only=True))[1:]
    estimate_total = next(row[1] for row in summary if row[0].startswith("Ước tính toàn tỉnh"))
    written = {}
    for fmt in ("xlsx", "csv", "json"):
        out = tmp_path / f"inventory.{fmt}"
        result = runner.invoke(app, ["export", "inventory", "--year", "2025", "--format", fmt, "--out", str(out),
                                     "--db", db])
        assert result.exit_code == 0, result.output
        written[fmt] = out
    table = pd.read_csv(written["csv"], comment="#")
    totals = table[table["line"] == "total"]
    for _, total in totals.iterrows():
        assert total["co2e_t"] == pytest.approx(report[(total["block"], total["gas"])], rel=1e-9)
    assert totals.loc[totals["block"] == "afolu", "co2e_t"].sum() == pytest.approx(estimate_total, rel=1e-9)
    memo = table[table["block"] == "memo"]
    assert memo["co2e_t"].sum() == pytest.approx(report[("scope2", "CO2")], rel=1e-9)
    document = json.loads(written["json"].read_text(encoding="utf-8"))
    assert document["metadata"]["province"] == "Đắk Lắk" and document["metadata"]["gwp"] == "AR5"
    assert len(document["rows"]) == len(table)
    sheets = load_workbook(written["xlsx"]).sheetnames
    assert sheets == ["inventory", "metadata"]
    # every row of the run and of its provincial estimate lands in exactly one line
    run, province = models.province_year(models.connect(db), 2025)
    estimate_rows = province.estimate_rows(province.estimate(province.reductions()))
    assert (mrv.assign_lines(province.results) == 1).all() and (mrv.assign_lines(estimate_rows) == 1).all()
    assert runner.invoke(app, ["export", "inventory", "--year", "1999", "--out", str(tmp_path / "x.csv"),
                               "--db", db]).exit_code == 2


def test_a_run_keeps_its_figures_when_the_data_change_after_it(demo, tmp_path):
    import sqlite3

    from sqlmodel import Session, select

    from mrv.models._tables import PracticeProfile
    _, db = demo
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    engine = models.connect(f"sqlite:///{copy}")
    before, _ = models.inventory_export(engine, 2025, scope=models.LOCAL)
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
    after, _ = models.inventory_export(engine, 2025, scope=models.LOCAL)
    _, again = models.province_year(engine, 2025)
    pd.testing.assert_series_equal(before["co2e_t"], after["co2e_t"])
    assert len(again.activity) == run.records == len(province.activity)
    # a new official run takes both changes
    models.calculate_year(engine, 2025, official=True)
    newer, _ = models.inventory_export(engine, 2025, scope=models.LOCAL)
    assert newer["co2e_t"].sum() > before["co2e_t"].sum()
    engine.dispose()
