"""Verification of a commune-year: QA/QC findings, and review open → submitted → verified →
locked, with who and when.

Each step is taken by a registered user of the role it needs; the verifier must be
someone other than whoever recorded or imported the year's records.
A locked year refuses any change to its records; a correction needs an explicit reopen
with a reason. Every step is written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlmodel import Session

import mrv
from mrv import msg
from mrv.models._claims import claimable
from mrv.models._inputs import estimate_status, pilot_plots
from mrv.models._recent import Recent
from mrv.models._runs import official_run, records_frames

from mrv.models._tables import (
    ActivityRecord, AdoptionShare, AuditEntry, Commune, CommuneCropArea, ImportBatch, Plot, ReviewStatus,
)
from mrv.models._scope import Scope, scope_of
from mrv.models._users import UserError, find_user, meaningful, same_person

#: action → (statuses it may start from, status it leads to)
STEPS = {
    "submit": (("open",), "submitted"),
    "verify": (("submitted",), "verified"),
    "lock": (("verified",), "locked"),
    "reopen": (("submitted", "verified", "locked"), "open"),
}

#: The statuses as a person reads them.
STATUS_NAMES = {"open": msg("open"), "submitted": msg("submitted"), "verified": msg("verified"),
                "locked": msg("locked")}


def _either(names: list):
    """'a', 'a or b', 'a, b or c' as one message."""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return msg("{one} or {other}", one=names[0], other=names[1])
    return msg("{one}, {others}", one=names[0], others=_either(names[1:]))


class ReviewError(ValueError):
    """A review step that is not allowed; the message says why and what to do."""


def status_of(session: Session, commune: str, year: int) -> str:
    row = session.execute(select(ReviewStatus.status).join(Commune, Commune.id == ReviewStatus.commune_id)
                          .where(Commune.code == commune, ReviewStatus.year == year)).scalar()
    return row or "open"


def _recorders(session: Session, commune: str, year: int) -> set[str]:
    query = (select(ActivityRecord.recorded_by, ImportBatch.imported_by)
             .join(Plot, Plot.id == ActivityRecord.plot_id).join(Commune, Commune.id == Plot.commune_id)
             .join(ImportBatch, ImportBatch.id == ActivityRecord.import_id, isouter=True)
             .where(Commune.code == commune, ActivityRecord.year == year))
    return {name for row in session.execute(query).all() for name in row if name}


def _years_with_data(session: Session) -> set[int]:
    """Years the database holds records, commune crop areas or adoption shares of."""
    years = set(session.execute(select(ActivityRecord.year).where(ActivityRecord.is_current.is_(True))
                                .distinct()).scalars())
    years |= set(session.execute(select(CommuneCropArea.year).distinct()).scalars())
    return years | set(session.execute(select(AdoptionShare.year).distinct()).scalars())


def review(engine: Engine, commune: str, year: int, action: str, by: str, reason: str | None = None) -> str:
    """Move a commune-year one step; return its new status. Raises `ReviewError`.

    `by` must be a registered user whose scope allows the step (`mrv.models._scope`: a
    commune officer submits their own commune only, a verifier verifies their assigned
    communes; `ScopeError` otherwise); the verifier must be someone who neither recorded nor
    imported the year's records; a reopen needs a readable reason."""
    if action not in STEPS:
        raise ReviewError(msg("unknown step {step}: use one of {steps}", step=repr(action), steps=", ".join(STEPS)))
    with Session(engine) as session:
        try:
            user = find_user(session, by)
        except UserError as error:
            raise ReviewError(*error.args) from None
        commune_row = session.execute(select(Commune).where(Commune.code == commune)).scalars().first()
        if commune_row is None:
            raise ReviewError(msg("{commune} is not a commune code of the province", commune=repr(commune)))
        scope_of(session, user).require(action, commune)
        years = _years_with_data(session)
        if year not in years:
            raise ReviewError(msg("the database holds no data of {year} (years with data: {years}): check the year",
                                  year=year, years=", ".join(map(str, sorted(years))) or msg("none")))
        current = status_of(session, commune, year)
        allowed, new = STEPS[action]
        if current not in allowed:
            raise ReviewError(msg("{commune} {year} is {current}: '{step}' needs it to be {allowed}", commune=commune,
                                  year=year, current=STATUS_NAMES[current], step=action,
                                  allowed=_either([STATUS_NAMES[status] for status in allowed])))
        if action == "verify" and any(same_person(user.name, name) for name in _recorders(session, commune, year)):
            raise ReviewError(msg("{user} recorded or imported data of {commune} {year}: another person must verify it",
                                  user=user.name, commune=commune, year=year))
        if action == "reopen" and not any(ch.isalnum() for ch in meaningful(reason)):
            raise ReviewError(msg("a reopen needs its reason (--reason \"…\"), in words"))
        row = session.execute(select(ReviewStatus).where(ReviewStatus.commune_id == commune_row.id,
                                                         ReviewStatus.year == year)).scalars().first()
        if row is None:
            row = ReviewStatus(commune_id=commune_row.id, year=year)
            session.add(row)
        row.status, row.changed_by = new, user.id
        session.add(AuditEntry(actor=user.name, action=action, commune_code=commune, year=year,
                               before={"status": current}, after={"status": new}, reason=meaningful(reason) or None))
        session.commit()
        return new


