"""The database: SQLite file by default (WAL mode), PostgreSQL when `MRV_DATABASE_URL`
says so; the schema is brought to the latest Alembic migration before use.

What can be wrong with a database before any data is read — a URL of an unknown kind, a
folder or a missing folder where the file should be, a file that is not a database or is
damaged, a schema newer than this program — is a `DatabaseError` that says the cause and
the fix. A SQLite database busy with another writer is waited for (a minute) first."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.exc import DatabaseError as DriverDatabaseError
from sqlmodel import create_engine

DEFAULT_URL = "sqlite:///mrv.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Seconds a command waits for another one writing to the same SQLite file.
BUSY_SECONDS = 60
#: Connections kept open, and opened beyond them at busy times: the server answers up to
#: 40 requests at once (its thread pool), each with a connection.
POOL_SIZE, POOL_OVERFLOW = 10, 40


class DatabaseError(RuntimeError):
    """A database that cannot be used as it is: its `kind` (unknown_url, folder,
    missing_folder, not_database, damaged, newer_schema), a `detail`, and the `cause` and
    `fix` for a person."""

    def __init__(self, url: str, kind: str, detail: str, cause: str, fix: str):
        self.url, self.kind, self.detail, self.cause, self.fix = url, kind, detail, cause, fix
        super().__init__(f"{url}: {cause}. Fix: {fix}")


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else `MRV_DATABASE_URL`, else `mrv.sqlite` here."""
    return url or os.environ.get("MRV_DATABASE_URL") or DEFAULT_URL


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_file(url: str, database: str | None) -> None:
    """Refuse a SQLite path that is a folder, in a missing folder, or a file of another kind."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.is_dir():
        raise DatabaseError(url, "folder", str(path), f"{path} is a folder, not a database file",
                            f"name a file in it: sqlite:///{path / 'mrv.sqlite'}")
    if not path.parent.is_dir():
        raise DatabaseError(url, "missing_folder", str(path.parent), f"the folder {path.parent} does not exist",
                            "create the folder, or correct the path")
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise DatabaseError(url, "not_database", str(path), f"{path} is not a database file (another kind of file)",
                                    "name a new file, or the mrv.sqlite file the database is in")


def connect(url: str | None = None) -> Engine:
    """An engine on the database, checked and its schema migrated to the latest revision.
    Raises `DatabaseError` when the database cannot be used."""
    url = database_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS, "check_same_thread": False} if sqlite else {},
                               pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise DatabaseError(url, "unknown_url", url, "not a database URL this program knows",
                            "use sqlite:///path/mrv.sqlite or postgresql://user@host:5432/mrv") from None
    if sqlite:
        _sqlite_file(url, parsed.database)
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine, url)
    return engine


def check_integrity(engine: Engine) -> None:
    """SQLite's own quick integrity check, before an import writes (it reads the whole
    file: about 20 s a GB, so it is not run on every connection). PostgreSQL checks its
    pages itself."""
    if engine.dialect.name != "sqlite":
        return
    url = str(engine.url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("PRAGMA quick_check")).scalars().all()
    except DriverDatabaseError as error:
        if "not a database" in str(error.orig) or "malformed" in str(error.orig):
            raise DatabaseError(url, "damaged", str(error.orig), "the database file is damaged or is not a database",
                                "restore it from its last backup (or name a new file)") from None
        raise
    if found != ["ok"]:
        raise DatabaseError(url, "damaged", found[0], f"the database file is damaged ({found[0]})",
                            "restore it from its last backup")


def _alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def run_migrations(engine: Engine, step, revision: str) -> None:
    """Run an Alembic `step` (upgrade or downgrade) to `revision`. On SQLite, foreign keys
    are not enforced meanwhile: a migration that rebuilds a table (Alembic's batch mode,
    the only way to drop a column there) drops it while other tables refer to it."""
    config = _alembic()
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def migrate(engine: Engine, url: str = "") -> None:
    """Apply every Alembic migration not yet applied; refuse a database whose schema is
    newer than this program's."""
    try:
        run_migrations(engine, command.upgrade, "head")
    except CommandError as error:
        if "Can't locate revision" not in str(error):
            raise
        head = ScriptDirectory.from_config(_alembic()).get_current_head()
        raise DatabaseError(url or str(engine.url), "newer_schema", f"{error}; this version knows schema {head}",
                            f"the database was made by a newer version of mrv ({error}; this version knows schema "
                            f"{head})", "install the newer version of mrv") from None


def _bound(values, process) -> list:
    """`values` as the driver takes them (`process`, the column type's bind processor). A
    column given as codes into its distinct values (a pandas Categorical; code −1 is NULL)
    converts each distinct value once, and a column of one value repeated (the run, the
    import, its time) converts it once."""
    if hasattr(values, "codes"):
        distinct = [value if process is None else process(value) for value in values.categories] + [None]
        return [distinct[code] for code in values.codes.tolist()]
    values = list(values)
    if process is None:
        return values
    first = values[0]
    if all(value is first for value in values):
        return [None if first is None else process(first)] * len(values)
    return [None if value is None else process(value) for value in values]


def bulk_insert(connection, table, columns: dict, chunk: int = 20000, on_progress=None) -> None:
    """Insert many rows, given column by column (lists, or categoricals: see `_bound`): on
    PostgreSQL with COPY, elsewhere with the driver's executemany; values are converted with
    the column types' own bind processors (the values SQLAlchemy would write), without
    building a statement per row. Either way the rows join the connection's transaction."""
    table = getattr(table, "__table__", table)
    names = list(columns)
    size = len(columns[names[0]]) if names else 0
    if not size:
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer
    target = f"{quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)})"
    rows = list(zip(*(_bound(columns[name], table.c[name].type._cached_bind_processor(dialect)) for name in names)))
    if dialect.name == "postgresql":
        def write(part: list[tuple]) -> None:
            with connection.connection.driver_connection.cursor() as cursor, \
                    cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in part:
                    copy.write_row(row)
    else:
        marker = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": "?", "named": "?"}[dialect.paramstyle]
        statement = f"INSERT INTO {target} VALUES ({', '.join([marker] * len(names))})"

        def write(part: list[tuple]) -> None:
            connection.exec_driver_sql(statement, part)
    for start in range(0, size, chunk):
        write(rows[start:start + chunk])
        if on_progress:
            on_progress(min(chunk, size - start))
