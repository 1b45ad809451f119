"""The low-emission label: criteria as data, each plot, farm, cooperative and zone measured
on its plots together, only verified or locked commune-years eligible."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from mrv.factors import FactorFileError, load_criteria
from mrv.factors._loader import CRITERIA_MEASURES
from mrv.models._demo import DEMO_VERIFIED
from tests.helpers import lock_year, register
from tests.test_reductions import E

PLOTS = pd.DataFrame({
    "plot_id": ["A1", "A2", "B1"], "commune_code": "24133", "crop": ["cà phê", "cà phê", "mía"],
    "area": ["1", "5", "1"], "area_unit": ["ha", "sào nam", "ha"], "farm_id": ["HO-A1", "HO-A2", "HO-B1"],
    "cooperative_id": ["HTX-A", "HTX-A", "HTX-B"]})
RECORDS = pd.DataFrame([
    ("A1-1", "A1", "2025", "bón phân", "urê", "200", "kg"), ("A1-2", "A1", "2025", "thu hoạch", "cà phê nhân", "2", "tấn"),
    ("A2-1", "A2", "2025", "bón phân", "urê", "2", "bao"), ("A2-2", "A2", "2025", "thu hoạch", "cà phê nhân", "10", "tạ"),
    ("B1-1", "B1", "2025", "bón phân", "urê", "100", "kg"), ("B1-2", "B1", "2025", "đốt phụ phẩm", "", "1", "ha"),
    ("B1-3", "B1", "2025", "thu hoạch", "mía cây", "70", "tấn"),
], columns=["record_id", "plot_id", "year", "activity", "product", "quantity", "unit"]).assign(n_content="")


def _members(plots: pd.DataFrame) -> pd.DataFrame:
    """Each plot as its own group, in its farm and in its cooperative."""
    return pd.concat([plots.assign(level="plot", group_id=plots["plot_id"]),
                      plots.assign(level="farm", group_id=plots["farm_id"]),
                      plots.assign(level="cooperative", group_id=plots["cooperative_id"])],
                     ignore_index=True)[["plot_id", "level", "group_id"]]


def _evaluate(plots: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    results = mrv.calculate(plots, records, "ipcc2019", "AR5")
    measures = mrv.plot_measures(results, mrv.normalize(plots, records))
    return mrv.evaluate_label(measures, load_criteria(), _members(plots))


def test_a_cooperative_that_passes_and_one_that_fails_on_burning():
    evaluated = _evaluate(PLOTS, RECORDS)
    table = evaluated.set_index(["level", "group_id", "criterion"]).sort_index()
    a, b = table.xs(("cooperative", "HTX-A")), table.xs(("cooperative", "HTX-B"))
    # HTX-A: 200 kg + 2 bags × 50 kg = 300 kg urea × 46 % = 138 kg N on 1 ha + 5 sào nam (0.5 ha) = 92 kg N/ha ≤ 250;
    # nothing burnt; 300 kg urea × E kg CO2e/kg over 2 t + 10 tạ = 3 000 kg green coffee = 0.1 E kg CO2e/kg ≤ 1
    assert a.loc["n_rate", "value"] == pytest.approx(138 / 1.5) and a.loc["n_rate", "result"] == "pass"
    assert a.loc["no_burning", "value"] == 0 and a.loc["intensity", "value"] == pytest.approx(0.1 * E, rel=1e-9)
    assert a.loc["all", "result"] == "pass" and a.loc["all", "plots"] == 2
    # HTX-B: 1 ha burnt of 1 ha: 1.0 > 0 fails; 46 kg N/ha passes; its verdict fails on the burning alone
    assert b.loc["no_burning", "value"] == 1.0 and b.loc["no_burning", "result"] == "fail"
    assert b.loc["n_rate", "value"] == pytest.approx(46.0) and b.loc["n_rate", "result"] == "pass"
    assert b.loc["intensity", "result"] == "pass" and b.loc["all", "result"] == "fail"
    # a plot's row names the records behind its value; a group's value is its plots' (records on the plot rows)
    assert table.loc[("plot", "A2", "n_rate"), "records"] == "A2-1"
    assert table.loc[("plot", "B1", "no_burning"), "records"] == "B1-2" and b.loc["no_burning", "records"] == ""
    assert list(dict.fromkeys(evaluated["level"])) == ["plot", "farm", "cooperative"]  # in the members' order


def test_rice_without_its_season_records_has_no_awd_value_and_does_not_pass():
    plots = pd.DataFrame({"plot_id": ["L1"], "commune_code": "24133", "crop": ["lúa"], "area": ["1"],
                          "area_unit": ["ha"], "farm_id": ["HO-L1"], "cooperative_id": ["HTX-L"]})
    records = pd.DataFrame([("L1-1", "L1", "2025", "bón phân", "urê", "100", "kg", "")],
                           columns=["record_id", "plot_id", "year", "activity", "product", "quantity", "unit",
                                    "n_content"])
    table = _evaluate(plots, records).set_index(["level", "group_id", "criterion"])
    # no rice season recorded: the AWD share has no denominator, and no harvest: no intensity
    assert table.loc[("plot", "L1", "awd"), "result"] == "no data"
    assert table.loc[("plot", "L1", "intensity"), "result"] == "no data"
    assert table.loc[("plot", "L1", "all"), "result"] == "fail"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(areas=st.lists(st.integers(1, 40), min_size=1, max_size=4), urea=st.lists(st.integers(0, 500), min_size=4,
                                                                                   max_size=4))
def test_a_group_is_measured_on_its_plots_together_in_any_unit(areas, urea):
    """A farm's N per ha is its plots' N over their area (not the mean of their rates), the
    same whether the areas are written in sào nam or in hectares (10 sào nam = 1 ha)."""
    plots = pd.DataFrame({"plot_id": [f"P{i}" for i in range(len(areas))], "commune_code": "24133",
                          "crop": "cà phê", "area": [str(a) for a in areas], "area_unit": "sào nam",
                          "farm_id": "HO-1", "cooperative_id": "HTX-1"})
    records = pd.DataFrame({"record_id": [f"R{i}" for i in range(len(areas))], "plot_id": plots["plot_id"],
                            "year": "2025", "activity": "bón phân", "product": "urê",
                            "quantity": [str(u) for u in urea[:len(areas)]], "unit": "kg", "n_content": ""})
    farm = _evaluate(plots, records).set_index(["level", "group_id", "criterion"]).loc[("farm", "HO-1", "n_rate")]
    expected = 0.46 * sum(urea[:len(areas)]) / (sum(areas) / 10)
    assert farm["value"] == pytest.approx(expected, rel=1e-9, abs=1e-9) and farm["plots"] == len(areas)
    in_ha = plots.assign(area=[str(a / 10).replace(".", ",") for a in areas], area_unit="ha")
    again = _evaluate(in_ha, records).set_index(["level", "group_id", "criterion"]).loc[("farm", "HO-1", "n_rate")]
    assert again["value"] == pytest.approx(farm["value"], rel=1e-9, abs=1e-9)


def test_every_measure_a_criteria_file_may_name_is_one_the_engine_measures():
    """The loader (which imports nothing of the engine) and the engine list the measures
    apart: they must be the same, each with its unit."""
    results = mrv.calculate(PLOTS, RECORDS, "ipcc2019", "AR5")
    measured = set(mrv.plot_measures(results, mrv.normalize(PLOTS, RECORDS))["measure"])
    assert set(CRITERIA_MEASURES) == set(mrv.MEASURE_UNITS) == measured


def test_a_criteria_file_that_breaks_its_form_is_refused_naming_the_field(tmp_path):
    criteria = load_criteria()
    assert criteria.attrs["status"] == "example" and set(criteria["status"]) == {"example"}
    assert criteria.set_index(["criterion", "crop"]).loc[("n_rate", "coffee"), "limit"] == 250
    path = tmp_path / "tieu-chi.toml"
    path.write_text('title_vi = "x"\ntitle_en = "x"\nstatus = "draft"\n[[criterion]]\nid = "n"\nname_vi = "Đạm"\n'
                    'name_en = "N"\nmeasure = "n_kg_per_ha"\ndirection = "at_most"\ncrops = ["coffee"]\n'
                    'limit = { pepper = 200 }\nsource = "s"\nstatus = "draft"\n', encoding="utf-8")
    with pytest.raises(FactorFileError) as error:
        load_criteria(path)
    assert error.value.column == "criterion 1.limit" and error.value.value == "pepper"
    path.write_text(path.read_text(encoding="utf-8").replace("pepper", "coffee").replace(
        'measure = "n_kg_per_ha"', 'measure = "yield"'), encoding="utf-8")
    with pytest.raises(FactorFileError) as error:
        load_criteria(path)
    assert error.value.column == "criterion 1.measure" and "n_kg_per_ha" in error.value.expected
    path.write_text('title_vi = "x"\ntitle_en = "x"\nstatus = "draft"\ncriterion = ["n_rate"]\n', encoding="utf-8")
    with pytest.raises(FactorFileError) as error:  # a list of names, not of tables
        load_criteria(path)
    assert error.value.column == "criterion" and "[[criterion]]" in error.value.expected


def test_only_a_verified_or_locked_commune_year_is_eligible_from_the_command_line(engine, database, tmp_path):
    register(engine)
    pd.DataFrame({"cooperative_id": ["HTX-A", "HTX-B"], "name": ["HTX cà phê A", "HTX mía B"], "kind": "htx",
                  "commune_code": "24133"}).to_csv(tmp_path / "cooperatives.csv", index=False)
    PLOTS.to_csv(tmp_path / "plots.csv", index=False)
    # a soil practice change of the year before, which the run carries into 2025: not a plot-year of 2025
    earlier = pd.DataFrame([("A1-0", "A1", "2024", "thay đổi canh tác đất", "input-high-manure", "1", "ha", "",
                             "input-medium")], columns=[*RECORDS.columns, "previous_practice"])
    pd.concat([RECORDS, earlier], ignore_index=True).to_csv(tmp_path / "records.csv", index=False)
    for name in ("cooperatives.csv", "plots.csv", "records.csv"):
        models.import_file(engine, tmp_path / name, imported_by="an")
    models.calculate_year(engine, 2025, official=True, by="chi")
    runner = CliRunner()

    def verdicts() -> dict[tuple[str, str], str]:
        out = tmp_path / "danh-gia.xlsx"
        result = runner.invoke(app, ["label", "evaluate", "--year", "2025", "--out", str(out), "--db", database])
        assert result.exit_code == 0 and "danh-gia.xlsx" in result.output, result.output
        rows = list(load_workbook(out)["Kết luận theo đối tượng"].iter_rows(min_row=2, values_only=True))
        return {(level, code): (verdict, waiting) for level, code, _crop, verdict, _plots, waiting in rows}

    # open: nothing is eligible yet, and every plot, farm and cooperative says so, with its plots waiting
    before = verdicts()
    assert {verdict for verdict, _ in before.values()} == {"Chưa xét (xã/phường chưa thẩm định năm này)"}
    assert before[("Hợp tác xã", "HTX-A")][1] == 2 and before[("Lô", "B1")][1] == 1
    lock_year(engine, "24133", 2025)
    found = verdicts()
    assert found[("Hợp tác xã", "HTX-A")] == ("Đạt", 0) and found[("Hợp tác xã", "HTX-B")] == ("Không đạt", 0)
    assert found[("Lô", "B1")][0] == "Không đạt" and found[("Nông hộ", "HO-A2")][0] == "Đạt"
    details = list(load_workbook(tmp_path / "danh-gia.xlsx")["Chi tiết theo tiêu chí"].iter_rows(values_only=True))
    value = {(row[0], row[1], row[3]): row[4] for row in details[1:]}
    assert value[("Hợp tác xã", "HTX-A", "Lượng đạm bón không vượt mức (kg N/ha/năm)")] == pytest.approx(92.0)
    wrong = runner.invoke(app, ["label", "evaluate", "--year", "2025", "--out", str(tmp_path / "x.pdf"), "--db", database])
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output and not (tmp_path / "x.pdf").exists()


def test_the_demo_evaluates_the_label_on_the_commune_it_verified(demo):
    folder, _ = demo
    rows = list(load_workbook(folder / "files" / "danh-gia-nhan-2025.xlsx")["Kết luận theo đối tượng"].iter_rows(
        min_row=2, values_only=True))
    evaluated = {code for level, code, _crop, verdict, _plots, _waiting in rows if level == "Lô" and verdict != "Chưa "
                 "xét (xã/phường chưa thẩm định năm này)"}
    plots = pd.read_csv(folder / "files" / "plots.csv", dtype=str).set_index("plot_id")["commune_code"]
    # the demo submits and verifies 22015 alone: its plots are judged, every other plot waits
    assert evaluated and {plots[code] for code in evaluated} == {DEMO_VERIFIED} == {"22015"}
    assert {verdict for level, _, _, verdict, _, _ in rows if level == "Lô"} == {
        "Đạt", "Không đạt", "Chưa xét (xã/phường chưa thẩm định năm này)"}
    # a cooperative with members in other communes is judged on its 22015 plots and counts the others waiting
    assert any(level == "Hợp tác xã" and verdict in ("Đạt", "Không đạt") and waiting > 0
               for level, _, _, verdict, _, waiting in rows)
    # the summary counts each plot once, whatever crops it grows: pass, fail and waiting add up to the plots
    summary = {row[0]: row[1:] for row in load_workbook(folder / "files" / "danh-gia-nhan-2025.xlsx")[
        "Tổng hợp đánh giá nhãn"].iter_rows(min_row=2, values_only=True)}
    assert sum(summary["Lô"]) == len({code for level, code, *_ in rows if level == "Lô"})