def audit_trail(engine: Engine, year: int, commune: str | None = None, *, scope: Scope) -> list[AuditEntry]:
    """The year's audit entries, oldest first: those of the scope's communes (and, for the
    province's roles, the province-wide ones)."""
    scope.require_role("read")
    if commune is not None:
        scope.require("read", commune)
    with Session(engine) as session:
        query = select(AuditEntry).where(AuditEntry.year == year).order_by(AuditEntry.at)
        if scope.communes is not None:
            query = query.where(scope.where(AuditEntry.commune_code))
        if commune is not None:
            query = query.where(AuditEntry.commune_code == commune)
        entries = session.execute(query).scalars().all()
        for entry in entries:
            session.expunge(entry)
        return entries


@dataclass(frozen=True)
class CommuneYear:
    """A commune-year as its current records stand (the commune page): the records
    checked and converted (`activity`), their emissions calculated now with the factor
    profile of the year's official run (a preview: the official figures are those of the
    run), the QA/QC findings, each source activity's occurrence (`mrv.occurrence`:
    recorded, recorded as 0, or missing) and the pilot plots' reductions against their
    controls."""

    code: str
    year: int
    status: str
    profile: str
    activity: pd.DataFrame
    results: pd.DataFrame
    findings: pd.DataFrame
    occurrence: pd.Series
    reductions: pd.DataFrame


def _current_year(engine: Engine, year: int, commune: str | None):
    """The year's current records (of a commune) through the engine: the factor profile,
    activity, results and pilot plots."""
    run = official_run(engine, year)
    profile = run.factor_profile if run is not None else "ipcc2019"
    with Session(engine) as session:
        plots, records = records_frames(session, year, commune)
        pilots = pilot_plots(session, year)
        status = status_of(session, commune, year) if commune is not None else None
    if commune is not None:
        pilots = pilots[pilots["commune_code"] == commune]
    activity = mrv.normalize(plots, records)
    return profile, status, activity, mrv.calculate_activity(activity, profile, through=year), pilots


def check_year(engine: Engine, year: int, commune: str | None = None, *, scope: Scope) -> pd.DataFrame:
    """The QA/QC findings of a year's current records (and pilot plots), errors first: of
    one commune, or of the province for the scopes that read every commune; once the year
    has an official run, the claims it no longer backs too (`claimed_by_run`)."""
    scope.require("read", commune)
    profile, _, activity, results, pilots = _current_year(engine, year, commune)
    with Session(engine) as session:
        status = estimate_status(session, year)
    if commune is not None:
        status = status[status["commune_code"] == commune]
    return mrv.run_checks(activity, results, pilots, year, profile, status, claimed_by_run(engine, year, commune))


def claimed_by_run(engine: Engine, year: int, commune: str | None = None) -> pd.DataFrame | None:
    """The claims register against the year's official run (`claimable`), of one commune
    or of the province; None before the year has an official run."""
    try:
        found = claimable(engine, year)
    except LookupError:
        return None
    return found if commune is None else found[found["commune_code"] == commune]


#: The commune-years calculated last (a commune page is read far more often than its data
#: change), keyed by engine, commune, year and `_stamp`.
_calculated: Recent[CommuneYear] = Recent(64)


def _stamp(engine: Engine, year: int, commune: str) -> tuple:
    """What a commune-year's figures depend on and changes with any write: every stored
    change comes through an import batch, a review step or an official run."""
    with Session(engine) as session:
        batches = session.execute(select(func.count(ImportBatch.id), func.max(ImportBatch.imported_at))).one()
        run = official_run(engine, year)
        return (*batches, status_of(session, commune, year), run.id if run is not None else None)


def commune_year(engine: Engine, year: int, commune: str, *, scope: Scope) -> CommuneYear:
    """One commune-year of the scope, as its current records stand (`CommuneYear`);
    calculated again only after something was written."""
    scope.require("read", commune)
    key = (id(engine), commune, year, _stamp(engine, year, commune))
    return _calculated.get(key, lambda: _calculate_commune_year(engine, year, commune))


def _calculate_commune_year(engine: Engine, year: int, commune: str) -> CommuneYear:
    profile, status, activity, results, pilots = _current_year(engine, year, commune)
    year_results = results[results["year"].to_numpy() == year]
    year_activity = activity[activity["year"].to_numpy() == year]
    return CommuneYear(commune, year, status, profile, year_activity, year_results,
                       mrv.run_checks(activity, results, pilots, year, profile), mrv.occurrence(year_activity),
                       mrv.pilot_reductions(year_results, year_activity, pilots))
