"""The annual report on the demo database: its totals add up and match the official run;
the PDF has a first page with something on it."""

from __future__ import annotations

import re

import pandas as pd
import pypdfium2
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from tests.helpers import two_years_of_examples

runner = CliRunner()


def _sheet(book, title):
    rows = list(book[title].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_report_totals_equal_their_parts_and_the_official_run(demo):
    folder, db = demo
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    assert {"Tổng hợp", "Theo xã-phường", "Theo cây trồng, nguồn và khí"} <= set(book.sheetnames)
    _, summary = _sheet(book, "Tổng hợp")
    total = summary[0][1]
    header, communes = _sheet(book, "Theo xã-phường")
    column = header.index("Phát thải các lô (t CO2e)")
    assert len(communes) == 102
    assert sum(row[column] or 0 for row in communes) == pytest.approx(total, rel=1e-9)
    assert all(isinstance(row[column], float) or row[column] is None for row in communes)  # numbers, not text
    engine = models.connect(db)
    stored = models.run_results(engine, models.official_run(engine, 2025).id)
    removed = stored["mass_kg"] < 0
    inventory = stored[stored["boundary"].isin(["afolu", "energy"]) & ~removed]
    assert inventory["co2e_kg"].sum() / 1000 == pytest.approx(total, rel=1e-9)
    assert removed.any()  # the demo's coffee trees are growing: removals are reported apart, never netted
    removals = {row[0]: row[1] for row in summary}["Hấp thụ (carbon sinh khối và đất)"]
    assert removals == pytest.approx(stored.loc[removed, "co2e_kg"].sum() / 1000, rel=1e-9) and removals < 0
    header, by_crop = _sheet(book, "Theo cây trồng, nguồn và khí")
    co2e, boundary, mass = header.index("t CO2e"), header.index("Phạm vi"), header.index("Khối lượng khí (kg)")
    memo = mrv.report_label("scope2", "vi")
    assert sum(r[co2e] for r in by_crop if r[boundary] != memo and r[mass] >= 0) == pytest.approx(total, rel=1e-9)


def test_a_commune_without_data_is_not_a_zero(tmp_path):
    """The examples have plots in 4 communes: they are listed, and the other 98 (no plots,
    no commune area either) are summarised by name under the table, never shown as 0."""
    engine = models.connect(f"sqlite:///{tmp_path / 'mrv.sqlite'}")
    models.seed(engine)
    two_years_of_examples(engine, tmp_path)
    models.calculate_year(engine, 2025, official=True)
    written = mrv.write_report(models.build_report(engine, 2025, "vi", scope=models.LOCAL), tmp_path, ("xlsx",))
    sheet = load_workbook(written[0])["Theo xã-phường"]
    rows = list(sheet.iter_rows(values_only=True))
    header, communes = rows[0], rows[1:5]
    plots, pilot = header.index("Số lô"), header.index("Phát thải các lô (t CO2e)")
    assert {row[0] for row in communes} == {"24133", "24169", "24280", "24373"}
    assert all(row[pilot] > 0 and row[plots] > 0 for row in communes)
    note = rows[6][0]
    assert note.startswith("98 xã/phường chưa có số liệu thí điểm hay ước tính: ") and "Xã Ea Súp" in note
    assert "Phường Buôn Ma Thuột" not in note  # 24133 has data


def test_the_pdf_first_page_is_the_official_form_and_html_is_self_contained(demo):
    """Page 1 carries the national heading, the agency, number, place and date, the title
    and the summary (NĐ 30/2020 layout); page 2 is numbered at its top."""
    folder, _ = demo
    pdf = pypdfium2.PdfDocument(folder / "report" / "bao-cao-2025-vi.pdf")
    words = " ".join(pdf[0].get_textpage().get_text_range().split())
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND TỈNH ĐẮK LẮK",
                 "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Số: /BC-SNNMT", "BÁO CÁO",
                 "Kết quả phát thải và giảm phát thải khí nhà kính lĩnh vực trồng trọt tỉnh Đắk Lắk năm 2025"):
        assert text in words, text
    assert re.search(r"Đắk Lắk, ngày \d\d tháng \d{1,2} năm 20\d\d", words)
    _, summary = _sheet(load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx"), "Tổng hợp")
    item, total, unit = summary[0]
    # the summary table, the total rounded to 0.1 t and written the Vietnamese way (6.985,2)
    printed = f"{total:,.1f}".translate(str.maketrans(",.", ".,"))
    assert f"Tổng hợp Chỉ tiêu Giá trị Đơn vị {item} {printed} {unit}" in words
    assert "không phải phát thải toàn tỉnh" in words  # the pilots' sum is never called the province's
    assert pdf[1].get_textpage().get_text_range().split()[0] == "2"
    assert pdf[0].get_textpage().get_text_range().split()[0] != "1"  # page 1 carries no number
    last = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    assert "Nơi nhận:" in last and "PHÓ GIÁM ĐỐC" in last and "PHỤ LỤC" in last
    pdf.close()
    html = (folder / "report" / "bao-cao-2025-vi.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 3 and "Đắk Lắk" in html and "http" not in html


def test_the_vietnamese_report_shows_no_english_code_before_its_annex(demo):
    """Boundaries, factor statuses, QA rules, levels and profiles are named in Vietnamese;
    run ids, hashes and factor ids are in the annex only."""
    folder, db = demo
    html = (folder / "report" / "bao-cao-2025-vi.html").read_text(encoding="utf-8")
    body = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>|<img[^>]*>", " ", html.split('class="annex"')[0],
                                           flags=re.S))
    engine = models.connect(db)
    run = models.official_run(engine, 2025)
    codes = ["afolu", "scope2", "to check", "confirmed", "confirmed-secondary", "factor_to_check", "province", "commune", "control",
             "coffee", "sugarcane", "ipcc2019", "ipcc2006.", str(run.id), run.factor_set_version]
    found = [code for code in codes if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", body)]
    assert not found
    annex = html.split('class="annex"')[1]
    assert str(run.id) in annex and "ipcc2019.EF1" in annex


def test_english_report_and_a_year_without_official_run(demo, tmp_path):
    folder, db = demo
    result = runner.invoke(app, ["report", "--year", "2025", "--lang", "en", "--format", "xlsx", "--out", str(tmp_path),
                                 "--db", db])
    assert result.exit_code == 0 and (tmp_path / "bao-cao-2025-en.xlsx").exists()
    assert load_workbook(tmp_path / "bao-cao-2025-en.xlsx").sheetnames[0] == "Summary"
    missing = runner.invoke(app, ["report", "--year", "2019", "--out", str(tmp_path), "--db", db])
    assert missing.exit_code == 2 and "mrv calc --year 2019 --official" in missing.output


def test_the_trend_shows_every_official_year_against_the_first(tmp_path):
    engine = models.connect(f"sqlite:///{tmp_path / 'mrv.sqlite'}")
    models.seed(engine)
    two_years_of_examples(engine, tmp_path)
    models.calculate_year(engine, 2024, official=True)
    models.calculate_year(engine, 2025, official=True)
    report = models.build_report(engine, 2025, "en", scope=models.LOCAL)
    trend = report.sections["trend"]
    assert list(trend["year"]) == [2024, 2025]
    first, second = trend["total_t"]
    assert trend["change_pct"].iloc[1] == pytest.approx((second / first - 1) * 100)
    assert trend["change_pct"].iloc[0] == 0


def test_plan_indicators_come_from_the_pilots_and_the_officers_table(demo):
    folder, _ = demo
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    _, rows = _sheet(book, "Chỉ tiêu kế hoạch")
    values = {row[0]: row[1] for row in rows}
    assert values["Số xã/phường có mô hình thí điểm (trên 102)"] == 102
    assert values["Số nông dân được tập huấn (mục tiêu 500–1 000/năm)"] == 640
    assert "TINH-CAPHE (cà phê)" in values["Mô hình cấp tỉnh (cà phê và mía)"]


def test_cooperative_rows_add_up_to_their_plots(demo):
    from sqlalchemy import text
    folder, db = demo
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    header, rows = _sheet(book, "Theo HTX và vùng sản xuất")
    engine = models.connect(db)
    stored = models.run_results(engine, models.official_run(engine, 2025).id)
    with engine.connect() as connection:
        members = {code for (code,) in connection.execute(text(
            "SELECT plot.code FROM plot JOIN farm ON farm.id = plot.farm_id WHERE farm.cooperative_id IS NOT NULL"))}
    inventory = stored[stored["boundary"].isin(["afolu", "energy"]) & stored["plot_id"].isin(members)
                       & (stored["mass_kg"] >= 0)]
    assert sum(row[header.index("t CO2e")] for row in rows) == pytest.approx(inventory["co2e_kg"].sum() / 1000, rel=1e-9)
    assert sum(row[header.index("Số lô")] for row in rows) == len(members)


def test_the_report_lists_the_qa_findings(demo):
    folder, _ = demo
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    header, rows = _sheet(book, "Kiểm tra dữ liệu (QA-QC)")
    counts = {row[header.index("Quy tắc")]: row[header.index("Số phát hiện")] for row in rows}
    assert counts.get("Hệ số chưa đối chiếu với nguồn", 0) > 0
    assert "Lô thí điểm/đối chứng thiếu sản lượng" not in counts


def test_the_uncertainty_section_and_command_agree_with_the_run(demo, tmp_path):
    folder, db = demo
    book = load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")
    _, summary = _sheet(book, "Tổng hợp")
    header, rows = _sheet(book, "Độ không chắc chắn")
    central, lower, upper = (header.index(label) for label in
                             ("Giá trị tính (t CO2e)", "Cận dưới 95 % (t CO2e)", "Cận trên 95 % (t CO2e)"))
    by_item = {row[0]: row for row in rows}
    pilots = by_item["Phát thải các lô thí điểm và đối chứng (tổng các lô)"]
    assert pilots[central] == pytest.approx(summary[0][1], rel=1e-9)
    assert all(row[lower] <= row[central] <= row[upper] for row in rows)  # equal where every factor is held
    assert pilots[lower] < pilots[central] < pilots[upper]
    out = tmp_path / "uncertainty.csv"
    result = runner.invoke(app, ["uncertainty", "--year", "2025", "--draws", "2000", "--out", str(out), "--db", db,
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("item")
    sources = table.loc[[name for name in mrv.catalogue("sources")["name_en"] if name in table.index]]
    # the sources add up to the inventory total plus the grid electricity memo, in the central values and the means
    for column in ("central_t", "mean_t"):
        assert sources[column].sum() == pytest.approx(
            table.loc["Emissions of pilot and control plots (sum of plots)", column]
            + table.loc["Grid electricity (memo, not added to the inventory)", column], rel=1e-9)
    assert runner.invoke(app, ["uncertainty", "--year", "1999", "--db", db]).exit_code == 2


def test_every_sheet_title_fits_excel():
    from mrv import report_label
    sections = ("summary", "estimate_by_gas", "intensity", "by_commune", "by_crop", "by_cooperative", "pilots", "indicators",
                "completeness", "qa", "uncertainty", "factor_table", "trend", "charts", "report_info", "period_series",
                "period_targets", "contribution_results", "contribution_methods", "contribution_activity",
                "contribution_ief", "contribution_coverage", "contribution_notation")
    too_long = [report_label(key, lang) for key in sections for lang in ("vi", "en") if len(report_label(key, lang)) > 31]
    assert not too_long
