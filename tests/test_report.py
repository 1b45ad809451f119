"""The annual report on the demo database: its totals add up and match the official run;
the PDF has a first page with something on it."""

from __future__ import annotations

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
    removals = {row[0]: row[1] for row in summary}["Hấp thụ (carbon sinh khối)"]
    assert removals == pytest.approx(stored.loc[removed, "co2e_kg"].sum() / 1000, rel=1e-9) and removals < 0
    header, by_crop = _sheet(book, "Theo cây trồng, nguồn và khí")
    co2e, boundary, mass = header.index("t CO2e"), header.index("Phạm vi"), header.index("Khối lượng khí (kg)")
    assert sum(r[co2e] for r in by_crop if r[boundary] != "scope2" and r[mass] >= 0) == pytest.approx(total, rel=1e-9)


def test_a_commune_without_data_is_not_a_zero(tmp_path):
    """The examples have plots in 4 communes: the other 98 are listed, blank and 'thiếu dữ
    liệu' (no commune area either), never 0."""
    engine = models.connect(f"sqlite:///{tmp_path / 'mrv.sqlite'}")
    models.seed(engine)
    two_years_of_examples(engine, tmp_path)
    models.calculate_year(engine, 2025, official=True)
    written = mrv.write_report(models.build_report(engine, 2025, "vi", scope=models.LOCAL), tmp_path, ("xlsx",))
    header, communes = _sheet(load_workbook(written[0]), "Theo xã-phường")
    plots, pilot, status = (header.index(name) for name in ("Số lô", "Phát thải các lô (t CO2e)", "Tình trạng"))
    with_data = {row[0] for row in communes if row[plots]}
    assert len(communes) == 102 and with_data == {"24133", "24169", "24280", "24373"}
    without = [row for row in communes if row[0] not in with_data]
    assert all(row[pilot] is None and row[plots] is None for row in without)
    assert {row[status] for row in without} == {"thiếu dữ liệu"}
    assert all(row[pilot] > 0 for row in communes if row[0] in with_data)


def test_the_pdf_first_page_reads_as_the_report_and_html_is_self_contained(demo):
    folder, _ = demo
    text = pypdfium2.PdfDocument(folder / "report" / "bao-cao-2025-vi.pdf")[0].get_textpage().get_text_range()
    words = " ".join(text.split())
    assert "Đắk Lắk" in words and "2025" in words  # Vietnamese diacritics kept in the PDF's text
    _, summary = _sheet(load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx"), "Tổng hợp")
    item, total, unit = summary[0]
    # the summary table, with the total written the Vietnamese way (6.985,19)
    printed = f"{total:,.2f}".translate(str.maketrans(",.", ".,"))
    assert f"Tổng hợp Chỉ tiêu Giá trị Đơn vị {item} {printed} {unit}" in words
    html = (folder / "report" / "bao-cao-2025-vi.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 3 and "Đắk Lắk" in html and "http" not in html


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
    assert "TINH-CAPHE (coffee)" in values["Mô hình cấp tỉnh (cà phê và mía)"]


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
    assert counts.get("factor_to_check", 0) > 0 and "harvest_missing" not in counts


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
                "completeness", "qa", "uncertainty", "factor_table", "trend")
    too_long = [report_label(key, lang) for key in sections for lang in ("vi", "en") if len(report_label(key, lang)) > 31]
    assert not too_long
