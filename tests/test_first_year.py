"""What the province will have in its first year: one commune with pilot data, 101
without. Every command runs on it (SQLite and PostgreSQL), and so does a year without any
record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from mrv.cli import app

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
    checked = run("check", "--year", "2024", "--db", first_year)
    assert checked.exit_code == 0 and "0 lỗi, " in checked.output
    refused = run("report", "--year", "2024", "--db", first_year)
    assert refused.exit_code == 2 and "2024" in refused.output
