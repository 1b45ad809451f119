"""The pages without a browser: who sees which page, CSRF on every form, escaping, the
language switch, the vendored scripts, and that a page's figures are those of the data
layer (the browser journeys are in test_browser.py)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mrv import models, web
from tests.conftest import empty_database
from tests.helpers import examples_with_people
from tests.test_server import _allowed

OWN, OTHER = "24133", "24169"
PEOPLE = {"recorder": ("Nguyễn Văn An", OWN), "verifier": ("Trần Thị Bình", OWN),
          "province_officer": ("Lê Văn Chi", None), "inventory": ("Phạm Thị Dung", None)}
SECRET = "mật khẩu thử 2026"
WEB = Path(web.__file__).parent


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    engine = examples_with_people(empty_database("sqlite", folder), folder, PEOPLE, SECRET)
    models.calculate_year(engine, 2025, official=True)
    yield engine
    engine.dispose()


def client_of(engine, role: str | None = None) -> tuple[TestClient, str]:
    """A browser-like client, logged in as the person of `role`; and its CSRF token."""
    client = TestClient(web.create_app(engine))
    if role is None:
        return client, ""
    answer = client.post("/login", data={"username": PEOPLE[role][0], "password": SECRET, "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = client.get("/account")
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_without_a_session_every_page_leads_to_the_login_page(engine):
    client, _ = client_of(engine)
    for path in ("/", f"/communes/{OWN}?year=2025", "/province", "/audit", "/inventory", "/account"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login"), path
    assert client.get(f"/communes/{OWN}?year=2025", follow_redirects=False).headers["location"] == \
        f"/login?next=/communes/{OWN}%3Fyear%3D2025"


def test_a_wrong_password_is_said_in_vietnamese_and_logs_nobody_in(engine):
    client, _ = client_of(engine)
    answer = client.post("/login", data={"username": PEOPLE["recorder"][0], "password": "sai mật khẩu"})
    assert answer.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in answer.text
    assert "mrv_session" not in client.cookies


@pytest.mark.parametrize("role, home", [("recorder", f"/communes/{OWN}"), ("verifier", "/province"),
                                        ("province_officer", "/province"), ("inventory", "/inventory")])
def test_each_role_lands_on_its_page(engine, role, home):
    client, _ = client_of(engine, role)
    answer = client.get("/", follow_redirects=False)
    target = answer.headers["location"]
    if target == "/commune":
        target = client.get(target, follow_redirects=False).headers["location"]
    assert target == home
    assert client.get(home).status_code == 200


def test_a_form_without_its_csrf_token_stores_nothing(engine):
    client, csrf = client_of(engine, "recorder")
    row = {"plot_id": "CP-CSRF", "crop": "cà phê", "area": "1", "area_unit": "ha"}
    answer = client.post(f"/communes/{OWN}/plots?year=2025", data=row, follow_redirects=False)
    assert answer.status_code == 403
    assert not models.read_plots(engine, models.LOCAL, plot="CP-CSRF")
    answer = client.post(f"/communes/{OWN}/plots?year=2025", data={**row, "csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert [p["area_ha"] for p in models.read_plots(engine, models.LOCAL, plot="CP-CSRF")] == [1.0]


def test_a_bad_form_shows_each_problem_beside_its_field_and_stores_nothing(engine):
    client, csrf = client_of(engine, "recorder")
    answer = client.post(f"/communes/{OWN}/records?year=2025", data={
        "csrf_token": csrf, "plot_id": "CP-01", "year": "2025", "activity": "bón phân", "product": "urê",
        "quantity": "2 bao", "unit": "bao", "evidence": "<b>hoá đơn</b>"})
    assert answer.status_code == 422
    assert 'id="records-quantity" name="quantity" type="text" value="2 bao"' in answer.text
    assert 'aria-invalid="true" aria-describedby="records-quantity-problem"' in answer.text
    assert re.search(r'id="records-quantity-problem">2 bao: cần một số như 12, 2,5 hoặc 1 200. Cách sửa: chỉ ghi chữ số',
                     answer.text)  # the problem said in the page's language
    assert "&lt;b&gt;hoá đơn&lt;/b&gt;" in answer.text and "<b>hoá đơn</b>" not in answer.text
    assert not [r for r in models.read_records(engine, models.LOCAL, plot="CP-01") if r["quantity"] == "2 bao"]


def test_the_commune_page_shows_the_data_layers_figures_and_follows_a_write(engine):
    client, csrf = client_of(engine, "recorder")
    state = models.commune_year(engine, 2025, OWN, scope=models.LOCAL)
    assert models.commune_year(engine, 2025, OWN, scope=models.LOCAL) is state  # nothing written: not recalculated
    total = state.results.loc[state.results["mass_kg"] >= 0, "co2e_kg"].sum() / 1000
    page = client.get(f"/communes/{OWN}?year=2025").text
    assert f"{total:,.3f}".translate(str.maketrans(",.", ".,")) in page  # Vietnamese: 1.234,567
    client.post(f"/communes/{OWN}/records?year=2025", data={
        "csrf_token": csrf, "plot_id": "CP-01", "year": "2025", "activity": "bón phân", "product": "urê",
        "quantity": "2", "unit": "bao"}, follow_redirects=False)
    after = models.commune_year(engine, 2025, OWN, scope=models.LOCAL)
    assert after is not state
    # 2 bags of 50 kg urea more on a wet plot: 100 E kg CO2e (E as in test_reductions)
    e = 0.46 * (0.016 + 0.15 * 0.014 + 0.24 * 0.011) * 44 / 28 * 265 + 0.20 * 44 / 12
    grown = (after.results.loc[after.results["mass_kg"] >= 0, "co2e_kg"].sum() / 1000) - total
    assert grown == pytest.approx(100 * e / 1000, rel=1e-6)


def test_reopening_needs_a_reason(engine):
    models.review(engine, OTHER, 2025, "submit", PEOPLE["province_officer"][0])
    client, csrf = client_of(engine, "province_officer")
    answer = client.post(f"/communes/{OTHER}/review", data={"csrf_token": csrf, "step": "reopen", "year": "2025",
                                                            "reason": " ", "back": "/province?year=2025"})
    assert answer.status_code in (409, 422)
    assert models.read_communes(engine, models.LOCAL, 2025, OTHER)[0]["status"] == "submitted"
    answer = client.post(f"/communes/{OTHER}/review", data={"csrf_token": csrf, "step": "reopen", "year": "2025",
                                                            "reason": "sửa số liệu phân bón",
                                                            "back": "https://example.com/"}, follow_redirects=False)
    assert answer.headers["location"] == f"/province?done={OTHER}"  # never back to another site
    assert models.read_communes(engine, models.LOCAL, 2025, OTHER)[0]["status"] == "open"
    audit = client.get(f"/audit?year=2025&commune={OTHER}&action=reopen").text
    assert "sửa số liệu phân bón" in audit and "submit</td>" not in audit


def test_the_inventory_page_matches_the_export_to_the_last_digit(engine):
    client, _ = client_of(engine, "inventory")
    table = models.inventory_export(engine, 2025, "AR5", scope=models.LOCAL).table
    page = client.get("/inventory?year=2025").text
    for total in table.loc[(table["line"] == "total") & table["co2e"].notna(), "co2e"]:
        shown = f"{total * 1000:,.3f}".translate(str.maketrans(",.", ".,"))
        assert f'<td class="num">{shown}</td>' in page


def test_english_is_one_click_away(engine):
    client, _ = client_of(engine)
    assert "Đăng nhập" in client.get("/login").text
    client.get("/lang/en?next=/login")
    page = client.get("/login").text
    assert '<html lang="en">' in page and ">Log in</h1>" in page


def test_every_label_has_both_languages_and_every_used_key_exists():
    from mrv.web._pages import labels
    found = labels()
    assert all(texts["vi"].strip() and texts["en"].strip() for texts in found.values())
    used = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r'\bt\(\s*"([a-z_0-9]+)"\s*[,)]', template.read_text(encoding="utf-8")))
    # keys made from values: review statuses and steps, severities, occurrence states
    used |= {f"status_{status}" for status in ("open", "submitted", "verified", "locked")}
    used |= {"verify", "lock", "reopen", "error", "warning", "occurs_NO", "occurs_NE"}
    assert used - set(found) == set()


def test_the_vendored_scripts_are_the_npm_files_and_nothing_loads_from_another_site():
    vendor = WEB / "static" / "vendor"
    for line in (vendor / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
    for path in [*(WEB / "templates").glob("*.html"), WEB / "static" / "app.js", WEB / "static" / "app.css"]:
        assert not re.search(r"(src|href)=\"(https?:)?//|url\((https?:)?//", path.read_text(encoding="utf-8")), path


def test_an_uploaded_file_with_bad_rows_lists_each_problem_and_stores_nothing(engine):
    client, csrf = client_of(engine, "recorder")
    rows = ("record_id,plot_id,year,activity,product,quantity,unit,n_content\n"
            "UP-1,CP-01,2025,fertiliser,urea,3,bao,\n"
            "UP-2,CP-01,2025,fertiliser,urea,ba,bao,\n"
            "UP-3,CP-01,2025,fertiliser,urea,2,thùng,\n")
    answer = client.post(f"/communes/{OWN}/upload?year=2025", data={"csrf_token": csrf},
                         files={"file": ("nhat-ky.csv", rows.encode("utf-8"), "text/csv")})
    assert answer.status_code == 422
    table = answer.text[answer.text.index('<table class="problems">'):]
    cells = re.findall(r"<tr><td>nhat-ky.csv</td><td class=\"num\">(\d+)</td><td>(\w+)</td><td>([^<]*)</td>", table)
    assert cells == [("3", "quantity", "ba"), ("4", "unit", "thùng")]  # file rows: the header is row 1
    assert not models.read_records(engine, models.LOCAL, record="UP-1")


def test_a_commune_without_data_has_a_page_that_says_so(engine):
    """A first-year database: most communes have no plot and no record yet."""
    client, _ = client_of(engine, "province_officer")
    answer = client.get("/communes/22015?year=2025")
    assert answer.status_code == 200
    assert "Chưa có nhật ký nào trong năm này." in answer.text and "Chưa có lô đất nào." in answer.text
    assert answer.text.count("Chưa ghi") == 6  # every source activity missing


def test_pages_may_load_only_their_own_scripts(engine):
    client, _ = client_of(engine)
    policy = client.get("/login").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy


def test_the_map_holds_every_plot_with_coordinates_past_one_page(engine, tmp_path):
    """1 001 located plots, more than one page of the data layer (1 000): all on the map."""
    path = tmp_path / "located.csv"
    path.write_text("plot_id,commune_code,crop,area,area_unit,latitude,longitude\n" + "".join(
        f"MAP-{i:04d},24133,cà phê,1,ha,12.{6000 + i},108.{i:04d}\n" for i in range(1001)), encoding="utf-8")
    models.import_file(engine, path, locale="en")
    client, _ = client_of(engine, "province_officer")
    page = client.get("/province?year=2025").text
    points = json.loads(html.unescape(re.search(r'data-points="([^"]*)"', page).group(1)))
    assert len(points) == 1001 and {p[3] for p in points} == {f"MAP-{i:04d}" for i in range(1001)}
    listed = client.get(f"/communes/{OWN}?year=2025").text  # the commune page lists every plot too
    assert "<td>MAP-1000</td>" in listed and "<td>CP-01</td>" in listed


PLOT_OF = {OWN: "CP-01", OTHER: "HT-01"}
#: page request → (its form or file for commune c, the action it takes, what an allowed call answers)
PAGE_CASES = {
    "GET commune page": (lambda c: ("GET", f"/communes/{c}?year=2025", {}), "read", {200}),
    "POST plot form": (lambda c: ("POST", f"/communes/{c}/plots?year=2023", {"data": {
        "plot_id": f"PM-{c}-{uuid.uuid4().hex[:6]}", "crop": "cà phê", "area": "1", "area_unit": "ha"}}),
        "write", {303}),
    "POST record form": (lambda c: ("POST", f"/communes/{c}/records?year=2023", {"data": {
        "plot_id": PLOT_OF[c], "year": "2023", "activity": "bón phân", "product": "urê", "quantity": "1",
        "unit": "bao"}}), "write", {303}),
    "POST upload": (lambda c: ("POST", f"/communes/{c}/upload?year=2023", {"files": {"file": (
        "nhat-ky.csv", f"plot_id,year,activity,product,quantity,unit,n_content\n{PLOT_OF[c]},2023,fertiliser,urea,2,kg,\n"
        .encode(), "text/csv")}}), "write", {200}),
    **{f"POST review {step}": ((lambda step: lambda c: ("POST", f"/communes/{c}/review", {"data": {
        "step": step, "year": "2023", "reason": "số liệu sai"}}))(step), step, {303, 409})
       for step in ("submit", "verify", "lock", "reopen")},
}


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("case", list(PAGE_CASES))
@pytest.mark.parametrize("role", list(PEOPLE))
def test_page_requests_follow_the_matrix(engine, role, case, whose):
    """Each page and form of a commune, by each role, on its own commune and another:
    the README's matrix (tests/test_server.py's MATRIX), as the API follows it."""
    build, action, success = PAGE_CASES[case]
    client, csrf = client_of(engine, role)
    method, url, options = build(OWN if whose == "own" else OTHER)
    if method == "POST":
        options = {**options, "data": {**options.get("data", {}), "csrf_token": csrf}}
    answer = client.request(method, url, follow_redirects=False, **options)
    expected = success if _allowed(action, role, whose) else {403}
    assert answer.status_code in expected, (answer.status_code, answer.text[-500:])


@pytest.mark.parametrize("role", list(PEOPLE))
def test_province_pages_follow_the_matrix(engine, role):
    client, csrf = client_of(engine, role)
    assert client.get("/province?year=2025").status_code == (200 if _allowed("read", role, "own") else 403)
    assert client.get("/audit?year=2025").status_code == (200 if _allowed("read", role, "own") else 403)
    assert client.get("/inventory?year=2025").status_code == (200 if role in models.PERMISSIONS["export"] else 403)
    answer = client.post("/runs", data={"year": "2023", "csrf_token": csrf})
    assert answer.status_code == (200 if _allowed("calculate", role, "own") else 403)


def test_the_province_page_offers_the_report_in_every_format_an_office_opens(engine):
    client, _ = client_of(engine, "province_officer")
    page = client.get("/province?year=2025").text
    links = re.findall(r'href="(/api/v1/reports/2025\?format=(\w+)&(?:amp;)?lang=vi)"', page)
    assert [fmt for _, fmt in links] == ["pdf", "docx", "xlsx", "html"]
    word = client.get(html.unescape(links[1][0]))
    assert word.status_code == 200 and word.content[:4] == b"PK\x03\x04"  # a Word (OOXML) document to edit
    assert b"word/document.xml" in word.content
