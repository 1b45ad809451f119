"""A locked commune-year never changes, by any path (records moved in or out, plot and
settings versions, commune crop areas, age classes, adoption, profiles), on SQLite and PostgreSQL;
plots and settings are versions read by the year they hold in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

import mrv
from mrv import models
from mrv.models._tables import ActivityRecord, AuditEntry, PerennialAgeClass, Plot, PlotVersion
from tests.helpers import count, lock_year, register, snapshot

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RECORDS = "record_id,plot_id,year,activity,product,quantity,unit,n_content\n"
PLOTS = "plot_id,commune_code,crop,area,area_unit,irrigation,planting_year,valid_from\n"
#: kg CO2 of 1 kg urea: 0.20 C (IPCC 2006 Eq. 11.13) × 44/12
UREA_CO2 = 0.2 * 44 / 12


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(engine, path: Path) -> list[tuple]:
    """Import `path`, expect a refusal, check nothing was stored; the problems' (row, column, value)."""
    register(engine)
    before = snapshot(engine)
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, path, imported_by="chi")
    assert snapshot(engine) == before
    assert all(p.fix for p in caught.value.problems)
    return caught.value.problems


@pytest.fixture
def locked(engine):
    """The examples imported, commune 24133's 2025 locked (CP-01, CP-02, LUA-01 are there)."""
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    lock_year(engine, "24133", 2025)
    return engine


def test_a_record_cannot_move_out_of_or_into_a_locked_year(locked, tmp_path):
    out = refused(locked, write(tmp_path, "r.csv", RECORDS + "R1,CP-01,2024,fertiliser,urea,500,kg,\n"))
    assert [(p.row, p.column) for p in out] == [(2, "year")] and "24133 2025" in out[0].expected
    models.import_file(locked, write(tmp_path, "r24.csv", RECORDS + "E1,CP-01,2024,fertiliser,urea,10,kg,\n"))
    out = refused(locked, write(tmp_path, "in.csv", RECORDS + "E1,CP-01,2025,fertiliser,urea,10,kg,\n"))
    assert [(p.row, p.column, p.value) for p in out] == [(2, "year", "2025")]
    # the same file again changes nothing, so a locked year does not refuse it
    assert models.import_file(locked, EXAMPLES / "records.csv").records_unchanged == 26


