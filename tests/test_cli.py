"""The `mrv` command on the shipped example files, and its documentation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import mrv
from mrv.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def test_calc_on_the_examples_prints_a_summary_and_writes_results(tmp_path):
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(EXAMPLES / "plots.csv"), "--records",
                                 str(EXAMPLES / "records.csv"), "--out", str(out)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    afolu = mrv.report_label("afolu", "vi")  # the boundary by name, not its code
    assert "N2O trực tiếp từ đất canh tác" in result.output and f"Tổng: {afolu}" in result.output
    # removals, shown apart and never netted: CP-01 (planted 2021) grows 2.6 t C/ha on 1 ha (Tier 1);
    # ST-01's 150 durian trees, measured in 2023 and 2025, grow by half their stock difference in 2024 and
    # again in 2025, recorded or not: the whole difference over the files' years (Tier 2, Chave et al. 2014
    # × 1.20 × 0.47); CP-02's soil gains 38 × 1.10 × 0.44 / 20 t C/ha on 0.5 ha
    durian = [150 * 0.0673 * (0.55 * d ** 2 * h) ** 0.976 * 1.20 * 0.47 / 1000 for d, h in ((8, 4.5), (13, 6))]
    removed_c = 2.6 * 1 + (durian[1] - durian[0]) / 2 * 2 + 38 * 1.10 * 0.44 / 20 * 0.5
    assert "Carbon sinh khối cây lâu năm (hấp thụ)" in result.output
    shown = f"{-removed_c * 44 / 12:,.4f}".translate(str.maketrans(",.", ".,"))  # written 1.234,5678 in Vietnamese
    assert f"Hấp thụ (không trừ vào tổng phát thải): {afolu} │ │ │ │ {shown}" in " ".join(result.output.split())
    results = pd.read_csv(out, dtype={"commune_code": str})
    assert list(results.columns[:8]) == ["plot_id", "year", "crop", "commune_code", "source", "gas", "mass_kg", "co2e_kg"]
    coffee = results[(results["plot_id"] == "CP-01") & (results["source"] == "n2o_direct")]
    # CP-01: 500 kg urea (230 kg N) and 2 t compost at 1.5 % N (30 kg N), wet: ipcc2019 EF1 0.016 / 0.006
    assert coffee["mass_kg"].sum() == pytest.approx((230 * 0.016 + 30 * 0.006) * 44 / 28, rel=1e-12)
    assert set(results["boundary"]) == {"afolu", "energy", "scope2"}


def test_calc_in_english_with_another_profile_and_gwp(tmp_path):
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(EXAMPLES / "plots.csv"), "--records", str(EXAMPLES / "records.csv"),
                                 "--out", str(out), "--factors", "vn2022", "--gwp", "AR6", "--lang", "en"],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "direct N2O from managed soils" in result.output and "vn2022" in result.output
    assert "vn2022.EF1.coffee.F_SN" in set(pd.read_csv(out)["factor_ids"])


def test_the_cli_offers_the_catalogues_gwp_sets_and_factor_profiles():
    """Written out in the CLI so that it starts without reading the catalogues."""
    from mrv.cli._app import Gwp, Profile
    from mrv.factors import load_profiles
    assert [member.value for member in Gwp] == mrv.gwp_sets() == ["AR4", "AR5", "AR6", "AR6-origin"]
    assert [member.value for member in Profile] == list(load_profiles())


def test_bad_input_exits_with_the_problems_and_writes_nothing(tmp_path):
    records = tmp_path / "records.csv"
    records.write_text("plot_id,year,activity,product,quantity,unit,n_content\n"
                       "CP-01,2025,lime,vôi,5,kg,\nCP-01,2025,fertiliser,urea,1.200,kg,\n", encoding="utf-8-sig")
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(EXAMPLES / "plots.csv"), "--records", str(records),
                                 "--out", str(out)])
    assert result.exit_code == 2
    assert f"{records}, dòng 2, cột 'product': 'vôi'" in result.output
    assert f"{records}, dòng 3, cột 'quantity': '1.200': cần một số không gây hiểu nhầm" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [records]


def test_factors_lists_a_profile_with_status():
    result = runner.invoke(app, ["factors", "--profile", "vn2022"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "vn2022.EF1.coffee.F_SN" in result.output and "cần đối chiếu nguồn" in result.output


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    commands = dict(group.commands)
    for name, command in list(commands.items()):  # sub-commands, e.g. `mrv export inventory`
        commands.update({f"{name} {sub}": c for sub, c in getattr(command, "commands", {}).items()})
    for name, command in commands.items():
        assert f"mrv {name}" in readme, f"command {name} is not in the README"
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"option {option} of mrv {name} is not in the README"


def test_import_calc_year_and_template_on_a_database(tmp_path):
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    for name in ("plots.csv", "records.csv"):
        result = runner.invoke(app, ["import", str(EXAMPLES / name), "--db", db])
        assert result.exit_code == 0, result.output
    assert "bản ghi mới: 26" in result.output
    again = runner.invoke(app, ["import", str(EXAMPLES / "records.csv"), "--db", db, "--lang", "en"])
    assert "new records: 0" in again.output and "unchanged: 26" in again.output
    out = tmp_path / "run.csv"
    result = runner.invoke(app, ["calc", "--year", "2025", "--official", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    # F_CR (IPCC 2006 Table 11.2, rice): R20's 3 t of straw at 85 % dry matter and no N content,
    # 3 000 × 0.85 × 0.007 = 17.85 kg N in summer–autumn; R23's 48 tạ of paddy in winter–spring
    # on 8 sào nam = 0.8 ha, with no straw record in that season, (0.95 × 4 800 × 0.89 + 2.46 × 0.8 × 1 000)
    # × 0.007 = 6 026.4 × 0.007 = 42.1848 kg N; one direct row per season, one leaching row for both
    assert "Lượt tính chính thức" in result.output and "26 bản ghi, 50 dòng kết quả" in result.output
    stored = pd.read_csv(out, keep_default_na=False)
    direct = mrv.calculate(mrv.read_table(EXAMPLES / "plots.csv"), mrv.read_table(EXAMPLES / "records.csv"))
    direct = direct[direct["year"] == 2025]  # the files also give ST-01's Tier 2 row of 2024
    residues = stored[stored["input_type"] == "F_CR"].set_index(["source", "season"])["activity_amount"]
    assert residues[("n2o_direct", "summer_autumn")] == pytest.approx(3000 * 0.85 * 0.007)
    assert residues[("n2o_direct", "winter_spring")] == pytest.approx((0.95 * 4800 * 0.89 + 2460 * 0.8) * 0.007)
    assert residues[("n2o_indirect_leaching", "")] == pytest.approx(17.85 + 42.1848)
    assert len(stored) == 50 and stored["mass_kg"].sum() == pytest.approx(direct["mass_kg"].sum(), rel=1e-12)
    # the rice seasons' days and water regimes went through the database: one CH4 row per season
    rice = stored[stored["source"] == "rice_ch4"].set_index("season")
    assert set(rice.index) == {"winter_spring", "summer_autumn"}
    assert rice.loc["summer_autumn", "input_type"] == "multiple_drainage"
    summer = rice.loc["summer_autumn"]  # 0.8 ha harvested; its 95 days are CH4 / (area × daily factor)
    assert summer["activity_amount"] == pytest.approx(0.8)
    assert summer["mass_kg"] / (summer["activity_amount"] * summer["factor_value"]) == pytest.approx(95)
    refused = runner.invoke(app, ["calc", "--year", "2025", "--official", "--commune", "24133", "--db", db])
    assert refused.exit_code == 2
    template = tmp_path / "mau.xlsx"
    assert runner.invoke(app, ["template", "--out", str(template)]).exit_code == 0 and template.exists()


def test_import_of_a_bad_file_exits_2_and_stores_nothing(tmp_path):
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    runner.invoke(app, ["import", str(EXAMPLES / "plots.csv"), "--db", db])
    bad = tmp_path / "records.csv"
    bad.write_text("plot_id,year,activity,product,quantity,unit,n_content\nCP-01,2025,fertiliser,urea,5,bao,\n"
                   "CP-01,2025,fertiliser,đạm,5,bao,\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(bad), "--db", db])
    assert result.exit_code == 2 and "dòng 3, cột 'product': 'đạm'" in result.output
    from sqlalchemy import text
    from mrv import models
    with models.connect(db).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM activityrecord")).scalar_one() == 0


def test_demo_builds_a_province_year(tmp_path):
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--db", db])
    assert result.exit_code == 0, result.output
    from sqlalchemy import text
    from mrv import models
    with models.connect(db).connect() as connection:
        def one(sql):
            return connection.execute(text(sql)).scalar_one()
        assert one("SELECT count(DISTINCT commune_id) FROM pilotmodel WHERE level = 'commune'") == 102
        assert one("SELECT count(*) FROM pilotmodel WHERE level = 'province'") == 2
        assert one("SELECT count(*) FROM pilotplot WHERE role = 'control'") == 104 * 2
        assert one("SELECT count(*) FROM plotcrop WHERE share < 1 AND crop_id IN ('durian', 'pepper')") > 0
        assert one("SELECT count(*) FROM calculationrun WHERE official") == 1
        assert one("SELECT count(DISTINCT commune_id) FROM communecroparea") == 102
    assert (tmp_path / "demo" / "results-2025.csv").exists()


def test_review_check_recalc_and_audit_from_the_command_line(tmp_path):
    from tests.helpers import commune_records

    db = ["--db", f"sqlite:///{tmp_path / 'mrv.sqlite'}"]

    def run(*args: str):
        result = runner.invoke(app, [*args, *db], env={"COLUMNS": "250"})
        return result.exit_code, result.output

    for name, role, *commune in (("an", "recorder", "--commune", "24133"), ("binh", "verifier", "--commune", "24133"),
                                 ("chi", "province_officer")):
        assert run("user", "add", name, "--role", role, *commune)[0] == 0
    assert run("import", str(EXAMPLES / "plots.csv"))[0] == 0
    assert run("import", str(commune_records(tmp_path)), "--by", "an")[0] == 0
    review = ("review", "submit", "--commune", "24133", "--year", "2025")
    assert run(*review, "--by", "an") == (0, "24133 2025: đã gửi\n")
    code, output = run("review", "verify", "--commune", "24133", "--year", "2025", "--by", "an")
    assert code == 2 and "an (recorder) không được: thẩm định; việc này dành cho verifier" in output
    code, output = run("review", "approve", "--commune", "24133", "--year", "2025", "--by", "binh")
    assert code == 2 and "submit" in output and "reopen" in output  # the steps there are
    code, output = run("review", "verify", "--commune", "99999", "--year", "2025", "--by", "binh")
    assert code == 2 and "Không có xã/phường '99999' trong tỉnh" in output
    code, output = run("review", "verify", "--commune", "24133", "--year", "2025", "--by", "Không Có Ai")
    assert code == 2 and "'Không Có Ai' chưa là người dùng đã đăng ký" in output
    assert run("review", "verify", "--commune", "24133", "--year", "2025", "--by", "binh")[0] == 0
    assert run("review", "lock", "--commune", "24133", "--year", "2025", "--by", "chi")[0] == 0
    code, output = run("audit", "--year", "2025", "--commune", "24133")
    steps = [line.split("│")[2:4] for line in output.splitlines() if line.count("│") > 4]
    assert [(actor.strip(), action.strip()) for actor, action in steps if action.strip() in
            ("đã gửi", "đã thẩm định", "đã khoá")] == [("an", "đã gửi"), ("binh", "đã thẩm định"), ("chi", "đã khoá")]
    assert run("check", "--year", "2025", "--commune", "24133")[0] == 0
    heavy = tmp_path / "heavy.csv"  # 5 t of urea on 1 ha: 2 300 kg N/ha, above the 1 500 of qa_limits.csv
    heavy.write_text("plot_id,year,activity,product,quantity,unit,n_content\nCP-01,2024,fertiliser,urea,5,tấn,\n",
                     encoding="utf-8")
    assert run("import", str(heavy), "--by", "an")[0] == 0
    code, output = run("check", "--year", "2024", "--commune", "24133")
    assert code == 1 and "Lượng đạm bón/ha vượt ngưỡng hợp lý" in output and "1 lỗi, " in output
    code, output = run("recalc", "--series", "--by", "an")
    assert code == 2 and "không được" in output
    code, output = run("recalc", "--series", "--by", "chi")
    assert code == 0 and [line.split(":")[0] for line in output.splitlines()] == ["2024", "2025"]
