"""Harvest lots, their footprint and label certificates: a lot is imported like any table,
kept as versions; a certificate is issued only on plots that pass the label, and names
what changed in the data behind it afterwards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from mrv.models._tables import AuditEntry, HarvestLot
from tests.helpers import lock_year, register, snapshot
from tests.test_label import PLOTS, RECORDS
from tests.test_reductions import E

INTENSITIES = pd.DataFrame({"plot_id": ["P", "Q", "R"], "year": 2025, "crop": "coffee", "share": 1.0,
                            "emissions_t": [3.0, 1.0, 0.5], "production_t": [1.5, 2.0, np.nan],
                            "t_per_t": [2.0, 0.5, np.nan]})


def _parts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lot_id", "plot_id", "mass_kg"]).assign(year=2025, crop="coffee")


def test_a_lots_footprint_is_the_mass_weighted_intensity_of_its_plots():
    lots, parts = mrv.lot_footprints(_parts(("L1", "P", 600.0), ("L1", "Q", 400.0), ("L2", "Q", 1800.0),
                                            ("L3", "R", 100.0)), INTENSITIES)
    lots = lots.set_index("lot_id")
    # L1: 600 kg × 3 t / 1.5 t (2.0 kg CO2e/kg) + 400 kg × 1 t / 2 t (0.5) = 1 200 + 200 = 1 400 kg CO2e on 1 000 kg
    assert lots.loc["L1", "emissions_kg"] == pytest.approx(1400.0) and lots.loc["L1", "footprint"] == pytest.approx(1.4)
    assert lots.loc["L1", "mass_kg"] == 1000.0 and lots.loc["L1", "plots"] == 2
    shares = parts[parts["lot_id"] == "L1"].set_index("plot_id")["share"]
    assert shares["P"] == pytest.approx(0.6) and shares["Q"] == pytest.approx(0.4)
    # Q delivered 400 + 1 800 = 2 200 kg into the year's lots, more than its 2 t harvest: both its rows say so
    q = parts[parts["plot_id"] == "Q"]
    assert (q["delivered_kg"] == 2200.0).all() and q["exceeds_harvest"].all()
    assert not parts.loc[parts["plot_id"] == "P", "exceeds_harvest"].any()
    # R has no harvest: its lot has no footprint, never an assumed one
    assert np.isnan(lots.loc["L3", "footprint"])


@settings(max_examples=40, deadline=None)
@given(masses=st.lists(st.floats(1, 1e5), min_size=1, max_size=5),
       intensities=st.lists(st.floats(0, 20), min_size=5, max_size=5), scale=st.floats(0.01, 100))
def test_a_footprint_lies_between_its_plots_and_does_not_change_with_the_lots_size(masses, intensities, scale):
    plots = [f"P{i}" for i in range(len(masses))]
    found = pd.DataFrame({"plot_id": plots, "year": 2025, "crop": "coffee", "share": 1.0,
                          "production_t": 1e9, "t_per_t": intensities[:len(masses)]})
    found["emissions_t"] = found["t_per_t"] * found["production_t"]
    lots, parts = mrv.lot_footprints(_parts(*(("L", p, m) for p, m in zip(plots, masses))), found)
    bigger, _ = mrv.lot_footprints(_parts(*(("L", p, m * scale) for p, m in zip(plots, masses))), found)
    footprint = lots["footprint"].iat[0]
    assert footprint == pytest.approx(np.average(intensities[:len(masses)], weights=masses), rel=1e-9, abs=1e-12)
    assert min(intensities[:len(masses)]) - 1e-9 <= footprint <= max(intensities[:len(masses)]) + 1e-9
    assert lots["emissions_kg"].iat[0] == pytest.approx(parts["emissions_kg"].sum(), rel=1e-12)  # the parts add up
    assert bigger["footprint"].iat[0] == pytest.approx(footprint, rel=1e-9, abs=1e-12)
    assert bigger["emissions_kg"].iat[0] == pytest.approx(lots["emissions_kg"].iat[0] * scale, rel=1e-9, abs=1e-9)


def _lots_file(path, rows) -> None:
    """A lots sheet with the Vietnamese headers a cooperative writes."""
    pd.DataFrame(rows, columns=["mã lô hàng", "mã HTX", "năm", "cây trồng", "mã lô đất", "khối lượng", "đơn vị"]
                 ).to_csv(path, index=False)


@pytest.fixture
def htx(engine, tmp_path):
    """HTX-A's coffee plots A1 and A2 and HTX-B's burnt sugarcane B1 of 24133 (tests.test_label),
    with the year's official run; the lot L-A of A1 and A2, and L-B of B1."""
    register(engine)
    pd.DataFrame({"cooperative_id": ["HTX-A", "HTX-B"], "name": ["HTX cà phê A", "HTX mía B"], "kind": "htx",
                  "commune_code": "24133"}).to_csv(tmp_path / "cooperatives.csv", index=False)
    PLOTS.to_csv(tmp_path / "plots.csv", index=False)
    RECORDS.to_csv(tmp_path / "records.csv", index=False)
    _lots_file(tmp_path / "lots.csv", [("L-A", "HTX-A", "2025", "cà phê", "A1", "15", "tạ"),
                                       ("L-A", "HTX-A", "2025", "cà phê", "A2", "500", "kg"),
                                       ("L-B", "HTX-B", "2025", "mía", "B1", "40", "tấn")])
    for name in ("cooperatives.csv", "plots.csv", "records.csv", "lots.csv"):
        models.import_file(engine, tmp_path / name, imported_by="an")
    models.calculate_year(engine, 2025, official=True, by="chi")
    return engine


