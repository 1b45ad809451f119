"""The `mrv` command on the shipped example files, and its documentation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from mrv.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def test_calc_on_the_examples_prints_a_summary_and_writes_results(tmp_path):
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(EXAMPLES / "plots.csv"), "--records",
                                 str(EXAMPLES / "records.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "N2O trực tiếp từ đất canh tác" in result.output and "Tổng afolu" in result.output
    results = pd.read_csv(out, dtype={"commune_code": str})
    assert list(results.columns[:8]) == ["plot_id", "year", "crop", "commune_code", "source", "gas", "mass_kg", "co2e_kg"]
    coffee = results[(results["plot_id"] == "CP-01") & (results["source"] == "n2o_direct")]
    # CP-01: 500 kg urea (230 kg N) and 2 t compost at 1.5 % N (30 kg N), wet: ipcc2019 EF1 0.016 / 0.006
    assert coffee["mass_kg"].sum() == pytest.approx((230 * 0.016 + 30 * 0.006) * 44 / 28, rel=1e-12)
    assert set(results["boundary"]) == {"afolu", "energy", "scope2"}


def test_calc_in_english_with_another_profile_and_gwp(tmp_path):
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(EXAMPLES / "plots.csv"), "--records", str(EXAMPLES / "records.csv"),
                                 "--out", str(out), "--factors", "vn2022", "--gwp", "AR6", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "direct N2O from managed soils" in result.output and "vn2022" in result.output
    assert "vn2022.EF1.coffee.F_SN" in set(pd.read_csv(out)["factor_ids"])


def test_bad_input_exits_with_the_problems_and_writes_nothing(tmp_path):
    records = tmp_path / "records.csv"
    records.write_text("plot_id,year,activity,product,quantity,unit,n_content\n"
                       "CP-01,2025,lime,vôi,5,kg,\nCP-01,2025,fertiliser,urea,1.200,kg,\n", encoding="utf-8-sig")
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(EXAMPLES / "plots.csv"), "--records", str(records),
                                 "--out", str(out)])
    assert result.exit_code == 2
    assert f"{records}, row 2, column 'product': 'vôi'" in result.output
    assert f"{records}, row 3, column 'quantity': '1.200'" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [records]


def test_factors_lists_a_profile_with_status():
    result = runner.invoke(app, ["factors", "--profile", "vn2022"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "vn2022.EF1.coffee.F_SN" in result.output and "to check" in result.output


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"mrv {name}" in readme, f"command {name} is not in the README"
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"option {option} of mrv {name} is not in the README"
