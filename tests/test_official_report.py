"""The reports in the official form: the letterhead and its date line, the DOCX and the
formatted XLSX, a commune's own report (its share of the province's, to the digit), the
period summary recalculated on one method against the plan's targets, and communes
written by name."""

from __future__ import annotations

from datetime import date

import docx
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app

runner = CliRunner()


def test_the_date_line_follows_decree_30():
    # NĐ 30/2020 Phụ lục I: a day below 10 and the months 1 and 2 take a leading zero
    assert mrv.letterhead().place == "Đắk Lắk"
    from mrv._letterhead import date_line
    assert date_line("Đắk Lắk", date(2026, 2, 3), "vi") == "Đắk Lắk, ngày 03 tháng 02 năm 2026"
    assert date_line("Đắk Lắk", date(2026, 11, 15), "vi") == "Đắk Lắk, ngày 15 tháng 11 năm 2026"
    assert date_line("Đắk Lắk", date(2026, 3, 9), "vi") == "Đắk Lắk, ngày 09 tháng 3 năm 2026"


def test_an_office_uses_its_own_letterhead_and_a_broken_one_is_refused(tmp_path, monkeypatch):
    text = mrv._letterhead.DEFAULT.read_text(encoding="utf-8").replace("PHÓ GIÁM ĐỐC", "GIÁM ĐỐC")
    own = tmp_path / "own.toml"
    own.write_text(text.replace('authority = "KT. GIÁM ĐỐC"', 'authority = ""'), encoding="utf-8")
    monkeypatch.setenv("MRV_LETTERHEAD", str(own))
    head = mrv.letterhead()
    assert (head.authority, head.signer_title) == ("", "GIÁM ĐỐC")
    commune = mrv.letterhead(commune="Xã Ea Súp")
    assert commune.agency == "ỦY BAN NHÂN DÂN XÃ EA SÚP" and commune.signer_title == "CHỦ TỊCH"
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('symbol = "BC-SNNMT"', ""), encoding="utf-8")
    with pytest.raises(mrv.InputError) as error:
        mrv.letterhead(broken)
    assert [(p.column, p.expected) for p in error.value.problems] == [("symbol", "a text")]


def test_the_docx_has_the_letterhead_page_numbers_and_signature(demo):
    folder, _ = demo
    document = docx.Document(folder / "report" / "bao-cao-2025-vi.docx")
    agency, nation = (cell.text for cell in document.tables[0].rows[0].cells)
    assert "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in agency and "Số:" in agency and "/BC-SNNMT" in agency
    assert nation.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐắk Lắk, ngày ")
    section = document.sections[0]
    assert section.different_first_page_header_footer  # page 1 unnumbered, the others numbered at the top
    assert 'w:instr="PAGE"' in section.header._element.xml
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["BÁO CÁO", "Kết quả phát thải và giảm phát thải khí nhà kính lĩnh vực trồng trọt "
                                    "tỉnh Đắk Lắk năm 2025"]
    assert any(t.startswith("Năm 2025, 1.826 lô thí điểm và đối chứng") for t in texts)
    signature = [cell.text for table in document.tables for cell in table.rows[0].cells if "Nơi nhận" in cell.text]
    assert signature and "- Lưu: VT, CCTT." in signature[0]


def test_the_xlsx_is_formatted_with_native_charts_and_a_sheet_about_it(demo):
    folder, _ = demo
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    communes = book["Theo xã-phường"]
    assert communes.freeze_panes == "A2" and communes.auto_filter.ref.startswith("A1:")
    header = [c.value for c in communes[1]]
    column = header.index("Phát thải các lô (t CO2e)") + 1
    assert communes.cell(2, column).number_format == "#,##0.0"
    assert communes.cell(2, header.index("Số lô") + 1).number_format == "#,##0"
    assert len(book["Biểu đồ"]._charts) == 3
    info = [row[0] for row in book["Thông tin báo cáo"].iter_rows(values_only=True)]
    assert info[:5] == ["UBND TỈNH ĐẮK LẮK", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", None, "BÁO CÁO",
                        "Kết quả phát thải và giảm phát thải khí nhà kính lĩnh vực trồng trọt tỉnh Đắk Lắk năm 2025"]
    assert "Lượt tính chính thức" in info