def test_a_lot_is_certified_on_its_plots_once_they_pass_and_their_year_is_locked(htx, tmp_path):
    with pytest.raises(models.CertificateRefused) as refused:
        models.issue_certificate(htx, "L-A", by="chi")
    assert refused.value.reasons == ["plot A1: its commune's year 2025 is not verified or locked yet",
                                     "plot A2: its commune's year 2025 is not verified or locked yet"]
    lock_year(htx, "24133", 2025)
    with pytest.raises(models.ScopeError):  # issuing is the province officer's
        models.issue_certificate(htx, "L-A", by="an")
    code = models.issue_certificate(htx, "L-A", by="chi")
    assert code == "CN-2025-0001"
    detail, lot = models.lot_footprint(htx, "L-A", scope=models.LOCAL)
    # 15 tạ = 1 500 kg from A1 (200 kg urea on 2 t: 0.1 E kg CO2e/kg) and 500 kg from A2 (2 bags = 100 kg urea on
    # 10 tạ: 0.1 E): (1 500 × 0.1 E + 500 × 0.1 E) / 2 000 kg = 0.1 E
    assert lot["mass_kg"] == 2000.0 and lot["footprint"] == pytest.approx(0.1 * E, rel=1e-9)
    assert dict(zip(detail["plot_id"], detail["mass_kg"])) == {"A1": 1500.0, "A2": 500.0}
    checked = models.verify_certificate(htx, code)
    assert checked.unchanged and checked.claims["footprint"] == pytest.approx(0.1 * E, rel=1e-9)
    assert checked.claims["mass_kg"] == 2000.0 and checked.issued_by == "chi"
    # HTX-B's lot: B1 burnt its residue, so it does not pass, and it delivered 40 t of its 70 t harvest
    with pytest.raises(models.CertificateRefused) as refused:
        models.issue_certificate(htx, "L-B", by="chi")
    assert refused.value.reasons == ["plot B1 does not pass the label's criteria (see mrv label evaluate)"]
    # a second lot of A1's coffee: 15 tạ + 6 tạ = 2 100 kg delivered into the year's lots, of its 2 t harvest
    _lots_file(tmp_path / "lots.csv", [("L-C", "HTX-A", "2025", "cà phê", "A1", "6", "tạ")])
    models.import_file(htx, tmp_path / "lots.csv", imported_by="chi")
    with pytest.raises(models.CertificateRefused) as refused:
        models.issue_certificate(htx, "L-C", by="chi")
    assert refused.value.reasons == ["plot A1 delivered 2100 kg into lots of 2025, more than its recorded harvest "
                                     "of 2000 kg"]
    report = models.certificate_report(htx, code)
    assert report.qr == f"mrv-certificate:{code}?sha256={checked.data_hash}" and report.qr_png()[:4] == b"\x89PNG"
    page = mrv.write_report_file(report, tmp_path / "chung-nhan.html").read_text(encoding="utf-8")
    assert "GIẤY CHỨNG NHẬN" in page and 'src="data:image/png;base64,' in page and report.qr in page
    import docx
    document = docx.Document(mrv.write_report_file(report, tmp_path / "chung-nhan.docx"))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "GIẤY CHỨNG NHẬN" in texts and report.qr in texts and len(document.inline_shapes) == 1  # the QR code


