"""Shared helpers: small raw frames built the way a person types them."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

PLOT_DEFAULTS = {"commune_code": "24133", "crop": "coffee", "area": "1", "area_unit": "ha",
                 "climate": "wet", "irrigation": "none"}
RECORD_DEFAULTS = {"year": "2025", "product": "", "unit": "kg", "n_content": ""}


def plots_frame(*plots: dict) -> pd.DataFrame:
    """Plots as text; each dict overrides the defaults (1 ha coffee, wet, no irrigation)."""
    rows = [{"plot_id": f"P{i + 1}", **PLOT_DEFAULTS, **{k: str(v) for k, v in p.items()}} for i, p in enumerate(plots)]
    frame = pd.DataFrame(rows, dtype=str)
    frame.attrs["source"] = "plots.csv"
    return frame


def records_frame(*records: dict) -> pd.DataFrame:
    """Records as text; each dict needs plot_id, activity and quantity at least."""
    rows = [{**RECORD_DEFAULTS, **{k: str(v) for k, v in r.items()}} for r in records]
    frame = pd.DataFrame(rows, dtype=str).fillna("")
    frame.attrs["source"] = "records.csv"
    return frame


def total(results: pd.DataFrame, source: str, gas: str | None = None, **where) -> float:
    """Sum of mass_kg for a source (and gas, and any other column values)."""
    mask = results["source"] == source
    if gas is not None:
        mask &= results["gas"] == gas
    for column, value in where.items():
        mask &= results[column] == value
    return float(results.loc[mask, "mass_kg"].sum())


def two_years_of_examples(engine, folder: Path) -> None:
    """Import the example plots and records (2025) and one urea record of 2024 on CP-01."""
    from mrv import models
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv")
    earlier = folder / "records-2024.csv"
    earlier.write_text("record_id,plot_id,year,activity,product,quantity,unit,n_content\n"
                       "A1,CP-01,2024,fertiliser,urea,1000,kg,\n", encoding="utf-8")
    models.import_file(engine, earlier)


def examples_with_people(url: str, folder: Path, people: dict[str, tuple[str, str | None]], secret: str):
    """A database at `url` with the example plots and records of 2024–2025 and one person
    of each role of `people` (role → name, commune), each with the password `secret`."""
    from mrv import models
    engine = models.connect(url)
    models.seed(engine)
    two_years_of_examples(engine, folder)
    for role, (name, commune) in people.items():
        models.add_user(engine, name, role, commune, secret, by=models.LOCAL)
    return engine


def count(engine, table, *where) -> int:
    """Rows of a table (that meet `where`)."""
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def snapshot(engine) -> dict[str, tuple[int, str]]:
    """Every table of the database, as its row count and a digest of its rows' content:
    equal before and after a refused import means nothing was stored, changed or flagged
    (a record's `is_current` included), import batches and the audit trail too."""
    from sqlmodel import SQLModel
    found = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            found[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


#: The people of the review tests: a commune officer of 24133, a verifier of 24133 and
#: 24175, a province officer.
PEOPLE = (("an", "recorder", "24133"), ("binh", "verifier", ("24133", "24175")), ("chi", "province_officer", None))


def register(engine) -> None:
    """Register `PEOPLE` (those not registered yet)."""
    from mrv import models
    known = {name for name, _, _ in models.list_users(engine, scope=models.LOCAL)}
    for name, role, commune in PEOPLE:
        if name not in known:
            models.add_user(engine, name, role, commune, by=models.LOCAL)


def commune_records(folder: Path, commune: str = "24133") -> Path:
    """The example records of one commune's plots (what its officer may import), in
    examples/records.csv's order: for 24133, R1 is still row 2."""
    plots = pd.read_csv(EXAMPLES / "plots.csv", dtype=str)
    codes = set(plots.loc[plots["commune_code"] == commune, "plot_id"])
    header, *rows = (EXAMPLES / "records.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = folder / f"records-{commune}.csv"
    path.write_text(header + "".join(row for row in rows if row.split(",")[1] in codes), encoding="utf-8")
    return path


def lock_year(engine, commune: str, year: int) -> None:
    """Take a commune-year through submit, verify and lock (three different people)."""
    from mrv import models
    register(engine)
    for step, person in (("submit", "chi" if commune != "24133" else "an"), ("verify", "binh"), ("lock", "chi")):
        models.review(engine, commune, year, step, by=person)


@contextlib.contextmanager
def serving(app):
    """`app` served by Uvicorn on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    import uvicorn
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
