"""Calculation runs from the database: read the current records of a year, run the
engine, store the run and its results (bulk), keep every earlier run."""

from __future__ import annotations

import hashlib
from datetime import datetime
from collections.abc import Callable
from importlib.metadata import version

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, func, insert, or_, select, tuple_, update
from sqlmodel import Session

import mrv
import mrv.schema
from mrv import text_key
from mrv.models._db import bulk_insert
from mrv.models._inputs import estimate_inputs, freeze
from mrv.models._tables import (
    ActivityRecord, AuditEntry, CalculationRun, Commune, FactorProvenance, Plot, PlotVersion, Result, _now,
)
from mrv.models._scope import scope_of
from mrv.models._users import find_user
from mrv.models._versions import commune_settings, in_year, plot_versions

CHUNK = 20000
#: The factor profile of official runs unless one is chosen (`mrv calc --factors`); the
#: import checks records against it.
OFFICIAL_PROFILE = "ipcc2019"

#: Activities whose records of other years count in a year: a soil practice change moves
#: the soil carbon for 20 years after it (IPCC Vol. 4 Eq. 2.25), and the tree inventories
#: before and after a year give its biomass stock change (Eq. 2.8).
CARRIED = ("soil_management", "tree_inventory")


def _record_versions(year: int, as_of: datetime | None):
    """The condition that picks each record's version: the current one, or the latest
    recorded by `as_of` (of all its versions: a record moved to another year is no longer
    counted in the year it left); of the year, and of the carried activities of every year."""
    in_scope = or_(ActivityRecord.year == year, ActivityRecord.activity.in_(CARRIED))
    if as_of is None:
        return and_(ActivityRecord.is_current.is_(True), in_scope)
    latest = (select(ActivityRecord.record_key, func.max(ActivityRecord.version).label("version"))
              .where(ActivityRecord.recorded_at <= as_of)
              .group_by(ActivityRecord.record_key).subquery())
    return and_(in_scope, tuple_(ActivityRecord.record_key, ActivityRecord.version).in_(
        select(latest.c.record_key, latest.c.version)))