def test_a_communes_report_is_its_share_of_the_provinces(demo, tmp_path):
    folder, db = demo
    result = runner.invoke(app, ["report", "--year", "2025", "--commune", "ea kao", "--format", "xlsx,docx",
                                 "--out", str(tmp_path), "--db", db])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "bao-cao-xa-24169-2025-vi.xlsx")
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    province = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")["Theo xã-phường"]
    rows = list(province.iter_rows(values_only=True))
    own = next(row for row in rows if row[0] == "24169")
    header = rows[0]
    assert summary["Phát thải các lô thí điểm và đối chứng (tổng các lô)"] == pytest.approx(
        own[header.index("Phát thải các lô (t CO2e)")], rel=1e-12)
    assert summary["Ước tính của cả xã/phường (diện tích × quy trình)"] == pytest.approx(
        own[header.index("Ước tính (t CO2e)")], rel=1e-12)
    assert summary["Giảm phát thải ước tính của cả xã/phường"] == pytest.approx(
        own[header.index("Giảm phát thải (t CO2e)")], rel=1e-12)
    engine = models.connect(db)
    stored = models.run_results(engine, models.official_run(engine, 2025).id)
    kept = stored[(stored["commune_code"] == "24169") & stored["boundary"].isin(["afolu", "energy"])
                  & (stored["mass_kg"] >= 0)]
    assert summary["Phát thải các lô thí điểm và đối chứng (tổng các lô)"] == pytest.approx(
        kept["co2e_kg"].sum() / 1000, rel=1e-12)
    heading = docx.Document(tmp_path / "bao-cao-xa-24169-2025-vi.docx").tables[0].rows[0].cells[0].text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG EA KAO" in heading and "/BC-UBND" in heading
    # an office's own letterhead file names the commune as stored, whatever spelling --commune took
    own = tmp_path / "own.toml"
    own.write_text(mrv._letterhead.DEFAULT.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["report", "--year", "2025", "--commune", "phuong ea kao", "--format", "docx",
                                 "--letterhead", str(own), "--out", str(tmp_path / "own"), "--db", db])
    assert result.exit_code == 0, result.output
    heading = docx.Document(tmp_path / "own" / "bao-cao-xa-24169-2025-vi.docx").tables[0].rows[0].cells[0].text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG EA KAO" in heading
    own.write_text("agency = 1\n", encoding="utf-8")
    for command in (["--year", "2025"], ["--period", "2025-2026"]):
        broken = runner.invoke(app, ["report", *command, "--letterhead", str(own), "--out", str(tmp_path / "no"),
                                     "--db", db])
        assert broken.exit_code == 2 and "symbol" in broken.output and not (tmp_path / "no").exists()
    unknown = runner.invoke(app, ["report", "--year", "2025", "--commune", "Kao", "--db", db])
    assert unknown.exit_code == 2 and "Không có xã/phường 'Kao'" in unknown.output


