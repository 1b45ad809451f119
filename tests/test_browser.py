"""The pages in a real browser (Playwright driving Chromium): the commune officer's journey,
the province's, and a commune officer who edits the URL to another commune.

Chromium is Debian's (`.ci/run` installs it): its path is `MRV_CHROMIUM`, or `chromium` on
the PATH. Without it the tests are skipped on a workstation and fail under CI."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mrv import models, web
from tests.conftest import empty_database
from tests.helpers import examples_with_people, serving

playwright = pytest.importorskip("playwright.sync_api")

OWN, OTHER = "24133", "24169"
PEOPLE = {"recorder": ("Nguyễn Văn An", OWN), "verifier": ("Trần Thị Bình", OWN), "province_officer": ("Lê Văn Chi", None)}
SECRET = "mật khẩu thử 2026"


def chromium() -> str:
    found = os.environ.get("MRV_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("no Chromium: .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium on this machine (apt-get install chromium, or set MRV_CHROMIUM)")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example plots and records of 2024–2025 on a fresh database, one person of each
    role, served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("browser")
    engine = examples_with_people(empty_database("sqlite", folder), folder, PEOPLE, SECRET)
    with serving(web.create_app(engine)) as url:
        yield url, engine
    engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


def log_in(browser, url: str, role: str):
    page = browser.new_context(locale="vi-VN", accept_downloads=True).new_page()
    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(PEOPLE[role][0])
    page.get_by_label("Mật khẩu").fill(SECRET)
    page.get_by_role("button", name="Đăng nhập").click()
    return page


def save(page, form: str) -> None:
    """Submit a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(form).get_by_role("button", name="Lưu").click()


def add_record(page, **values: str) -> None:
    form = page.locator("#record-form")
    for label, value in values.items():
        form.get_by_label(label, exact=False).fill(value)
    save(page, "#record-form")


def test_the_commune_officers_journey(site, browser, tmp_path):
    url, engine = site
    page = log_in(browser, url, "recorder")
    page.wait_for_url(f"**/communes/{OWN}")
    assert page.get_by_role("heading", level=1).inner_text().endswith(f"({OWN})")

    plot = page.locator("#plot-form")
    plot.get_by_label("mã lô").fill("CP-WEB-1")
    plot.get_by_label("cây trồng").fill("cà phê")
    plot.get_by_label("diện tích", exact=False).first.fill("5")
    plot.get_by_label("đơn vị diện tích").fill("sào nam")
    save(page, "#plot-form")
    assert "Đã lưu. CP-WEB-1" in page.locator(".notice").inner_text()

    add_record(page, **{"mã lô": "CP-WEB-1", "năm": "2025", "ngày": "15/03/2025", "hoạt động": "bón phân",
                        "vật tư": "urê", "số lượng": "ba", "đơn vị": "bao"})
    # the error is shown beside its field, and what was typed is kept
    quantity = page.locator("#records-quantity")
    assert quantity.get_attribute("aria-invalid") == "true"
    assert "'ba'" in page.locator("#records-quantity-problem").inner_text() or \
        "ba" in page.locator("#records-quantity-problem").inner_text()
    assert page.locator("#records-unit").input_value() == "bao"
    quantity.fill("3")
    save(page, "#record-form")
    add_record(page, **{"mã lô": "CP-WEB-1", "năm": "2025", "hoạt động": "bón phân", "vật tư": "phân chuồng", "hàm lượng N": "1,5",
                        "số lượng": "2,5", "đơn vị": "tạ"})
    add_record(page, **{"mã lô": "CP-WEB-1", "năm": "2025", "hoạt động": "thu hoạch", "vật tư": "cà phê nhân",
                        "số lượng": "2", "đơn vị": "tạ"})
    stored = models.read_records(engine, models.LOCAL, plot="CP-WEB-1")
    assert sorted((r["quantity"], r["unit"]) for r in stored) == [("2", "tạ"), ("2,5", "tạ"), ("3", "bao")]

    # a filled template, uploaded: a fourth record of the new plot
    template = models.write_template(tmp_path / "mau.xlsx", "vi")
    book = load_workbook(template)
    sheet = book["Nhật ký"]
    header = [cell.value for cell in sheet[1]]
    for name, value in {"mã lô": "CP-WEB-1", "năm": 2025, "hoạt động": "bón phân", "vật tư": "urê",
                        "số lượng": 1, "đơn vị": "bao"}.items():
        sheet.cell(3, header.index(name) + 1, value)  # under the example row
    book.save(template)
    page.locator("#upload-file").set_input_files(str(template))
    page.get_by_role("button", name="Nhập tệp").click()
    page.get_by_text("Đã nhập mau.xlsx: 1 nhật ký mới").wait_for()
    assert len(models.read_records(engine, models.LOCAL, plot="CP-WEB-1")) == 4

    page.get_by_role("button", name="Gửi số liệu năm 2025").click()
    page.locator(".heading .status").filter(has_text="Đã gửi").wait_for()
    assert models.read_communes(engine, models.LOCAL, 2025, OWN)[0]["status"] == "submitted"


