"""The database: SQLite file by default (WAL mode), PostgreSQL when `MRV_DATABASE_URL`
says so; the schema is brought to the latest Alembic migration before use."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlmodel import create_engine

DEFAULT_URL = "sqlite:///mrv.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else `MRV_DATABASE_URL`, else `mrv.sqlite` here."""
    return url or os.environ.get("MRV_DATABASE_URL") or DEFAULT_URL


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def connect(url: str | None = None) -> Engine:
    """An engine on the database, its schema migrated to the latest revision."""
    url = database_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def bulk_insert(connection, table, columns: dict[str, list], chunk: int = 20000, on_progress=None) -> None:
    """Insert many rows, given column by column, with the driver's executemany: values are
    converted with the column types' own bind processors (the values SQLAlchemy would
    write), without building a statement per row."""
    table = getattr(table, "__table__", table)
    names = list(columns)
    size = len(columns[names[0]]) if names else 0
    if not size:
        return
    dialect = connection.dialect
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": "?", "named": "?"}[dialect.paramstyle]
    quote = dialect.identifier_preparer
    statement = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)}) "
                 f"VALUES ({', '.join([marker] * len(names))})")
    converted = []
    for name in names:
        process = table.c[name].type._cached_bind_processor(dialect)
        values = list(columns[name])
        converted.append([None if v is None else process(v) for v in values] if process else values)
    rows = list(zip(*converted))
    for start in range(0, size, chunk):
        connection.exec_driver_sql(statement, rows[start:start + chunk])
        if on_progress:
            on_progress(min(chunk, size - start))
