"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mrv.cli import app


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo database with its 2025 official run and annual report: (folder, database URL)."""
    runner = CliRunner()
    folder = tmp_path_factory.mktemp("demo")
    db = f"sqlite:///{folder / 'mrv.sqlite'}"
    assert runner.invoke(app, ["demo", "--out", str(folder / "files"), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["report", "--year", "2025", "--out", str(folder / "report"), "--db", db])
    assert result.exit_code == 0, result.output
    return folder, db
