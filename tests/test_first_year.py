"""What the province will have in its first year: one commune with pilot data, 101
without. Every command runs on it (SQLite and PostgreSQL), and so does a year without any
record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from mrv.models._inputs import estimate_inputs
from tests.helpers import snapshot

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


@pytest.fixture
def first_year(database, tmp_path) -> str:
    """The examples' plots and records of commune 24133 alone (CP-01, CP-02, LUA-01), imported."""
    plots, records = (pd.read_csv(EXAMPLES / name, dtype=str, keep_default_na=False) for name in ("plots.csv", "records.csv"))
    plots[plots["commune_code"] == "24133"].to_csv(tmp_path / "plots.csv", index=False)
    records[records["plot_id"].isin(["CP-01", "CP-02", "LUA-01"])].to_csv(tmp_path / "records.csv", index=False)
    assert run("user", "add", "Lê Văn Chi", "--role", "province_officer", "--db", database).exit_code == 0
    for name in ("plots.csv", "records.csv"):
        assert run("import", str(tmp_path / name), "--by", "Lê Văn Chi", "--db", database).exit_code == 0
    return database


def run(*arguments: str):
    result = runner.invoke(app, list(arguments), env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_every_command_runs_on_a_first_year_database(first_year, tmp_path):
    db = ("--db", first_year)
    official = run("calc", "--year", "2025", "--official", "--by", "Lê Văn Chi", *db)
    # 15 records of commune 24133: CP-01 (R1–R5), CP-02 (R6–R8, R24), LUA-01 (R18–R23)
    assert official.exit_code == 0 and "15 bản ghi" in official.output
    report = run("report", "--year", "2025", "--out", str(tmp_path / "report"), *db)
    assert report.exit_code == 0, report.output
    assert {p.suffix for p in (tmp_path / "report").iterdir()} == {".xlsx", ".html", ".pdf", ".docx"}
    communes = load_workbook(tmp_path / "report" / "bao-cao-2025-vi.xlsx")["Theo xã-phường"]
    rows = list(communes.iter_rows(min_row=2, values_only=True))
    # the commune with data listed; the 101 without are named under the table (never "<NA>" or 0)
    assert rows[0][:2] == ("24133", "Phường Buôn Ma Thuột") and rows[0][3:5] == (3, 15) and rows[1][0] is None
    assert rows[2][0].startswith("101 xã/phường chưa có số liệu thí điểm hay ước tính: Phường Tuy Hòa, ")
    for command in (("check", "--year", "2025"), ("uncertainty", "--year", "2025", "--draws", "200"),
                    ("export", "inventory", "--year", "2025", "--out", str(tmp_path / "kiem-ke.xlsx")),
                    *(("export", "inventory", "--year", "2025", "--format", fmt, "--out", str(tmp_path / f"kk-{fmt}.x"))
                      for fmt in ("csv", "primap2", "etf", "worksheets")),
                    ("export", "contribution", "--year", "2025", "--out", str(tmp_path / "dong-gop")),
                    ("audit", "--year", "2025"), ("recalc", "--series", "--by", "Lê Văn Chi"),
                    ("calc", "--year", "2025", "--commune", "24175")):
        result = run(*command, *db)
        assert result.exit_code == 0, (command, result.output)


def test_a_year_without_records_calculates_and_checks(first_year):
    empty = run("calc", "--year", "2024", "--db", first_year)
    # CP-02's 2025 practice change is read with every year (soil carbon moves for 20 years) and moves nothing in 2024
    assert empty.exit_code == 0 and "1 bản ghi, 0 dòng kết quả" in empty.output
    # 2026 has no record either, but the soil of CP-02 keeps taking up carbon: a row in each of the 20 years
    # (0.5 ha × 38 × 1.10 × (1.44 − 1.00) / 20 t C × 44/12 = 1 685.9 kg CO2 removed)
    later = run("calc", "--year", "2026", "--db", first_year)
    assert later.exit_code == 0 and "1 bản ghi, 1 dòng kết quả" in later.output
    engine = models.connect(first_year)
    soil = models.run_results(engine, models.calculate_year(engine, 2026).id)
    engine.dispose()
    assert soil[["plot_id", "year", "source"]].values.tolist() == [["CP-02", 2026, "soil_carbon"]]
    assert soil["mass_kg"].iloc[0] == pytest.approx(-0.5 * 38 * 1.10 * 0.44 / 20 * 1000 * 44 / 12, rel=1e-9)
    checked = run("check", "--year", "2024", "--db", first_year)
    assert checked.exit_code == 0 and "0 lỗi, " in checked.output
    refused = run("report", "--year", "2024", "--db", first_year)
    assert refused.exit_code == 2 and "2024" in refused.output


def test_a_crop_area_the_provincial_estimate_cannot_cover_is_an_error_of_the_check(first_year, tmp_path):
    db = ("--db", first_year)
    (tmp_path / "dien-tich.csv").write_text(
        "commune_code,year,crop,area,area_unit\n24133,2025,cà phê,120,ha\n24133,2025,lúa,40,ha\n", encoding="utf-8")
    (tmp_path / "quy-trinh.csv").write_text(
        "profile_id,name,crop,low_emission,activity,product,quantity,unit\n"
        "CP-TT,Cà phê thông thường,cà phê,không,bón phân,urê,300,kg\n"
        "CP-PTT,Cà phê phát thải thấp,cà phê,có,bón phân,urê,200,kg\n", encoding="utf-8")
    (tmp_path / "ap-dung.csv").write_text(
        "commune_code,year,profile_id,share\n24133,2025,CP-TT,60\n24133,2025,CP-PTT,30\n", encoding="utf-8")
    for name in ("dien-tich.csv", "quy-trinh.csv", "ap-dung.csv"):
        assert run("import", str(tmp_path / name), "--by", "Lê Văn Chi", *db).exit_code == 0
    checked = run("check", "--year", "2025", *db)
    assert checked.exit_code == 1 and "Diện tích cây trồng chưa được ước tính" in checked.output
    # lúa: 40 ha and no rice profile adopted; cà phê: 60 % + 30 % = 90 %, not 100 %
    assert gaps(first_year) == [("24133", 40.0, "lúa: xã/phường chưa áp dụng quy trình canh tác nào của cây trồng này, "
                                                "nên ước tính toàn tỉnh bỏ sót diện tích của nó: nhập trang Tỷ lệ áp "
                                                "dụng của xã/phường (và một quy trình canh tác của cây trồng)"),
                                ("24133", 120.0, "cà phê: tỷ lệ áp dụng các quy trình của xã/phường cộng lại không "
                                                 "bằng 100 %: sửa ở trang Tỷ lệ áp dụng")]
    (tmp_path / "ap-dung.csv").write_text("commune_code,year,profile_id,share\n24133,2025,CP-TT,70\n", encoding="utf-8")
    assert run("import", str(tmp_path / "ap-dung.csv"), "--by", "Lê Văn Chi", *db).exit_code == 0
    assert [gap[:2] for gap in gaps(first_year, "24133")] == [("24133", 40.0)]  # 70 % + 30 %: coffee is covered
    assert gaps(first_year, "24175") == []  # another commune's gaps are not its own
    assert run("check", "--year", "2025", "--commune", "24175", *db).exit_code == 0
    (tmp_path / "quy-trinh-lua.csv").write_text(  # a rice profile as the province writes it: two seasons, AWD
        "mã quy trình,tên quy trình,cây trồng,phát thải thấp,hoạt động,vật tư,số lượng/ha,đơn vị,vụ,số ngày gieo cấy,"
        "chế độ nước\n"
        "LUA-AWD,Lúa tưới ướt khô xen kẽ,lúa,có,vụ lúa,,1,ha,Đông Xuân,105,ướt khô xen kẽ\n"
        "LUA-AWD,Lúa tưới ướt khô xen kẽ,lúa,có,bón phân,urê,4,bao,Đông Xuân,,\n"
        "LUA-AWD,Lúa tưới ướt khô xen kẽ,lúa,có,vụ lúa,,1,ha,Hè Thu,95,rút nước một lần\n", encoding="utf-8")
    (tmp_path / "ap-dung-lua.csv").write_text("commune_code,year,profile_id,share\n24133,2025,LUA-AWD,100\n",
                                              encoding="utf-8")
    for name in ("quy-trinh-lua.csv", "ap-dung-lua.csv"):
        assert run("import", str(tmp_path / name), "--by", "Lê Văn Chi", *db).exit_code == 0
    assert gaps(first_year) == []
    engine = models.connect(first_year)
    with Session(engine) as session:
        inputs = estimate_inputs(session, 2025, "ipcc2019", "AR5")
    engine.dispose()
    rice = inputs["profile_results"]
    methane = rice.loc[rice["source"] == "rice_ch4", "mass_kg"].to_numpy()
    # IPCC 2019 Eq. 5.1-5.3 on 1 ha: 1.22 kg CH4/ha/day × 0.55 (multiple drainage) × 105 days = 70.455 kg;
    # 1.22 × 0.71 (single drainage) × 95 days = 82.289 kg
    assert sorted(methane) == pytest.approx([1.22 * 0.55 * 105, 1.22 * 0.71 * 95], rel=1e-9)


def test_a_profiles_soil_practice_gives_the_estimate_its_soil_line(first_year, tmp_path):
    db = ("--db", first_year)
    (tmp_path / "quy-trinh.csv").write_text(  # as the province writes it: compost every year on the low-emission coffee
        "mã quy trình,tên quy trình,cây trồng,phát thải thấp,hoạt động,vật tư,số lượng/ha,đơn vị,canh tác trước đó\n"
        "CP-TT,Cà phê thông thường,cà phê,không,bón phân,urê,300,kg,\n"
        "CP-PTT,Cà phê phát thải thấp,cà phê,có,bón phân,urê,200,kg,\n"
        "CP-PTT,Cà phê phát thải thấp,cà phê,có,thay đổi canh tác đất,input-high-manure,1,ha,đầu vào trung bình\n",
        encoding="utf-8")
    (tmp_path / "dien-tich.csv").write_text("commune_code,year,crop,area,area_unit\n24133,2024,cà phê,50,ha\n"
                                            "24133,2025,cà phê,50,ha\n", encoding="utf-8")
    (tmp_path / "ap-dung.csv").write_text("commune_code,year,profile_id,share\n24133,2024,CP-TT,90\n"
                                          "24133,2024,CP-PTT,10\n24133,2025,CP-TT,70\n24133,2025,CP-PTT,30\n",
                                          encoding="utf-8")
    for name in ("quy-trinh.csv", "dien-tich.csv", "ap-dung.csv"):
        assert run("import", str(tmp_path / name), "--by", "Lê Văn Chi", *db).exit_code == 0
    engine = models.connect(first_year)
    with Session(engine) as session:
        inputs = estimate_inputs(session, 2025, "ipcc2019", "AR5")
    engine.dispose()
    soil = inputs["soil_results"]
    # 50 ha × (30 % − 10 %) = 10 ha took the profile up in 2025; SOC_REF 38 t C/ha × F_LU 1.1 × (F_I 1.44 − 1.00)
    # / 20 years = 0.9196 t C/ha: 9.196 t C gained, −33.7187 t CO2; the compost's N is the profile's, every year
    assert list(soil["plot_id"]) == ["CP-PTT 2025"] and list(soil["source"]) == ["soil_carbon"]
    assert soil["mass_kg"].sum() == pytest.approx(-10 * 38 * 1.1 * 0.44 / 20 * 1000 * 44 / 12, rel=1e-9)
    assert inputs["profile_results"]["source"].ne("soil_carbon").all()
    (tmp_path / "sai.csv").write_text(  # the practice it replaced left out: refused, nothing stored
        "profile_id,name,crop,low_emission,activity,product,quantity,unit\n"
        "CP-X,Cà phê ủ phân,cà phê,có,thay đổi canh tác đất,input-high-manure,1,ha\n", encoding="utf-8")
    engine = models.connect(first_year)
    before = snapshot(engine)
    refused = run("import", str(tmp_path / "sai.csv"), "--by", "Lê Văn Chi", *db)
    assert refused.exit_code == 2 and "previous_practice" in refused.output and "trước" in refused.output
    assert "sai.csv, dòng 2" in refused.output and snapshot(engine) == before
    engine.dispose()


def gaps(database: str, commune: str | None = None) -> list[tuple]:
    """The check's findings that the provincial estimate leaves a crop area out, in Vietnamese."""
    engine = models.connect(database)
    findings = models.check_year(engine, 2025, commune, scope=models.LOCAL)
    engine.dispose()
    found = findings[findings["rule"] == "estimate_gap"]
    return sorted((row.commune_code, row.value, mrv.say(row.message, "vi")) for row in found.itertuples())
