"""The README's images, made anew from the demo database:

    make demo && make docs      # writes docs/report-page1.png, docs/report-chart.png, docs/screenshots/*.png

The report's first page is rendered from the demo's PDF (pypdfium2) and its chart drawn as
the report draws it; then the pages are served on 127.0.0.1, logged in with the demo
accounts of out/demo/demo-accounts.csv in Debian's Chromium (`MRV_CHROMIUM`, or `chromium`
on the PATH) and saved."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from pathlib import Path

import tempfile

import pypdfium2
from playwright.sync_api import sync_playwright

import mrv
from mrv import models, web
from tests.helpers import serving

DOCS = Path(__file__).parent
HERE = DOCS / "screenshots"
ACCOUNTS = Path("out/demo/demo-accounts.csv")
#: file → (account, path, viewport width, the part of the page to show: None for its top)
PAGES = {
    "login": (None, "/login", 1100, None),
    "commune": ("demo-xa", "/communes/24133?year=2025", 1100, None),
    "commune-forms": ("demo-xa", "/communes/24133?year=2025", 1100, "#records"),
    "commune-phone": ("demo-xa", "/communes/24133?year=2025", 390, None),
    "province": ("demo-tinh", "/province?year=2025", 1100, None),
    "province-map": ("demo-tinh", "/province?year=2025", 1100, "#map-h + p + ul + .map"),
    "audit": ("demo-tinh", "/audit?year=2025", 1100, None),
    "inventory": ("demo-kiemke", "/inventory?year=2025", 1100, None),
    "certificate": (None, "/chung-nhan/CN-2025-0001", 390, None),
}


def report_images(engine, year: int = 2025) -> None:
    """docs/report-page1.png (page 1 of the demo's PDF report) and docs/report-chart.png."""
    report = models.build_report(engine, year, "vi", scope=models.LOCAL)
    with tempfile.TemporaryDirectory() as folder:
        (pdf_path,) = mrv.write_report(report, folder, ("pdf",))
        pdf = pypdfium2.PdfDocument(pdf_path)
        pdf[0].render(scale=1.4).to_pil().save(DOCS / "report-page1.png")
        pdf.close()
    (DOCS / "report-chart.png").write_bytes(report.chart("chart_source"))
    print(DOCS / "report-page1.png", DOCS / "report-chart.png")


def main() -> None:
    if not ACCOUNTS.exists():
        sys.exit(f"{ACCOUNTS} is missing: run `make demo` first")
    report_images(models.connect())
    passwords = {row["name"]: row["password"] for row in csv.DictReader(ACCOUNTS.open(encoding="utf-8"))}
    browser_path = os.environ.get("MRV_CHROMIUM") or shutil.which("chromium")
    HERE.mkdir(exist_ok=True)
    with serving(web.create_app(models.connect())) as url, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        for name, (account, path, width, part) in PAGES.items():
            page = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN").new_page()
            if account:
                page.goto(f"{url}/login")
                page.get_by_label("Tên đăng nhập").fill(account)
                page.get_by_label("Mật khẩu").fill(passwords[account])
                with page.expect_navigation():
                    page.get_by_role("button", name="Đăng nhập").click()
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            if part:
                page.locator(part).screenshot(path=HERE / f"{name}.png")
            else:
                page.screenshot(path=HERE / f"{name}.png")
            print(HERE / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