def test_a_record_id_names_one_record_of_one_plot(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv")
    out = refused(engine, write(tmp_path, "r.csv", RECORDS + "R1,MIA-01,2025,fertiliser,urea,500,kg,\n"))
    assert [(p.row, p.column, p.value) for p in out] == [(2, "record_id", "R1")] and "CP-01" in out[0].fix
    assert out[0].expected == "a record id of its own (it names a record of plot CP-01)"


def test_a_plot_of_a_locked_year_changes_only_from_a_later_year(locked, tmp_path):
    # CP-01 was 1 ha; 1.2 ha for every year (a correction) would change 24133 2025
    out = refused(locked, write(tmp_path, "p.csv", PLOTS + "CP-01,24133,cà phê,\"1,2\",ha,basin,2021,\n"))
    assert [(p.row, p.column, p.value) for p in out] == [(2, "area", "1.2")] and "24133 2025" in out[0].expected
    # moving CP-01 to commune 24175 from 2025 changes the commune it leaves
    out = refused(locked, write(tmp_path, "m.csv", PLOTS + "CP-01,24175,cà phê,1,ha,basin,2021,2025\n"))
    assert [(p.column, p.value) for p in out] == [("commune_code", "24175")] and "24133 2025" in out[0].expected
    summary = models.import_file(locked, write(tmp_path, "later.csv", PLOTS + "CP-01,24133,cà phê,\"1,2\",ha,basin,2021,2026\n"),
                                 imported_by="an")
    assert (summary.plots_added, summary.plots_updated) == (0, 1)
    with Session(locked) as session:
        versions = session.execute(select(PlotVersion.version, PlotVersion.valid_from, PlotVersion.area_ha)
                                   .join(Plot).where(Plot.code == "CP-01")
                                   .order_by(PlotVersion.version)).all()
        change = session.execute(select(AuditEntry).where(AuditEntry.action == "plot changed")).scalars().one()
    assert [tuple(v) for v in versions] == [(1, None, 1.0), (2, 2026, 1.2)]
    assert (change.before, change.after, change.year, change.actor) == ({"area": 1.0}, {"area": 1.2}, 2026, "an")
    # each year reads its own version: 2025 the 1 ha plot, 2026 the 1.2 ha one
    models.import_file(locked, write(tmp_path, "r26.csv", RECORDS + "N1,CP-01,2026,fertiliser,urea,100,kg,\n"))
    with Session(locked) as session:
        area = {year: models.records_frames(session, year)[0].set_index("plot_id").at["CP-01", "area"]
                for year in (2025, 2026)}
    assert area == {2025: 1.0, 2026: 1.2}


def test_commune_settings_of_a_locked_year_change_only_from_a_later_year(locked, tmp_path):
    header = "commune_code,rice_region,valid_from\n"
    out = refused(locked, write(tmp_path, "s.csv", header + "24133,miền nam,\n"))
    assert [(p.column, p.value) for p in out] == [("rice_region", "south")]
    models.import_file(locked, write(tmp_path, "s26.csv", header + "24133,miền nam,2026\n"))
    models.import_file(locked, write(tmp_path, "r26.csv", RECORDS + "N1,LUA-01,2026,fertiliser,urea,100,kg,\n"))
    with Session(locked) as session:
        regions = {year: models.records_frames(session, year)[0].set_index("plot_id").at["LUA-01", "rice_region"]
                   for year in (2025, 2026)}
    assert regions == {2025: "centre", 2026: "south"}


def test_crop_areas_and_adoption_of_a_locked_year_do_not_change(locked, tmp_path):
    crops = write(tmp_path, "c.csv", "commune_code,year,crop,area,area_unit\n24133,2025,cà phê,120,ha\n")
    lock_year(locked, "24175", 2025)
    other = write(tmp_path, "c2.csv", "commune_code,year,crop,area,area_unit\n24175,2025,cà phê,120,ha\n")
    assert [(p.row, p.column) for p in refused(locked, other)] == [(2, "area_ha")]
    models.review(locked, "24175", 2025, "reopen", by="chi", reason="diện tích thống kê mới")
    models.import_file(locked, other)
    lock_year(locked, "24175", 2025)
    models.import_file(locked, other)  # the same value again changes nothing
    changed = write(tmp_path, "c3.csv", "commune_code,year,crop,area,area_unit\n24175,2025,cà phê,130,ha\n")
    assert [p.value for p in refused(locked, changed)] == ["130.0"]
    assert [(p.row, p.column) for p in refused(locked, crops)] == [(2, "area_ha")]


def test_age_classes_of_a_locked_year_do_not_change(locked, tmp_path):
    header = "mã xã,năm,cây trồng,năm trồng,diện tích,đơn vị diện tích\n"
    classes = write(tmp_path, "tuoi.csv", header + "24175,2025,cà phê,2018,80,ha\n24175,2025,cà phê,2024,40,ha\n")
    models.import_file(locked, classes)
    lock_year(locked, "24175", 2025)
    models.import_file(locked, classes)  # the same classes again change nothing
    changed = write(tmp_path, "tuoi2.csv", header + "24175,2025,cà phê,2018,90,ha\n")
    assert [(p.row, p.column, p.value) for p in refused(locked, changed)] == [(2, "area_ha", "90.0")]
    added = write(tmp_path, "tuoi3.csv", header + "24175,2025,cà phê,2010,5,ha\n")  # a new class of the year
    assert [(p.row, p.column) for p in refused(locked, added)] == [(2, "area_ha")]
    models.import_file(locked, write(tmp_path, "tuoi4.csv", header + "24175,2026,cà phê,2010,5,ha\n"))  # next year


def test_a_moved_record_is_counted_in_its_new_year_only(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv")
    before = models.run_results(engine, models.calculate_year(engine, 2025, official=True).id)
    models.import_file(engine, write(tmp_path, "r.csv", RECORDS + "R1,CP-01,2024,fertiliser,urea,500,kg,\n"))
    after = models.run_results(engine, models.calculate_year(engine, 2025, official=True).id)
    moved = models.run_results(engine, models.calculate_year(engine, 2024, official=True).id)

    def urea(results):
        return results.loc[(results["source"] == "urea_co2") & (results["plot_id"] == "CP-01"), "mass_kg"].sum()
    # R1's 500 kg of urea leave 2025 (500 × 0.20 × 44/12 = 366.67 kg CO2) and arrive in 2024, once
    assert urea(before) == pytest.approx(500 * UREA_CO2) and urea(after) == 0
    assert urea(moved) == pytest.approx(500 * UREA_CO2)


def test_an_official_run_of_a_locked_year_reads_the_locked_data_and_is_audited(locked):
    first = models.calculate_year(locked, 2025, official=True, by="chi")
    again = models.calculate_year(locked, 2025, official=True, factors="vn2022", by="chi")
    assert again.input_hash == first.input_hash and again.records == first.records == 26
    runs = [e for e in models.audit_trail(locked, 2025, scope=models.LOCAL) if e.action == "official run"]
    assert [(e.actor, e.after["run"], e.after["factors"]) for e in runs] == [
        ("chi", str(first.id), "ipcc2019"), ("chi", str(again.id), "vn2022")]


def test_a_cleared_and_replanted_plot_loses_its_old_stock(engine, tmp_path):
    # CL-1, 1 ha of coffee planted 2018, half cleared and replanted in 2025 (planting year 2025 from 2025)
    models.import_file(engine, write(tmp_path, "p.csv", PLOTS + "CL-1,24175,cà phê,1,ha,none,2018,\n"))
    models.import_file(engine, write(tmp_path, "p2.csv", PLOTS + "CL-1,24175,cà phê,1,ha,none,2025,2025\n"))
    models.import_file(engine, write(tmp_path, "r.csv", RECORDS + "C1,CL-1,2025,clearing,,0.5,ha,\n"
                                     "N1,CL-1,2026,fertiliser,urea,100,kg,\n"))
    results = {year: models.run_results(engine, models.calculate_year(engine, year).id) for year in (2025, 2026)}
    biomass = {year: r[r["source"] == "biomass_carbon"].set_index("input_type")["mass_kg"] for year, r in results.items()}
    # 2025, the old planting (age 7): loss of the stock standing, 0.5 ha × 7 × 2.6 = 9.1 t C; the other half
    # grows in the 8th and last year of its cycle, 0.5 ha × 2.6 = 1.3 t C (IPCC 2006 Table 5.1, tropical moist)
    assert biomass[2025]["clearing"] == pytest.approx(9100 * 44 / 12, rel=1e-9)
    assert biomass[2025]["growth"] == pytest.approx(-1300 * 44 / 12, rel=1e-9)
    # 2026, the new planting (age 1) on the whole hectare: 1 ha × (2 × 2.6 − 1 × 2.6) = 2.6 t C
    assert list(biomass[2026].index) == ["growth"]
    assert biomass[2026]["growth"] == pytest.approx(-2600 * 44 / 12, rel=1e-9)
    assert count(engine, PlotVersion) == 2


def test_a_record_without_id_that_looks_like_a_correction_is_reported(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    header = "plot_id,year,date,activity,product,quantity,unit,n_content\n"
    models.import_file(engine, write(tmp_path, "a.csv", header + "HT-01,2025,2025-04-02,fertiliser,urea,2,bao,\n"))
    summary = models.import_file(engine, write(tmp_path, "b.csv", header + "HT-01,2025,2025-04-02,fertiliser,sa,2,bao,\n"))
    [warning] = summary.probable_corrections
    stored = warning.split("(record ")[1].split(")")[0]
    assert stored.startswith("auto:") and "urea bao" in warning and f"record_id {stored} and quantity 0" in warning
    findings = models.check_year(engine, 2025, scope=models.LOCAL)
    assert list(findings.loc[findings["rule"] == "probable_correction", "plot_id"]) == ["HT-01"]
    # the fix the warning gives: the stored urea record cancelled by a version of quantity 0
    cancel = write(tmp_path, "c.csv", "record_id," + header + f"{stored},HT-01,2025,2025-04-02,fertiliser,urea,0,bao,\n")
    assert models.import_file(engine, cancel).changed_keys == [stored]
    findings = models.check_year(engine, 2025, scope=models.LOCAL)
    assert "probable_correction" not in set(findings["rule"])
    urea = models.run_results(engine, models.calculate_year(engine, 2025).id).query(
        "source == 'urea_co2' and plot_id == 'HT-01'")
    assert urea.empty  # only the SA (ammonium sulphate) is counted: no urea CO2


def test_two_such_rows_of_one_file_are_left_to_the_qa_rule_not_called_stored_already(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    header = "plot_id,year,date,activity,product,quantity,unit,n_content\n"
    summary = models.import_file(engine, write(tmp_path, "a.csv", header + "HT-01,2025,2025-04-02,fertiliser,urea,2,bao,\n"
                                               "HT-01,2025,2025-04-02,fertiliser,sa,2,bao,\n"))
    assert summary.records_added == 2 and summary.probable_corrections == []
    findings = models.check_year(engine, 2025, scope=models.LOCAL)
    assert list(findings.loc[findings["rule"] == "probable_correction", "plot_id"]) == ["HT-01"]


def test_the_template_gives_every_record_row_its_id(engine, tmp_path):
    from openpyxl import load_workbook
    path = models.write_template(tmp_path / "mau.xlsx", "vi")
    book = load_workbook(path)
    sheet = book["Nhật ký"]
    column = [c.value for c in sheet[1]].index("mã bản ghi") + 1
    ids = [sheet.cell(row, column).value for row in range(3, 5001)]  # under the example row
    assert len(set(ids)) == 4998 and ids[0].endswith("-0001")
    models.import_file(engine, EXAMPLES / "plots.csv")
    for cell, value in zip(sheet[3], ["CP-01", 2025, "bón phân", "urê", 500, "kg"]):
        cell.value = value
    book.save(path)
    summary = models.import_file(engine, path)
    assert summary.rows == {"records": 1}
    with Session(engine) as session:
        assert session.execute(select(ActivityRecord.record_key)).scalars().all() == [ids[0]]


MODELS = "pilot_model_id,name,level,crop,commune_code,start_year\n"


def test_a_pilot_model_of_a_locked_year_does_not_change_or_move(engine, tmp_path):
    """A pilot model whose commune (where it was, or where it goes) has a locked year from
    the model's start on stays as it is; one that starts after the locked year may change."""
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    models.import_file(engine, write(tmp_path, "m.csv", MODELS + "MH-A,Cà phê giảm phân,xã,cà phê,24133,2025\n"
                                                             "MH-B,Hồ tiêu tưới nhỏ giọt,xã,hồ tiêu,24169,2025\n"
                                                             "MH-C,Cà phê tái canh,xã,cà phê,24133,2026\n"))
    lock_year(engine, "24133", 2025)
    earlier = refused(engine, write(tmp_path, "m1.csv", MODELS + "MH-A,Cà phê giảm phân,xã,cà phê,24133,2024\n"))
    assert [(p.row, p.column, p.value) for p in earlier] == [(2, "pilot_model_id", "MH-A")]
    assert "24133 2025" in earlier[0].expected
    moved_out = refused(engine, write(tmp_path, "m2.csv", MODELS + "MH-A,Cà phê giảm phân,xã,cà phê,24169,2025\n"))
    assert [(p.row, p.value) for p in moved_out] == [(2, "MH-A")]
    moved_in = refused(engine, write(tmp_path, "m3.csv", MODELS + "MH-B,Hồ tiêu tưới nhỏ giọt,xã,hồ tiêu,24133,2025\n"))
    assert [(p.row, p.value) for p in moved_in] == [(2, "MH-B")]
    models.import_file(engine, write(tmp_path, "m4.csv", MODELS + "MH-C,Cà phê tái canh 2026,xã,cà phê,24133,2026\n"
                                                              "MH-B,Hồ tiêu tưới tiết kiệm,xã,hồ tiêu,24169,2025\n"))


def test_the_audit_trail_of_a_year_holds_that_year_only(engine, tmp_path):
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    models.import_file(engine, write(tmp_path, "r24.csv", RECORDS + "A24,CP-01,2024,fertiliser,urea,100,kg,\n"),
                       imported_by="chi")
    years = {year: {entry.year for entry in models.audit_trail(engine, year, scope=models.LOCAL)} for year in (2024, 2025)}
    assert years == {2024: {2024}, 2025: {2025}}


def test_a_change_for_every_year_is_refused_where_any_version_was_locked(engine, tmp_path):
    """PX was in 24133 from 2024, in 24175 from 2026 (whose 2026 is locked), in 24169 from
    2027. A change without valid_from holds for every year, so it would alter 24175's 2026,
    where PX was then: refused, though neither its first nor its latest commune is locked."""
    register(engine)
    models.import_file(engine, write(tmp_path, "p.csv", PLOTS + "PX,24133,cà phê,1,ha,basin,2019,2024\n"))
    models.import_file(engine, write(tmp_path, "p2.csv", PLOTS + "PX,24175,cà phê,1,ha,basin,2019,2026\n"))
    models.import_file(engine, write(tmp_path, "r.csv", RECORDS + "X1,PX,2026,fertiliser,urea,100,kg,\n"),
                       imported_by="chi")
    lock_year(engine, "24175", 2026)
    models.import_file(engine, write(tmp_path, "p3.csv", PLOTS + "PX,24169,cà phê,1,ha,basin,2019,2027\n"))
    out = refused(engine, write(tmp_path, "p4.csv", PLOTS + "PX,24169,cà phê,2,ha,basin,2019,\n"))
    assert [(p.row, p.column) for p in out] == [(2, "area")] and "24175 2026" in out[0].expected


def test_every_record_of_many_plots_changes_in_place(engine, tmp_path):
    """Each changed record is recognised by its id on its own plot, among many plots: all
    the example records, each quantity one more, are changed, none taken for a move."""
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    records = pd.read_csv(EXAMPLES / "records.csv", dtype=str)
    records["quantity"] = (records["quantity"].str.replace(",", ".").astype(float) + 1).map(lambda q: f"{q:g}")
    path = tmp_path / "records.csv"
    records.to_csv(path, index=False)
    summary = models.import_file(engine, path, imported_by="chi")
    assert (summary.records_changed, summary.records_added) == (len(records), 0)


def test_a_practice_profile_used_by_a_locked_year_does_not_change(engine, tmp_path):
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    header = "profile_id,name,crop,low_emission,activity,product,quantity,unit,n_content,use\n"
    profile = write(tmp_path, "p.csv", header + "cf-low,cà phê giảm phân,coffee,có,fertiliser,urea,200,kg,,\n")
    models.import_file(engine, profile)
    models.import_file(engine, write(tmp_path, "a.csv", "commune_code,year,profile_id,share\n24133,2025,cf-low,30\n"))
    lock_year(engine, "24133", 2025)
    models.import_file(engine, profile)  # the same profile again changes nothing
    changed = write(tmp_path, "p2.csv", header + "cf-low,cà phê giảm phân,coffee,có,fertiliser,urea,150,kg,,\n")
    out = refused(engine, changed)
    assert [(p.row, p.column, p.value) for p in out] == [(2, "profile_id", "cf-low")]
    assert "24133 2025" in out[0].expected


def test_a_communes_checks_hold_its_own_pilot_models_only(engine, tmp_path):
    """Model MH-A of 24133 has a pilot plot without a harvest: an error of 24133's checks,
    none of 24169's."""
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    models.import_file(engine, write(tmp_path, "m.csv", MODELS + "MH-A,Cà phê giảm phân,xã,cà phê,24133,2025\n"))
    models.import_file(engine, write(tmp_path, "p.csv", "plot_id,commune_code,crop,area,area_unit,pilot_model_id,role\n"
                                                        "PM-1,24133,cà phê,1,ha,MH-A,thí điểm\n"))
    models.import_file(engine, write(tmp_path, "r.csv", RECORDS + "PM-R1,PM-1,2025,fertiliser,urea,100,kg,\n"),
                       imported_by="chi")

    def missing(commune):
        found = models.check_year(engine, 2025, commune, scope=models.LOCAL)
        return list(found.loc[found["rule"] == "harvest_missing", "plot_id"])
    assert missing("24133") == ["PM-1"]
    assert missing("24169") == []


def test_a_communes_review_status_is_its_own(engine, tmp_path):
    """24175's 2025 locked leaves 24133's 2025 open: it can be submitted."""
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    models.import_file(engine, write(tmp_path, "c.csv", "commune_code,year,crop,area,area_unit\n24175,2025,cà phê,120,ha\n"))
    lock_year(engine, "24175", 2025)
    assert models.review(engine, "24133", 2025, "submit", by="an") == "submitted"


def test_who_recorded_another_commune_or_year_may_verify_this_one(engine, tmp_path):
    """Separation of duties is per commune-year: binh wrote a 2025 record of 24133 and a
    2024 record of 24175, so binh may verify 24175's 2025 but not 24133's."""
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv", imported_by="chi")
    models.import_file(engine, write(tmp_path, "p.csv", PLOTS + "PB-1,24175,cà phê,1,ha,basin,2019,\n"))
    models.import_file(engine, write(tmp_path, "r.csv", "record_id,plot_id,year,activity,product,quantity,unit,"
                                                        "n_content,recorded_by\n"
                                                        "B1,CP-01,2025,fertiliser,urea,50,kg,,binh\n"
                                                        "B2,PB-1,2024,fertiliser,urea,50,kg,,binh\n"
                                                        "C1,PB-1,2025,fertiliser,urea,50,kg,,chi\n"),
                       imported_by="chi")
    models.review(engine, "24175", 2025, "submit", by="chi")
    assert models.review(engine, "24175", 2025, "verify", by="binh") == "verified"
    models.review(engine, "24133", 2025, "submit", by="an")
    with pytest.raises(models.ReviewError):
        models.review(engine, "24133", 2025, "verify", by="binh")


def test_a_plot_version_sent_again_changes_nothing(engine, tmp_path):
    """A plot's latest version is the one compared: PV's second version (from 2026) sent
    again adds no third."""
    register(engine)
    models.import_file(engine, write(tmp_path, "p.csv", PLOTS + "PV,24133,cà phê,1,ha,basin,2019,\n"))
    second = write(tmp_path, "p2.csv", PLOTS + "PV,24133,cà phê,2,ha,basin,2019,2026\n")
    assert models.import_file(engine, second).plots_updated == 1
    assert models.import_file(engine, second).plots_updated == 0
    assert [p["version"] for p in models.read_plots(engine, models.LOCAL, plot="PV")] == [2]
    models.import_file(engine, write(tmp_path, "p3.csv", PLOTS + "PV,24133,cà phê,3,ha,basin,2019,2027\n"))
    assert [p["version"] for p in models.read_plots(engine, models.LOCAL, plot="PV")] == [3]  # versions count 1, 2, 3


def test_age_classes_that_are_not_a_perennial_crops_planting_years_are_refused(engine, tmp_path):
    header = "commune_code,year,crop,planting_year,area,area_unit\n"
    bad = write(tmp_path, "tuoi.csv", header + "24133,2025,mía,2020,10,ha\n"          # sugarcane has no orchard age
                                                "24133,2025,cà phê,2030,10,ha\n"       # planted after the year
                                                "24133,2025,cà phê,\"2018,5\",10,ha\n"  # not a whole year
                                                "24133,2025,sầu riêng,,10,ha\n")       # no planting year
    assert [(p.row, p.column) for p in refused(engine, bad)] == [(2, "crop"), (3, "planting_year"),
                                                                 (4, "planting_year"), (5, "planting_year")]
    models.import_file(engine, write(tmp_path, "ok.csv", header + "24133,2025,cà phê,2018,5,sào nam\n"))
    with Session(engine) as session:
        stored = session.execute(select(PerennialAgeClass.crop_id, PerennialAgeClass.planting_year,
                                        PerennialAgeClass.area_ha)).all()
    assert stored == [("coffee", 2018, pytest.approx(0.5))]  # 5 sào (nam, 1 000 m²) = 0,5 ha
