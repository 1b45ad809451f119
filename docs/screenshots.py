"""Screenshots of the main pages on the demo database, for the README:

    make demo && make screenshots      # writes docs/screenshots/*.png

Serves the pages on 127.0.0.1, logs in with the demo accounts of out/demo/demo-accounts.csv
in Debian's Chromium (`MRV_CHROMIUM`, or `chromium` on the PATH) and saves each page."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from mrv import models, web
from tests.helpers import serving

HERE = Path(__file__).parent / "screenshots"
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
}


def main() -> None:
    if not ACCOUNTS.exists():
        sys.exit(f"{ACCOUNTS} is missing: run `make demo` first")
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
