"""Registered users and separation of duties: every --by names a registered person, names
compare without case, Unicode form or (for duties) accents, and each review step needs
its role; on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mrv import models
from mrv.cli import app
from mrv.models._tables import User
from sqlalchemy import select
from sqlmodel import Session
from tests.helpers import commune_records, count, register, snapshot

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_a_name_is_one_person_whatever_its_case_or_unicode_form(engine):
    models.add_user(engine, "Đỗ Thị Hà", "verifier", "24133", by=models.LOCAL)
    decomposed = unicodedata.normalize("NFD", "đỗ thị  hà")
    with pytest.raises(models.UserError, match="already registered as 'Đỗ Thị Hà'"):
        models.add_user(engine, decomposed, "admin", by=models.LOCAL)
    with pytest.raises(models.UserError, match="a name with letters"):
        models.add_user(engine, "\u200b \u200d", "admin", by=models.LOCAL)
    with pytest.raises(models.UserError, match="--commune"):
        models.add_user(engine, "Y Bhin Niê", "recorder", by=models.LOCAL)
    with pytest.raises(models.UserError, match="assigned to them: add --commune"):
        models.add_user(engine, "Y Bhin Niê", "verifier", by=models.LOCAL)
    with pytest.raises(models.UserError, match="every commune of the province: leave out --commune"):
        models.add_user(engine, "Y Bhin Niê", "inventory", "24133", by=models.LOCAL)
    with pytest.raises(models.UserError, match="unknown role 'officer'"):
        models.add_user(engine, "Y Bhin Niê", "officer", by=models.LOCAL)
    assert count(engine, User) == 1
    assert models.list_users(engine, scope=models.LOCAL) == [("Đỗ Thị Hà", "verifier", "24133")]


def test_by_must_name_a_registered_user(engine, tmp_path):
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    before = snapshot(engine)
    with pytest.raises(models.UserError, match="'Ann' is not a registered user"):
        models.import_file(engine, EXAMPLES / "records.csv", imported_by="Ann")
    with pytest.raises(models.ReviewError, match="'Ha' is not a registered user"):
        models.review(engine, "24133", 2025, "submit", by="Ha")
    assert snapshot(engine) == before
    models.add_user(engine, "Hà", "province_officer", by=models.LOCAL)
    with pytest.raises(models.ReviewError, match=r"did you mean Hà\?"):
        models.review(engine, "24133", 2025, "submit", by="Ha")
    # "AN" is the registered "an": the import is kept under the registered name
    models.import_file(engine, commune_records(tmp_path), imported_by="AN")
    assert {e.actor for e in models.audit_trail(engine, 2025, scope=models.LOCAL) if e.action == "records added"} == {"an"}


def test_each_step_needs_its_role_and_the_verifier_did_not_record(engine, tmp_path):
    register(engine)
    models.add_user(engine, "Đỗ Thị Hà", "verifier", "24133", by=models.LOCAL)
    models.import_file(engine, EXAMPLES / "plots.csv")
    records = tmp_path / "records.csv"  # recorded by Hà, typed without accents
    records.write_text("plot_id,year,activity,product,quantity,unit,n_content,recorded_by\n"
                       "CP-01,2025,fertiliser,urea,500,kg,,do thi ha\n", encoding="utf-8")
    models.import_file(engine, records, imported_by="an")
    models.add_user(engine, "Y Bhin Niê", "recorder", "24175", by=models.LOCAL)
    with pytest.raises(models.ScopeError, match=r"works on commune\(s\) 24175, not commune 24133"):
        models.review(engine, "24133", 2025, "submit", by="Y Bhin Niê")
    with pytest.raises(models.ReviewError, match="no data of 2205"):
        models.review(engine, "24133", 2205, "submit", by="an")
    models.review(engine, "24133", 2025, "submit", by="an")
    with pytest.raises(models.ReviewError, match="Đỗ Thị Hà recorded or imported data of 24133 2025"):
        models.review(engine, "24133", 2025, "verify", by="ĐỖ THỊ HÀ")
    models.review(engine, "24133", 2025, "verify", by="binh")
    with pytest.raises(models.ScopeError, match=r"may not: lock; that is for province_officer"):
        models.review(engine, "24133", 2025, "lock", by="binh")
    models.review(engine, "24133", 2025, "lock", by="chi")
    for reason in (None, "   ", "\u200b\u200c", "\ufeff."):
        with pytest.raises(models.ReviewError, match="reason"):
            models.review(engine, "24133", 2025, "reopen", by="chi", reason=reason)
    with pytest.raises(models.ScopeError, match="that is for province_officer"):
        models.review(engine, "24133", 2025, "reopen", by="an", reason="sai số lượng")
    assert models.review(engine, "24133", 2025, "reopen", by="chi", reason="\u200bsai số lượng ") == "open"
    assert [e.reason for e in models.audit_trail(engine, 2025, "24133", scope=models.LOCAL) if e.action == "reopen"] == ["sai số lượng"]


def test_user_add_and_list_from_the_command_line(tmp_path):
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    added = runner.invoke(app, ["user", "add", "Nguyễn Văn An", "--role", "recorder", "--commune", "24133", "--db", db])
    assert added.exit_code == 0 and "Đã thêm người dùng: Nguyễn Văn An (cán bộ xã" in added.output
    again = runner.invoke(app, ["user", "add", "nguyễn văn an", "--role", "admin", "--db", db])
    assert again.exit_code == 2 and "đã được đăng ký là 'Nguyễn Văn An'" in again.output
    listed = runner.invoke(app, ["user", "list", "--db", db], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "Nguyễn Văn An" in listed.output and "24133" in listed.output
    refused = runner.invoke(app, ["import", str(EXAMPLES / "plots.csv"), "--by", "Văn An", "--db", db])
    assert refused.exit_code == 2 and "'Văn An' chưa là người dùng đã đăng ký" in refused.output


def test_each_verifier_works_on_their_own_assigned_communes(engine):
    """Two verifiers, two assignments: each scope holds its own communes only."""
    models.add_user(engine, "Đỗ Thị Hà", "verifier", ["24133", "24175"], by=models.LOCAL)
    models.add_user(engine, "Y Bhin Niê", "verifier", "24169", by=models.LOCAL)
    with Session(engine) as session:
        scopes = {user.name: models.scope_of(session, user) for user in session.execute(select(User)).scalars()}
    assert scopes["Đỗ Thị Hà"].communes == {"24133", "24175"}
    assert scopes["Y Bhin Niê"].communes == {"24169"}
