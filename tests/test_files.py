"""No file is misread: a table is recognised only with all its required columns, every
sheet with data is imported or refused by name, columns of no table are listed, formulas
without a value are refused, a percentage cell is the percentage it shows; on SQLite and
PostgreSQL, and a refused file stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlmodel import Session

import mrv
from mrv import models
from mrv.models._tables import ActivityRecord
from tests.helpers import snapshot

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RECORD_HEADERS = ["Mã lô", "Năm", "Hoạt động", "Sản phẩm", "Số lượng", "Đơn vị", "Hàm lượng N (%)"]


def refused(engine, path: Path) -> list[mrv.Problem]:
    before = snapshot(engine)
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, path)
    assert snapshot(engine) == before
    assert all(p.fix for p in caught.value.problems)
    return caught.value.problems


@pytest.fixture
def plots(engine):
    models.import_file(engine, EXAMPLES / "plots.csv")
    return engine


def book(*sheets: tuple[str, list[list]], hidden: str | None = None) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title == hidden:
            sheet.sheet_state = "hidden"
    return workbook


def test_a_records_file_without_its_unit_column_is_refused_not_read_as_another_table(plots, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,activity,product,quantity,n_content\nCP-01,2025,fertiliser,urea,500,\n",
                    encoding="utf-8")
    [problem] = refused(plots, path)
    assert (problem.row, problem.column) == (1, "unit") and "table records" in problem.expected
    assert "đơn vị" in problem.fix


def test_headers_of_no_table_duplicates_and_extra_columns(plots, tmp_path):
    nothing = tmp_path / "a.csv"
    nothing.write_text("mã số thuế,điện thoại\n123,0905\n", encoding="utf-8")
    [problem] = refused(plots, nothing)
    assert problem.value == "mã số thuế | điện thoại" and "records (plot_id, year" in problem.expected
    twice = tmp_path / "b.csv"
    twice.write_text("plot_id,year,activity,product,quantity,số lượng,unit,n_content\n"
                     "CP-01,2025,fertiliser,urea,500,450,kg,\n", encoding="utf-8")
    [problem] = refused(plots, twice)
    assert (problem.column, problem.value) == ("quantity", "số lượng") and "'quantity'" in problem.expected
    extra = tmp_path / "c.csv"
    extra.write_text("plot_id,year,activity,product,quantity,unit,n_content,ghi chú\n"
                     "CP-01,2025,fertiliser,urea,500,kg,,mua ở đại lý\n", encoding="utf-8")
    summary = models.import_file(plots, extra)
    assert summary.records_added == 1 and summary.ignored_columns == [f"{extra}: 'ghi chú'"]


def test_every_sheet_with_data_is_imported_or_refused_by_name(plots, tmp_path):
    good = ("Nhật ký", [RECORD_HEADERS, ["CP-01", 2025, "bón phân", "urê", 500, "kg", None]])
    cases = {
        "unknown": (book(good, ("Sheet1", [["mã số thuế", "điện thoại"], [123, "0905"]])), "Sheet1"),
        "hidden": (book(good, ("records", [RECORD_HEADERS, ["CP-02", 2025, "bón phân", "urê", 1, "bao", None]]),
                        hidden="records"), "records"),
        "twice": (book(good, ("records", [RECORD_HEADERS, ["CP-02", 2025, "bón phân", "urê", 1, "bao", None]])),
                  "Nhật ký, records"),
    }
    for name, (workbook, named) in cases.items():
        path = tmp_path / f"{name}.xlsx"
        workbook.save(path)
        problems = refused(plots, path)
        assert len(problems) == 1 and named in (problems[0].file + problems[0].value), (name, problems)
    path = tmp_path / "header-only.xlsx"  # a sheet with headers and no rows (as the template writes) is no data
    book(good, ("Lô đất", [["Mã lô", "Mã xã", "Cây trồng", "Diện tích", "Đơn vị diện tích"]])).save(path)
    assert models.import_file(plots, path).rows == {"records": 1}


def test_a_formula_without_its_value_is_refused_and_a_percentage_is_what_it_shows(plots, tmp_path):
    workbook = book(("Nhật ký", [RECORD_HEADERS, ["CP-01", 2025, "bón phân", "urê", "=2*250", "kg", None],
                                 ["CP-01", 2025, "bón phân", "phân hữu cơ", 1000, "kg", 0.015]]))
    path = tmp_path / "formula.xlsx"
    workbook.save(path)  # openpyxl stores formulas without a computed value, as a script would
    [problem] = refused(plots, path)
    assert (problem.column, problem.value) == ("E2", "(formula)") and "save it" in problem.fix
    sheet = workbook["Nhật ký"]
    sheet["E2"] = 500
    sheet["G3"].number_format = "0.0%"  # 0.015 shown as 1.5 %
    workbook.save(path)
    models.import_file(plots, path)
    with Session(plots) as session:
        stored = session.execute(select(ActivityRecord.n_content_text, ActivityRecord.n_content)
                                 .where(ActivityRecord.product_id == "organic")).one()
    assert tuple(stored) == ("1.5", 1.5)


def test_a_number_beyond_its_bounds_stores_nothing(plots, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,activity,product,quantity,unit,n_content\n"
                    f"CP-01,2025,fertiliser,urea,{'9' * 400},kg,\n"  # a float would hold it as inf
                    "CP-01,2025,fertiliser,compost,500,kg,146\n", encoding="utf-8")
    problems = refused(plots, path)
    assert [(p.row, p.column, p.expected) for p in problems] == [
        (2, "quantity", "a number of at most 15 digits"), (3, "n_content", "an N content in % between 0 and 100")]


def test_records_checked_in_slices_behave_as_one_file(plots, tmp_path, monkeypatch):
    monkeypatch.setattr(models._import, "RECORD_CHUNK", 3)
    header = "record_id,plot_id,year,activity,product,quantity,unit,n_content\n"
    rows = [f"K{i},CP-01,2025,fertiliser,urea,{10 + i},kg," for i in range(7)]
    twice = ",CP-02,2025,fertiliser,urea,5,kg,"  # the same record without an id twice, in two slices
    good = tmp_path / "good.csv"
    good.write_text(header + "\n".join([*rows, twice, twice]) + "\n", encoding="utf-8")
    summary = models.import_file(plots, good)
    assert (summary.records_added, summary.records_unchanged) == (9, 0)
    assert models.import_file(plots, good).records_unchanged == 9  # the same keys again, slice by slice
    before = snapshot(plots)
    bad = tmp_path / "bad.csv"
    rows[1] = rows[1].replace("K1,", "K5,")  # K5 again, two slices later (rows 3 and 7)
    rows[6] = rows[6].replace(",kg,", ",furlong,")  # row 8, the last slice
    bad.write_text(header + "\n".join([f"N{i}{r[2:]}" if i in (0, 2) else r for i, r in enumerate(rows)]) + "\n",
                   encoding="utf-8")
    problems = refused(plots, bad)  # the first slice alone was good: nothing is stored all the same
    assert [(p.row, p.column) for p in problems] == [(7, "record_id"), (8, "unit")]
    assert snapshot(plots) == before