def test_the_provinces_journey(site, browser, tmp_path):
    url, engine = site
    if models.read_communes(engine, models.LOCAL, 2025, OWN)[0]["status"] == "open":
        models.review(engine, OWN, 2025, "submit", PEOPLE["recorder"][0])
    verifier = log_in(browser, url, "verifier")
    verifier.wait_for_url("**/province")
    verifier.get_by_role("button", name=re.compile("^Thẩm định")).click()
    verifier.locator(f"#c-{OWN} .status").filter(has_text="Đã thẩm định").wait_for()

    officer = log_in(browser, url, "province_officer")
    officer.wait_for_url("**/province")
    officer.locator("#map.leaflet-container").wait_for()  # the vendored Leaflet ran, under the page's policy
    officer.get_by_role("button", name=re.compile("^Khoá")).first.click()
    officer.locator(f"#c-{OWN} .status").filter(has_text="Đã khoá").wait_for()
    assert models.read_communes(engine, models.LOCAL, 2025, OWN)[0]["status"] == "locked"

    officer.get_by_role("button", name="Chạy lượt tính chính thức năm 2025").click()
    officer.get_by_text("Đã tính xong").wait_for(timeout=120_000)
    officer.reload()
    with officer.expect_download() as download:
        officer.get_by_role("link", name="XLSX").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = load_workbook(saved, read_only=True)
    assert len(book.sheetnames) > 3
    html = officer.context.request.get(f"{url}/api/v1/reports/2025?format=html&lang=vi")
    assert html.ok and "2025" in html.text()


def test_a_commune_officer_who_edits_the_url_gets_nothing_of_another_commune(site, browser):
    """Nothing of the other commune's data (its name, plot HT-01 of 0,5 ha) reaches
    the page, whatever URL is typed; only what was typed is echoed in the refusal."""
    url, engine = site
    name = models.read_communes(engine, models.LOCAL, 2025, OTHER)[0]["name"]
    page = log_in(browser, url, "recorder")
    page.wait_for_url(f"**/communes/{OWN}")
    for path in (f"/communes/{OTHER}", f"/communes/{OTHER}?edit_plot=HT-01", f"/communes/{OWN}?edit_plot=HT-01",
                 f"/communes/{OTHER}?year=2025&edit_record=HT-01-2025-1", "/province", "/audit?year=2025"):
        answer = page.goto(url + path)
        text = page.locator("main").inner_text()
        assert name not in text and "0,5 ha" not in text, path
        if "HT-01" not in path:
            assert "HT-01" not in text, path
        if OTHER in path:
            assert answer.status in (403, 404), path


def test_the_pages_work_on_a_phone_screen(site, browser, tmp_path):
    url, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(PEOPLE["recorder"][0])
    page.get_by_label("Mật khẩu").fill(SECRET)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/communes/{OWN}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua đến nội dung"
    Path(tmp_path / "phone.png").write_bytes(page.screenshot(full_page=False))