def records_frames(session: Session, year: int, commune: str | None = None,
                   as_of: datetime | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The current records of a year (and commune), or those current at `as_of`, and
    their plots as they were in that year (`mrv.models._versions`), as engine input
    frames: the numbers as parsed at import, the units as typed. Records of other years
    come along for the activities in `CARRIED`. In a year with a `clearing`, a plot keeps
    the planting year of the year before: what was felled is the old planting."""
    chosen = _record_versions(year, as_of)
    query = (select(ActivityRecord.record_key, Plot.code, ActivityRecord.year, ActivityRecord.record_date,
                    ActivityRecord.season, ActivityRecord.activity, ActivityRecord.product_id, ActivityRecord.quantity,
                    ActivityRecord.unit, ActivityRecord.n_content, ActivityRecord.dry_matter, ActivityRecord.use,
                    ActivityRecord.evidence, ActivityRecord.days, ActivityRecord.water_regime, ActivityRecord.pre_season,
                    ActivityRecord.previous_practice, ActivityRecord.diameter_cm, ActivityRecord.height_m,
                    ActivityRecord.wood_density, ActivityRecord.sao_variant)
             .join(Plot, Plot.id == ActivityRecord.plot_id).where(chosen))
    if commune is not None:  # the plots that were ever in the commune; those of the year are chosen below
        query = query.where(ActivityRecord.plot_id.in_(
            select(PlotVersion.plot_id).join(Commune, Commune.id == PlotVersion.commune_id).where(Commune.code == commune)))
    records = pd.DataFrame(list(map(tuple, session.execute(query).all())), columns=[
        "record_id", "plot_id", "year", "date", "season", "activity", "product", "quantity", "unit", "n_content",
        "dry_matter", "use", "evidence", "days", "water_regime", "pre_season", "previous_practice",
        "diameter_cm", "height_m", "wood_density", "sao_variant"])
    versions = plot_versions(session, as_of, codes=None if commune is None else sorted(set(records["plot_id"])))
    versions = versions[versions["plot_id"].isin(set(records["plot_id"]))].reset_index(drop=True)
    plots = in_year(versions, "plot_id", year)
    cleared = set(records.loc[(records["activity"] == "clearing") & (records["year"] == year), "plot_id"])
    if cleared:
        before = in_year(versions, "plot_id", year - 1).set_index("plot_id")["planting_year"]
        felled = plots["plot_id"].isin(cleared).to_numpy()
        plots.loc[felled, "planting_year"] = plots.loc[felled, "plot_id"].map(before).to_numpy()
    settings = in_year(commune_settings(session, as_of), "commune_code", year).set_index("commune_code")
    plots = plots.assign(rice_region=plots["commune_code"].map(settings["rice_region"]), area_unit="ha")
    if commune is not None:
        plots = plots[plots["commune_code"] == commune].reset_index(drop=True)
        records = records[records["plot_id"].isin(set(plots["plot_id"]))].reset_index(drop=True)
    plots = plots[["plot_id", "commune_code", "crop", "area", "climate", "irrigation", "sao_variant", "planting_year",
                   "rice_region", "soil", "intercrop", "intercrop_share", "area_unit"]].astype(
        {"area": "float64", "intercrop_share": "float64"})
    plots["planting_year"] = pd.to_numeric(plots["planting_year"]).astype("Int64")
    # a bare "sào" of a record resolves with the default of the import that brought it
    codes, units = pd.factorize(records["unit"])
    bare = (np.array([text_key(u) in ("sao", "mau") for u in units] + [False], dtype=bool)[codes]
            & records["sao_variant"].notna().to_numpy())
    records.loc[bare, "unit"] = records.loc[bare, "unit"] + " " + records.loc[bare, "sao_variant"]
    records = records.drop(columns="sao_variant").astype({"quantity": "float64", "n_content": "float64", "dry_matter": "float64",
                              "days": "float64", "diameter_cm": "float64", "height_m": "float64",
                              "wood_density": "float64", "year": "int64"})
    records.attrs["source"] = "records of the database"
    plots.attrs["source"] = "plots of the database"
    return plots, records


def _input_hash(plots: pd.DataFrame, records: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for frame in (plots, records):
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:32]


def calculate_year(engine: Engine, year: int, *, commune: str | None = None, official: bool = False,
                   factors: str = OFFICIAL_PROFILE, gwp: str = "AR5", by: str | None = None,
                   on_progress: Callable[[int], None] | None = None) -> CalculationRun:
    """Run the engine on the year's current records and store the run with its results;
    a province-scope run also freezes its provincial estimate's inputs. An official run
    must cover the whole province; it supersedes (never deletes) the year's previous
    official run, and enters the audit trail with who made it (`by`). Locked commune-years
    are read as they are: nothing can have changed them since they were locked."""
    if official and commune is not None:
        raise ValueError("an official run covers the whole province: leave out the commune")
    started = _now()
    with Session(engine) as session:
        if by is not None:
            user = find_user(session, by)
            scope_of(session, user).require("calculate")
            by = user.name
        plots, records = records_frames(session, year, commune, as_of=started)
        results = mrv.calculate(plots, records, factors, gwp, through=year)
        results = results[results["year"].to_numpy() == year].reset_index(drop=True)
        frozen = freeze(estimate_inputs(session, year, factors, gwp)) if commune is None else None
        run = CalculationRun(year=year, scope=commune or "province", factor_profile=factors,
                             factor_set_version=results.attrs["factor_set_version"], gwp=gwp,
                             code_version=version("mrv"), input_hash=_input_hash(plots, records), official=official,
                             records=len(records), result_rows=len(results), created_at=started,
                             estimate_inputs=frozen)
        session.add(run)
        session.flush()
        _store_results(session, run, results, on_progress)
        if official:
            session.execute(update(CalculationRun).where(
                CalculationRun.year == year, CalculationRun.official.is_(True), CalculationRun.id != run.id,
                CalculationRun.superseded_by.is_(None)).values(superseded_by=run.id))
            session.add(AuditEntry(actor=by, action="official run", year=year, after={
                "run": str(run.id), "factors": factors, "factor_set_version": run.factor_set_version, "gwp": gwp,
                "input_hash": run.input_hash, "records": run.records, "result_rows": run.result_rows}))
        session.commit()
        session.refresh(run)
        session.expunge(run)
        return run


def _store_results(session: Session, run: CalculationRun, results: pd.DataFrame,
                   on_progress: Callable[[int], None] | None) -> None:
    ids = results["factor_ids"].cat.categories.astype(str)
    known = dict(session.execute(select(FactorProvenance.factor_ids, FactorProvenance.id)).all())
    missing = [{"factor_ids": i} for i in ids if i not in known]
    if missing:
        session.execute(insert(FactorProvenance), missing)
        known = dict(session.execute(select(FactorProvenance.factor_ids, FactorProvenance.id)).all())
    plot_uuid = dict(session.execute(select(Plot.code, Plot.id)).all())
    plots, factors = results["plot_id"].array, results["factor_ids"].array
    columns: dict[str, object] = {  # categoricals: each category converted once (`bulk_insert`)
        "run_id": [run.id] * len(results),
        "plot_id": pd.Categorical.from_codes(plots.codes, pd.Index(plots.categories.astype(str).map(plot_uuid),
                                                                   dtype=object), validate=False),
        "provenance_id": pd.Categorical.from_codes(factors.codes, pd.Index([known[i] for i in ids]), validate=False)}
    for name in results.columns.drop(["plot_id", "factor_ids"]):
        values = results[name]
        columns[name] = (values.array.rename_categories(values.cat.categories.astype(str))
                         if isinstance(values.dtype, pd.CategoricalDtype) else values.tolist())
    bulk_insert(session.connection(), Result, columns, CHUNK, on_progress)


def official_run(engine: Engine, year: int) -> CalculationRun | None:
    """The year's official run in force (reports and exports read this one)."""
    with Session(engine) as session:
        run = session.execute(select(CalculationRun).where(
            CalculationRun.year == year, CalculationRun.official.is_(True),
            CalculationRun.superseded_by.is_(None))).scalars().first()
        if run is not None:
            session.expunge(run)
        return run


def run_results(engine: Engine, run_id) -> pd.DataFrame:
    """The stored results of a run, in the engine's result columns."""
    with Session(engine) as session:
        rows = session.execute(
            select(Plot.code, Result.year, Result.crop, Result.commune_code, Result.source, Result.gas, Result.mass_kg,
                   Result.co2e_kg, Result.ipcc_category, Result.input_type, Result.season, Result.activity_amount, Result.activity_unit,
                   Result.factor_value, Result.factor_unit, Result.tier, Result.factor_origin, Result.boundary,
                   FactorProvenance.factor_ids)
            .join(Plot, Plot.id == Result.plot_id).join(FactorProvenance, FactorProvenance.id == Result.provenance_id)
            .where(Result.run_id == run_id).order_by(Result.id)).all()
        run = session.get(CalculationRun, run_id)
        frame = pd.DataFrame(rows, columns=list(mrv.schema.RESULT_COLUMNS))
        frame.attrs.update({"factor_profile": run.factor_profile, "factor_set_version": run.factor_set_version,
                            "gwp": run.gwp, "run_id": str(run.id)})
        return frame


def recalculate_series(engine: Engine, factors: str = OFFICIAL_PROFILE, gwp: str = "AR5",
                       by: str | None = None) -> list[CalculationRun]:
    """A new official run for every year that has current records, with one factor set and
    code version, so that a trend never mixes methods; the old runs stay readable. `by`
    must be a user who may calculate."""
    with Session(engine) as session:
        if by is not None:
            scope_of(session, find_user(session, by)).require("calculate")
        years = sorted(session.execute(select(ActivityRecord.year).where(ActivityRecord.is_current.is_(True))
                                       .distinct()).scalars())
    return [calculate_year(engine, year, official=True, factors=factors, gwp=gwp, by=by) for year in years]
