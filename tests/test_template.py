"""`mrv template`: instructions, a note on every column, an example row per sheet that is
valid data yet never imported, and every unit a file may use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

import mrv
from mrv import models
from mrv.models._tables import ActivityRecord, LotPart, Plot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def engine(tmp_path):
    engine = models.connect(f"sqlite:///{tmp_path / 'mrv.sqlite'}")
    models.seed(engine)
    yield engine
    engine.dispose()


def test_the_template_explains_every_sheet_column_and_unit(tmp_path):
    book = load_workbook(models.write_template(tmp_path / "mau.xlsx", "vi"))
    assert book.sheetnames[0] == "Hướng dẫn"
    guide = [row for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert guide[0][0] == "Mẫu nhập số liệu MRV phát thải trồng trọt tỉnh Đắk Lắk"
    assert guide[4] == ("3.", "Dòng 2 (chữ xám) là ví dụ và không bao giờ được nhập: ghi số liệu từ dòng 3, hoặc ghi "
                              "đè lên dòng ví dụ.")
    units = dict(guide[guide.index(("Đơn vị (ghi theo bất kỳ cách nào sau đây)", "Một đơn vị bằng")) + 1:])
    assert units["ta, tạ"] == "100 kg" and units["g, gam, gram"] == "0,001 kg"  # Vietnamese decimal comma
    assert units["sào bắc, sào bắc bộ"] == "360 m²" and units["công lớn"] == "1 296 m²"
    with (ROOT / "mrv" / "unit_aliases.csv").open(encoding="utf-8") as handle:
        spellings = {row["alias"] for row in csv.DictReader(handle)}
    listed = {spelling for row in units for spelling in row.split(", ")}
    assert spellings <= listed  # every spelling a file may use is in the units table
    for table in ("Lô đất", "Nhật ký", "Mô hình", "HTX", "Diện tích xã", "Quy trình", "Tỷ lệ áp dụng", "Cài đặt xã",
                  "Chỉ tiêu kế hoạch"):
        for cell in book[table][1]:
            assert cell.comment is not None, (table, cell.value)
            note = cell.comment.text
            assert ("Bắt buộc." in note) != ("Không bắt buộc: có thể để trống." in note), (table, cell.value)
    records = book["Nhật ký"]
    headers = [c.value for c in records[1]]
    unit_note = records.cell(1, headers.index("đơn vị") + 1).comment.text
    assert "Bắt buộc." in unit_note and "Ví dụ: bao" in unit_note and "Xem bảng đơn vị ở trang Hướng dẫn" in unit_note
    climate_note = book["Lô đất"].cell(1, 6).comment.text  # a short list is spelled out
    assert "Giá trị được phép: ẩm, khô." in climate_note
    assert {"cây", "lít", "m²", "số điện", "mẫu nam"} <= set(models.input_lists("vi")["unit"])


def test_the_english_template_says_the_same_in_english(tmp_path):
    book = load_workbook(models.write_template(tmp_path / "template.xlsx", "en"))
    assert book.sheetnames[0] == "Instructions" and "plots" in book.sheetnames
    assert book["Instructions"]["A1"].value == "Import template of the crop emissions MRV of Đắk Lắk"
    assert "Required." in book["plots"]["A1"].comment.text


def test_the_example_rows_are_never_imported_yet_are_valid_data(engine, tmp_path):
    path = models.write_template(tmp_path / "mau.xlsx", "vi")
    with pytest.raises(mrv.InputError) as nothing:  # as written, the template holds no data
        models.import_file(engine, path)
    assert [p.expected for p in nothing.value.problems] == ["a table with at least one row under its headers"]

    book = load_workbook(path)
    for sheet in book.worksheets[1:-1]:  # each example, copied to row 3 with ids of its own, is data
        if sheet.title == "Tuyên bố giảm phát thải":  # a claim needs a verified year's run: tests/test_claims.py
            continue
        for column, cell in enumerate(sheet[2], start=1):
            value = cell.value
            sheet.cell(3, column, value.replace("VÍ DỤ", "VD1") if isinstance(value, str) else value)
    book.save(path)
    summary = models.import_file(engine, path)
    assert summary.rows == {"cooperatives": 1, "pilot_models": 1, "plots": 1, "records": 1, "commune_crops": 1,
                            "age_classes": 1, "practice_profiles": 1, "adoption": 1, "commune_settings": 1,
                            "plan_indicators": 1, "lots": 1}
    with Session(engine) as session:
        plot = session.execute(select(Plot).where(Plot.code == "VD1")).scalar_one()
        record = session.execute(select(ActivityRecord)).scalar_one()
        lot = session.execute(select(LotPart.mass_kg)).scalar_one()
    assert lot == 200.0  # 2 tạ of green coffee
    assert plot.area_ha == pytest.approx(5 * 1000 / 10_000)  # 5 sào nam of 1 000 m² = 0,5 ha
    assert (record.record_key, record.record_date, record.year) == ("VD1", "15/03/2026", 2026)  # kept as typed
    assert (record.quantity_text, record.unit_text) == ("3", "bao")


def test_rows_are_numbered_as_excel_shows_them_under_the_example_and_past_blank_rows(engine, tmp_path):
    path = models.write_template(tmp_path / "mau.xlsx", "vi")
    book = load_workbook(path)
    records = book["Nhật ký"]
    for row, quantity in ((3, "2,5,1"), (6, "abc")):  # rows 4 and 5 left blank (their record ids only)
        for column, value in enumerate(["CP-01", 2025, "bón phân", "phân urê", quantity, "bao"], start=1):
            records.cell(row, column, value)
    book.save(path)
    models.import_file(engine, ROOT / "examples" / "plots.csv")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, path)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(3, "quantity", "2,5,1"),
                                                                           (6, "quantity", "abc")]


def test_a_template_sheet_saved_as_csv_keeps_its_example_out_too(engine, tmp_path):
    from mrv.models._files import SPECS, example_row
    path = tmp_path / "lo-dat.csv"
    spec = SPECS["plots"]
    rows = [list((*spec.required, *spec.optional)), example_row("plots"),
            ["CM-1", "Cư M'gar", "cà phê", "2,5", "ha"] + [""] * len(spec.optional)]
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\n", encoding="utf-8")
    summary = models.import_file(engine, path)
    assert summary.rows == {"plots": 1} and summary.plots_added == 1
    with Session(engine) as session:
        assert session.execute(select(Plot.code)).scalars().all() == ["CM-1"]
    rows[2][3] = "2,5,1"  # and a problem in it is on the row the file shows
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "area")]


def test_a_csv_file_numbers_its_rows_past_empty_lines_and_rows_of_separators(engine, tmp_path):
    from mrv.models._files import SPECS, example_row
    spec = SPECS["plots"]
    width = len(spec.required) + len(spec.optional)
    header = ",".join((*spec.required, *spec.optional))
    plot = ",".join(["CM-{n}", "Cư M'gar", "cà phê", '"{area}"', "ha"] + [""] * len(spec.optional))
    lines = [header,                                  # row 1
             ",".join(f'"{cell}"' for cell in example_row("plots")),  # row 2: the template's example
             plot.format(n=1, area="2,5"),             # row 3
             "",                                       # row 4: an empty line
             "," * (width - 1),                        # row 5: separators only, as Excel saves a blank row
             plot.format(n=2, area="abc")]             # row 6
    path = tmp_path / "lo-dat.csv"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")  # and blank lines at the end
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, path)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(6, "area", "abc")]
    path.write_text("\n".join(lines[:-1] + [plot.format(n=2, area="1")]) + "\n", encoding="utf-8")
    assert models.import_file(engine, path).plots_added == 2  # blank rows are neither records nor problems
