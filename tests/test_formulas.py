"""Text a person typed never runs as a spreadsheet formula in a file the system writes
(results, report, inventory export, template): plot ids, farm, cooperative and pilot-model
names that start with = + - @, a tab or a carriage return get a leading apostrophe."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import mrv
from mrv.cli import app

runner = CliRunner()
HOSTILE = ['=HYPERLINK("http://example.invalid","bấm")', "+84905", "-P1", "@SUM(A1)", "\tTAB", "\rCR"]


def test_text_that_starts_a_formula_gets_an_apostrophe_and_numbers_stay_numbers():
    assert [mrv.safe_text(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert mrv.safe_text("CP-01") == "CP-01" and mrv.safe_text("'=quoted") == "'=quoted"
    assert [mrv.cell_value(v) for v in (-5.2, np.float64(-1.5), np.int64(3), pd.NA, np.nan, None, "=1")] == [
        -5.2, -1.5, 3, None, None, None, "'=1"]
    frame = pd.DataFrame({"plot": pd.Categorical(["=A", "B", "=A"]), "name": ["@x", None, "y"], "kg": [-1.0, 2.0, 3.0]})
    safe = mrv.safe_cells(frame)
    assert list(safe["plot"]) == ["'=A", "B", "'=A"] and list(safe["name"]) == ["'@x", None, "y"]
    assert list(safe["kg"]) == [-1.0, 2.0, 3.0]


def cells(path: Path) -> list:
    """Every cell value of every sheet of an XLSX file, or of a CSV file."""
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
        return [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(line for line in handle if not line.startswith("#")) for cell in row]


def no_formula(values) -> None:
    texts = [v for v in values if isinstance(v, str)]
    assert texts and not [v for v in texts if v.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.fixture
def hostile_files(tmp_path) -> Path:
    plots = pd.DataFrame({"plot_id": HOSTILE, "commune_code": "24133", "crop": "cà phê", "area": "1", "area_unit": "ha",
                          "farm_id": ["=cmd|' /C calc'!A0", "@farm", "F3", "F4", "F5", "F6"],
                          "cooperative_id": "=HTX", "pilot_model_id": "+MH", "role": ["thí điểm", "đối chứng"] * 3})
    plots.to_csv(tmp_path / "plots.csv", index=False)
    pd.DataFrame({"cooperative_id": ["=HTX"], "name": ["=1+1"], "kind": ["htx"], "commune_code": ["24133"]}).to_csv(
        tmp_path / "htx.csv", index=False)
    pd.DataFrame({"pilot_model_id": ["+MH"], "name": ["-mô hình"], "level": ["xã"], "crop": ["cà phê"],
                  "commune_code": ["24133"], "start_year": ["2024"]}).to_csv(tmp_path / "models.csv", index=False)
    pd.DataFrame({"plot_id": HOSTILE, "year": "2025", "activity": "fertiliser", "product": "urea", "quantity": "100",
                  "unit": "kg", "n_content": "", "recorded_by": "@an"}).to_csv(tmp_path / "records.csv", index=False)
    return tmp_path


def test_no_file_written_runs_a_formula(hostile_files, tmp_path):
    folder = hostile_files
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["calc", "--plots", str(folder / "plots.csv"), "--records", str(folder / "records.csv"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    # cells are read stripped, so a leading tab or carriage return is gone before anything is written
    assert set(pd.read_csv(out)["plot_id"]) == {mrv.safe_text(t.strip()) for t in HOSTILE} >= {"'-P1", "'@SUM(A1)"}
    no_formula(cells(out))
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    assert runner.invoke(app, ["user", "add", "chi", "--role", "province_officer", "--db", db]).exit_code == 0
    for name in ("htx.csv", "models.csv", "plots.csv", "records.csv"):
        imported = runner.invoke(app, ["import", str(folder / name), "--by", "chi", "--db", db])
        assert imported.exit_code == 0, imported.output
    assert runner.invoke(app, ["calc", "--year", "2025", "--official", "--db", db]).exit_code == 0
    report = runner.invoke(app, ["report", "--year", "2025", "--out", str(tmp_path / "report"), "--format", "xlsx",
                                 "--db", db])
    assert report.exit_code == 0, report.output
    values = cells(tmp_path / "report" / "bao-cao-2025-vi.xlsx")
    no_formula(values)
    assert "'=1+1" in values and "'-mô hình" in values  # the cooperative's and the pilot model's names, as typed
    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"kiem-ke.{fmt}"
        assert runner.invoke(app, ["export", "inventory", "--year", "2025", "--out", str(path), "--format", fmt,
                                   "--db", db]).exit_code == 0
        no_formula(cells(path))
    assert runner.invoke(app, ["template", "--out", str(tmp_path / "mau.xlsx")]).exit_code == 0
    no_formula(cells(tmp_path / "mau.xlsx"))
