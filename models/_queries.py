"""What a person may read, through their `Scope`: communes with their review status,
plots, records, calculation runs and their results. Each function takes the scope and
filters by it (a commune officer sees their commune, a verifier their assigned ones), or
raises `ScopeError` for what the role may not read at all."""

from __future__ import annotations

import uuid

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlmodel import Session

import mrv
from mrv import msg

from mrv.models._scope import Scope
from mrv.models._tables import ActivityRecord, CalculationRun, Commune, Plot, PlotVersion, Result, ReviewStatus

#: The most rows one page of a list gives.
MAX_PAGE = 1000
#: How a run's results can be grouped (`run_totals`).
GROUPS = ("commune_code", "crop", "source", "gas", "ipcc_category", "boundary")


def read_communes(engine: Engine, scope: Scope, year: int, code: str | None = None) -> list[dict]:
    """The communes of the scope (or the one of `code`), with their review status of `year`,
    plots and current records of the year."""
    scope.require_role("read")
    if code is not None:
        scope.require("read", code)
    chosen = scope.where(Commune.code) if code is None else Commune.code == code
    with Session(engine) as session:
        plots = dict(session.execute(select(Commune.code, func.count(Plot.id)).join(Plot, Plot.commune_id == Commune.id)
                                     .where(chosen).group_by(Commune.code)).all())
        records = dict(session.execute(
            select(Commune.code, func.count(ActivityRecord.id)).join(Plot, Plot.commune_id == Commune.id)
            .join(ActivityRecord, ActivityRecord.plot_id == Plot.id)
            .where(chosen, ActivityRecord.is_current.is_(True), ActivityRecord.year == year)
            .group_by(Commune.code)).all())
        status = dict(session.execute(select(Commune.code, ReviewStatus.status)
                                      .join(ReviewStatus, ReviewStatus.commune_id == Commune.id)
                                      .where(chosen, ReviewStatus.year == year)).all())
        query = select(Commune.code, Commune.name, Commune.kind).where(chosen).order_by(Commune.code)
        return [{"code": c, "name": name, "kind": kind, "year": year, "status": status.get(c, "open"),
                 "plots": plots.get(c, 0), "records": records.get(c, 0)} for c, name, kind in session.execute(query)]


def record_years(engine: Engine, scope: Scope) -> list[int]:
    """The years with current records in the scope's communes, newest first."""
    scope.require_role("read")
    query = (select(ActivityRecord.year).join(Plot, Plot.id == ActivityRecord.plot_id)
             .join(Commune, Commune.id == Plot.commune_id)
             .where(ActivityRecord.is_current.is_(True), scope.where(Commune.code)).distinct()
             .order_by(ActivityRecord.year.desc()))
    with Session(engine) as session:
        return list(session.execute(query).scalars())


def read_occurrence(engine: Engine, scope: Scope, year: int) -> dict[str, pd.Series]:
    """Each commune of the scope with records in `year` → the occurrence of every source
    activity (`mrv.occurrence`: recorded above 0, only as 0 (NO), or not at all (NE)),
    from each activity's largest quantity as typed."""
    scope.require_role("read")
    r = ActivityRecord
    query = (select(Commune.code, r.activity, func.max(r.quantity)).join(Plot, Plot.id == r.plot_id)
             .join(Commune, Commune.id == Plot.commune_id)
             .where(r.is_current.is_(True), r.year == year, scope.where(Commune.code)).group_by(Commune.code, r.activity))
    with Session(engine) as session:
        rows = pd.DataFrame(list(map(tuple, session.execute(query).all())),
                            columns=["commune_code", "activity", "quantity_value"])
    return {code: mrv.occurrence(group) for code, group in rows.groupby("commune_code")}


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