def test_the_period_summary_recalculates_each_year_against_the_targets(demo, tmp_path):
    folder, db = demo
    result = runner.invoke(app, ["report", "--period", "2024-2026", "--format", "xlsx", "--out", str(tmp_path),
                                 "--db", db])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "bao-cao-giai-doan-2024-2026-vi.xlsx")
    rows = list(book["Từng năm (cùng phương pháp)"].iter_rows(values_only=True))
    header, years = rows[0], {row[0]: row for row in rows[1:]}
    total = header.index("Tổng phát thải các lô (t CO2e)")
    assert set(years) == {2024, 2025, 2026} and years[2024][total] is None and years[2026][total] is None
    engine = models.connect(db)
    stored = models.run_results(engine, models.official_run(engine, 2025).id)
    kept = stored[stored["boundary"].isin(["afolu", "energy"]) & (stored["mass_kg"] >= 0)]
    # 2025 recalculated on the method of its own official run: the same total
    assert years[2025][total] == pytest.approx(kept["co2e_kg"].sum() / 1000, rel=1e-9)
    assert years[2025][header.index("Số nông dân được tập huấn (mục tiêu 500–1 000/năm)")] == 640
    goals = list(book["So sánh với mục tiêu kế hoạch"].iter_rows(values_only=True))
    head, by_item = goals[0], {row[0]: row for row in goals[1:]}
    trained = by_item["Số nông dân được tập huấn (mục tiêu 500–1 000/năm)"]
    # the demo's target rows: 5 000 farmers by 2030, 10 000 by 2035; 640 trained = 12.8 % and 6.4 %
    assert trained[head.index("Mục tiêu 2030")] == 5000 and trained[head.index("Đạt (%) so với mục tiêu 2030")] == 12.8
    assert trained[head.index("Đạt (%) so với mục tiêu 2035")] == 6.4
    area = by_item["Diện tích áp dụng quy trình phát thải thấp (ha)"]
    assert area[head.index("Đạt (%) so với mục tiêu 2030")] == pytest.approx(area[1] / 60000 * 100)
    for wrong in (["--period", "2026-2024"], ["--period", "2025", "--year", "2025"], ["--period", "x"]):
        assert runner.invoke(app, ["report", *wrong, "--db", db]).exit_code == 2


def test_a_target_value_on_a_row_of_what_was_done_is_refused(engine, tmp_path):
    path = tmp_path / "plan_indicators.csv"
    pd.DataFrame([{"year": "2026", "kind": "thực hiện", "farmers_trained": "700", "reduction_t": "5000"},
                  {"year": "2030", "kind": "mục tiêu", "farmers_trained": "5000", "reduction_t": "150000"}]
                 ).to_csv(path, index=False)
    with pytest.raises(mrv.InputError) as error:
        models.import_file(engine, path)
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "reduction_t")]


def test_communes_are_found_by_code_name_or_choice_and_a_shared_name_is_refused():
    places = models.Places(pd.DataFrame({"code": ["24133", "24169", "90001", "90002", "24301"],
                                         "name": ["Phường Buôn Ma Thuột", "Phường Ea Kao", "Xã Hòa Phú",
                                                  "Phường Hòa Phú", "Xã Cư M'gar"]}))
    for text in ("24169", "Phường Ea Kao", "ea kao", "EA-KAO", "24169 – Phường Ea Kao"):
        assert places.code(text) == "24169", text
    for text in ("Cư M'gar", "cu mgar", "Xã Cư M’gar"):
        assert places.code(text) == "24301", text
    assert places.code("xa hoa phu") == "90001"
    with pytest.raises(models.PlaceError) as shared:
        places.code("Hòa Phú")
    assert shared.value.choices == [("90001", "Xã Hòa Phú"), ("90002", "Phường Hòa Phú")]
    with pytest.raises(models.PlaceError):
        places.code("Kao")
    assert places.choice("24169") == "24169 – Phường Ea Kao"


def test_an_import_takes_a_commune_by_name(engine, tmp_path):
    path = tmp_path / "commune_crops.csv"
    pd.DataFrame([{"commune_code": "Ea Kao", "year": "2026", "crop": "cà phê", "area": "120", "area_unit": "ha"},
                  {"commune_code": "24133 – Phường Buôn Ma Thuột", "year": "2026", "crop": "cà phê", "area": "80",
                   "area_unit": "ha"}]).to_csv(path, index=False)
    models.import_file(engine, path)
    from sqlalchemy import text
    with engine.connect() as connection:
        stored = dict(connection.execute(text(
            "SELECT commune.code, communecroparea.area_ha FROM communecroparea JOIN commune "
            "ON commune.id = communecroparea.commune_id WHERE communecroparea.year = 2026")).all())
    assert stored == {"24169": 120.0, "24133": 80.0}
