"""Fixtures shared by several test modules."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from mrv import models
from mrv.cli import app

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("MRV_TEST_POSTGRES_URL") else [])


def empty_database(backend: str, folder) -> str:
    """A URL to an empty database: a new SQLite file in `folder`, or the PostgreSQL test
    database of MRV_TEST_POSTGRES_URL with every table dropped."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'mrv.sqlite'}"
    url = os.environ["MRV_TEST_POSTGRES_URL"]
    engine = models.connect(url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> str:
    """A URL to an empty database of each backend: SQLite, and PostgreSQL where
    MRV_TEST_POSTGRES_URL is set (CI)."""
    return empty_database(request.param, tmp_path)


@pytest.fixture
def engine(database):
    """The database of `database`, migrated and seeded (lookups and the 102 communes)."""
    engine = models.connect(database)
    models.seed(engine)
    yield engine
    engine.dispose()


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