def test_a_certificate_whose_data_changed_afterwards_is_reported_as_changed(htx, database, tmp_path):
    lock_year(htx, "24133", 2025)
    code = models.issue_certificate(htx, "L-A", by="chi")
    runner = CliRunner()

    def verify(given: str):
        return runner.invoke(app, ["label", "verify", given, "--db", database])

    unchanged = verify(code)
    assert unchanged.exit_code == 0 and "Số liệu phía sau giấy chứng nhận còn nguyên" in unchanged.output
    issued = models.verify_certificate(htx, code).data_hash
    assert verify(f"mrv-certificate:{code}?sha256={issued}").exit_code == 0
    copied = verify(f"mrv-certificate:{code}?sha256={'0' * 64}")  # a QR code whose hash is not the issued one
    assert copied.exit_code == 1 and "bị chép sai hoặc bị sửa" in copied.output
    # the year is reopened and A1's urea corrected: the certificate names A1's records
    models.review(htx, "24133", 2025, "reopen", by="chi", reason="sửa lượng phân")
    RECORDS.assign(quantity=RECORDS["quantity"].where(RECORDS["record_id"] != "A1-1", "210")).to_csv(
        tmp_path / "records.csv", index=False)
    models.import_file(htx, tmp_path / "records.csv", imported_by="an")
    assert models.verify_certificate(htx, code).changed == ["records:A1"]
    changed = verify(code)
    assert changed.exit_code == 1 and "Đã thay đổi: các bản ghi của lô đất A1 năm 2025." in changed.output
    # the lot itself is changed: a new version, the certified one kept, both in the audit trail
    _lots_file(tmp_path / "lots.csv", [("L-A", "HTX-A", "2025", "cà phê", "A1", "15", "tạ"),
                                       ("L-A", "HTX-A", "2025", "cà phê", "A2", "600", "kg")])
    models.import_file(htx, tmp_path / "lots.csv", imported_by="an")
    assert models.verify_certificate(htx, code).changed == ["lot", "records:A1"]
    models.calculate_year(htx, 2025, official=True, by="chi")  # recalculated: the footprint stated may differ
    assert models.verify_certificate(htx, code).changed == ["lot", "records:A1", "run"]
    assert "Đã thay đổi: lượt tính chính thức năm 2025 là một lượt mới hơn" in verify(code).output
    with Session(htx) as session:
        versions = session.execute(select(HarvestLot.version, HarvestLot.is_current).where(HarvestLot.code == "L-A")
                                   .order_by(HarvestLot.version)).all()
        actions = session.execute(select(AuditEntry.action).where(AuditEntry.record_key.in_(["L-A", code]))
                                  .order_by(AuditEntry.at)).scalars().all()
    assert [tuple(v) for v in versions] == [(1, False), (2, True)]
    assert actions == ["lot added", "certificate issued", "lot changed"]


def test_a_lot_imported_again_as_it_was_stores_nothing(htx, tmp_path):
    before = snapshot(htx)
    models.import_file(htx, tmp_path / "lots.csv", imported_by="an")
    after = snapshot(htx)
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {"importbatch"}  # the import itself is logged; no lot, part or audit entry is added


def test_a_lots_sheet_with_bad_rows_stores_nothing_and_names_each(htx, tmp_path):
    _lots_file(tmp_path / "lots.csv", [
        ("L-C", "HTX-A", "2025", "cà phê", "A1", "2", "tạ"),
        ("L-C", "HTX-B", "2025", "cà phê", "A2", "1", "tạ"),  # another cooperative in the same lot
        ("L-D", "HTX-A", "2025", "cà phê", "Z9", "1", "tạ"),  # no such plot
        ("L-E", "HTX-A", "2025", "cà phê", "A1", "0", "kg"),  # nothing delivered
        ("L-F", "HTX-A", "2025", "cà phê", "A2", "3", "lít"),  # not a mass
    ])
    frame = pd.read_csv(tmp_path / "lots.csv", dtype=str).assign(**{"sản phẩm": ["", "", "", "", ""]})
    frame.loc[0, "sản phẩm"] = "cà phê quả tươi"  # a lot of coffee is weighed in green coffee
    frame.to_csv(tmp_path / "lots.csv", index=False)
    before = snapshot(htx)
    with pytest.raises(mrv.InputError) as error:
        models.import_file(htx, tmp_path / "lots.csv", imported_by="an")
    found = {(p.row, p.column) for p in error.value.problems}
    assert found == {(2, "product"), (3, "cooperative_id"), (4, "plot_id"), (5, "quantity"), (6, "unit")}
    assert all(p.file.endswith("lots.csv") for p in error.value.problems)
    said = {(p.row, p.column): mrv.say(p.fix, "vi") for p in error.value.problems}
    assert said[(2, "product")] == "ghi khối lượng lô hàng theo cà phê nhân"
    assert said[(3, "cooperative_id")] == ("mỗi lô hàng là một cây trồng, một năm, của một HTX: tách thành các lô "
                                           "hàng riêng")
    assert snapshot(htx) == before