def read_plots(engine: Engine, scope: Scope, *, commune: str | None = None, crop: str | None = None,
               plot: str | None = None, located: bool = False, limit: int = 100, offset: int = 0) -> list[dict]:
    """The scope's plots (latest version), by code; filtered by commune, crop and plot code,
    and to those with coordinates (`located`)."""
    scope.require_role("read")
    if commune is not None:
        scope.require("read", commune)
    limit, offset = _page(limit, offset)
    latest = select(PlotVersion.plot_id, func.max(PlotVersion.version).label("version")).group_by(
        PlotVersion.plot_id).subquery()
    query = (select(Plot.code, Commune.code, Plot.crop_id, Plot.area_ha, Plot.area_text, Plot.planting_year,
                    Plot.irrigation, Plot.climate, Plot.soil, Plot.latitude, Plot.longitude, latest.c.version)
             .join(Commune, Commune.id == Plot.commune_id).join(latest, latest.c.plot_id == Plot.id, isouter=True)
             .where(scope.where(Commune.code)).order_by(Plot.code).limit(limit).offset(offset))
    if commune is not None:
        query = query.where(Commune.code == commune)
    if crop is not None:
        query = query.where(Plot.crop_id == crop)
    if plot is not None:
        query = query.where(Plot.code == plot)
    if located:
        query = query.where(Plot.latitude.is_not(None), Plot.longitude.is_not(None))
    names = ("plot_id", "commune_code", "crop", "area_ha", "area", "planting_year", "irrigation", "climate", "soil",
             "latitude", "longitude", "version")
    with Session(engine) as session:
        return [dict(zip(names, row)) for row in session.execute(query)]


def read_records(engine: Engine, scope: Scope, *, commune: str | None = None, year: int | None = None,
                 plot: str | None = None, record: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """The scope's current records (as typed, with their version and who recorded them),
    by plot and record id; filtered by commune, year, plot and record id."""
    scope.require_role("read")
    if commune is not None:
        scope.require("read", commune)
    limit, offset = _page(limit, offset)
    r = ActivityRecord
    query = (select(r.record_key, r.version, Plot.code, Commune.code, r.year, r.record_date, r.season, r.activity,
                    r.product_id, r.use, r.quantity_text, r.unit_text, r.n_content_text, r.evidence, r.recorded_by,
                    r.recorded_at)
             .join(Plot, Plot.id == r.plot_id).join(Commune, Commune.id == Plot.commune_id)
             .where(r.is_current.is_(True), scope.where(Commune.code))
             .order_by(Plot.code, r.record_key).limit(limit).offset(offset))
    for column, value in ((Commune.code, commune), (r.year, year), (Plot.code, plot), (r.record_key, record)):
        if value is not None:
            query = query.where(column == value)
    names = ("record_id", "version", "plot_id", "commune_code", "year", "date", "season", "activity", "product", "use",
             "quantity", "unit", "n_content", "evidence", "recorded_by", "recorded_at")
    with Session(engine) as session:
        return [dict(zip(names, row)) for row in session.execute(query)]


def read_runs(engine: Engine, scope: Scope, year: int | None = None) -> list[CalculationRun]:
    """The calculation runs (of `year`), newest first."""
    scope.require_role("results")
    query = select(CalculationRun).order_by(CalculationRun.created_at.desc())
    if year is not None:
        query = query.where(CalculationRun.year == year)
    with Session(engine) as session:
        found = session.execute(query).scalars().all()
        for run in found:
            session.expunge(run)
        return found


def read_run(engine: Engine, scope: Scope, run_id: uuid.UUID) -> CalculationRun:
    """One calculation run; `LookupError` if there is none of that id."""
    scope.require_role("results")
    with Session(engine) as session:
        found = session.get(CalculationRun, run_id)
        if found is None:
            raise LookupError(msg("there is no calculation run {run}", run=run_id))
        session.expunge(found)
        return found


def run_totals(engine: Engine, scope: Scope, run_id: uuid.UUID, by: tuple[str, ...] = ("commune_code", "source", "gas"),
               commune: str | None = None, *, removals: bool = True) -> pd.DataFrame:
    """A run's results summed by `by` (columns of `GROUPS`) in the database: CO2e (kg), and
    the mass (kg of the gas) when grouped by gas (masses of different gases are never added).
    `removals=False` sums the emissions alone (rows of a negative mass left out)."""
    found = read_run(engine, scope, run_id)
    unknown = [column for column in by if column not in GROUPS]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}: use {', '.join(GROUPS)}")
    groups = [getattr(Result, column) for column in by]
    sums = ["mass_kg", "co2e_kg"] if "gas" in by else ["co2e_kg"]
    query = (select(*groups, *(func.sum(getattr(Result, column)) for column in sums))
             .where(Result.run_id == found.id).group_by(*groups).order_by(*groups))
    if commune is not None:
        query = query.where(Result.commune_code == commune)
    if not removals:
        query = query.where(Result.mass_kg >= 0)
    with Session(engine) as session:
        rows = session.execute(query).all()
    table = pd.DataFrame(list(map(tuple, rows)), columns=[*by, *sums])
    return table.fillna({column: 0.0 for column in sums}) if by else table.fillna(0.0)
