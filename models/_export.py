"""The inventory export of a year: the official run's provincial estimate in the national
inventory's categories (`mrv.inventory_table`), with its metadata block."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib.metadata import version

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

import mrv
from mrv.models._province import province_year
from mrv.models._recent import Recent
from mrv.models._runs import official_run
from mrv.models._scope import Scope
from mrv.models._tables import Province


#: Inventory tables made last, by engine, official run and GWP set: a run's figures never
#: change (its records are read as they were when it was made, its estimate inputs frozen).
_tables: Recent[tuple] = Recent(16)


def _table(engine: Engine, year: int, gwp: str):
    """The year's official run and its inventory table (made once per run and GWP set).
    Raises LookupError when the year has no official run."""
    def make():
        run, province = province_year(engine, year)
        rows = province.estimate_rows(province.estimate(province.reductions()))
        return run, mrv.inventory_table(rows, mrv.occurrence(province.activity), gwp)

    run = official_run(engine, year)
    if run is None:
        return make()
    run, table = _tables.get((id(engine), run.id, gwp), make)
    return run, table.copy()


def inventory_export(engine: Engine, year: int, gwp: str = "AR5", *, scope: Scope) -> tuple[pd.DataFrame, dict[str, str]]:
    """The inventory table of `year` and its metadata (province, year, factor profile and
    version, GWP set, official run, generation time, software version). The figures are
    the provincial estimate (commune areas × practice profiles), not the pilots' sum.
    Raises LookupError when the year has no official run; `ScopeError` for a scope that
    may not export."""
    scope.require_role("export")
    run, table = _table(engine, year, gwp)
    with Session(engine) as session:
        name = session.execute(select(Province.name)).scalars().first() or ""
    metadata = {
        "province": name, "year": str(year),
        "figures": "provincial estimate: commune crop areas × practice profiles (not the pilot plots' sum)",
        "factor_profile": run.factor_profile, "factor_set_version": run.factor_set_version,
        "gwp": gwp, "official_run": str(run.id), "official_run_at": run.created_at.isoformat() if run.created_at else "",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "software": f"mrv {version('mrv')}",
        "notation_keys": "NO not occurring (records of 0), NE not estimated, NA not applicable, IE included elsewhere",
    }
    return table, metadata