def test_a_commune_officer_imports_lots_of_their_own_communes_plots_only(htx, tmp_path):
    pd.DataFrame({"plot_id": ["X1"], "commune_code": "24175", "crop": "cà phê", "area": "1", "area_unit": "ha"}
                 ).to_csv(tmp_path / "plots-24175.csv", index=False)
    models.import_file(htx, tmp_path / "plots-24175.csv")
    _lots_file(tmp_path / "lots.csv", [("L-X", "HTX-A", "2025", "cà phê", "X1", "1", "tạ")])
    with pytest.raises(models.OutOfScope) as error:
        models.import_file(htx, tmp_path / "lots.csv", imported_by="an")
    assert [(p.row, p.column, p.value) for p in error.value.problems] == [(2, "plot_id", "X1")]
    models.import_file(htx, tmp_path / "lots.csv", imported_by="chi")  # the province officer may


def test_the_demo_certifies_one_lot_and_refuses_the_other(demo):
    folder, db = demo
    certificates = sorted((folder / "files").glob("chung-nhan-*.pdf"))
    assert [path.name for path in certificates] == ["chung-nhan-CN-2025-0001.pdf"]
    assert certificates[0].read_bytes()[:5] == b"%PDF-"
    runner = CliRunner()
    checked = runner.invoke(app, ["label", "verify", "CN-2025-0001", "--db", db])
    assert checked.exit_code == 0 and "lô hàng LO-001 (phiên bản 1)" in checked.output, checked.output
    refused = runner.invoke(app, ["label", "certificate", "LO-002", "--db", db, "--out", str(folder / "x.pdf")])
    assert refused.exit_code == 1 and "Không thể chứng nhận lô hàng LO-002" in refused.output
    assert "TINH-CAPHE-7 không đạt tiêu chí nhãn" in refused.output and not (folder / "x.pdf").exists()


def test_anyone_who_scans_the_qr_code_sees_the_certificate_and_whether_its_data_changed(htx, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient
    from mrv import web
    lock_year(htx, "24133", 2025)
    code = models.issue_certificate(htx, "L-A", by="chi")
    issued = models.verify_certificate(htx, code).data_hash
    monkeypatch.setenv("MRV_PUBLIC_URL", "https://mrv.daklak.example/")
    report = models.certificate_report(htx, code)
    assert report.qr == f"https://mrv.daklak.example/chung-nhan/{code}?sha256={issued}"
    assert models.verify_certificate(htx, report.qr).scanned_matches is True  # the address read back
    client = TestClient(web.create_app(htx))  # no login
    page = client.get(f"/chung-nhan/{code}?sha256={issued}")
    assert page.status_code == 200 and "Số liệu phía sau giấy chứng nhận còn nguyên" in page.text
    assert "L-A" in page.text and "2.000,0 kg" in page.text and "24133" in page.text
    copied = client.get(f"/chung-nhan/{code}?sha256={'0' * 64}")
    assert "bị chép sai hoặc bị sửa" in copied.text
    models.review(htx, "24133", 2025, "reopen", by="chi", reason="sửa lượng phân")
    RECORDS.assign(quantity=RECORDS["quantity"].where(RECORDS["record_id"] != "A1-1", "210")).to_csv(
        tmp_path / "records.csv", index=False)
    models.import_file(htx, tmp_path / "records.csv", imported_by="an")
    changed = client.get(f"/chung-nhan/{code}")
    assert "đã thay đổi từ khi cấp" in changed.text and "Các bản ghi của lô đất A1" in changed.text
    unknown = client.get("/chung-nhan/CN-2025-9999")
    assert unknown.status_code == 404 and "Không có giấy chứng nhận CN-2025-9999." in unknown.text
    escaped = client.get("/chung-nhan/<script>")
    assert escaped.status_code == 404 and "<script>" not in escaped.text
