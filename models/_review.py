"""Verification of a commune-year: QA/QC findings, and review open → submitted → verified →
locked, with who and when.

The verifier must be someone other than whoever recorded or imported the year's records.
A locked year refuses any change to its records; a correction needs an explicit reopen
with a reason. Every step is written to the audit trail."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

import mrv
from mrv.models._inputs import pilot_plots
from mrv.models._runs import official_run, records_frames

from mrv.models._tables import ActivityRecord, AuditEntry, Commune, ImportBatch, Plot, ReviewStatus, User

#: action → (statuses it may start from, status it leads to)
STEPS = {
    "submit": (("open",), "submitted"),
    "verify": (("submitted",), "verified"),
    "lock": (("verified",), "locked"),
    "reopen": (("submitted", "verified", "locked"), "open"),
}


class ReviewError(ValueError):
    """A review step that is not allowed; the message says why and what to do."""


def status_of(session: Session, commune: str, year: int) -> str:
    row = session.execute(select(ReviewStatus.status).join(Commune, Commune.id == ReviewStatus.commune_id)
                          .where(Commune.code == commune, ReviewStatus.year == year)).scalar()
    return row or "open"


def locked(session: Session, year: int) -> set[str]:
    """The communes whose `year` is locked."""
    return set(session.execute(select(Commune.code).join(ReviewStatus, ReviewStatus.commune_id == Commune.id)
                               .where(ReviewStatus.year == year, ReviewStatus.status == "locked")).scalars())


def _recorders(session: Session, commune: str, year: int) -> set[str]:
    query = (select(ActivityRecord.recorded_by, ImportBatch.imported_by)
             .join(Plot, Plot.id == ActivityRecord.plot_id).join(Commune, Commune.id == Plot.commune_id)
             .join(ImportBatch, ImportBatch.id == ActivityRecord.import_id, isouter=True)
             .where(Commune.code == commune, ActivityRecord.year == year))
    return {name for row in session.execute(query).all() for name in row if name}


def review(engine: Engine, commune: str, year: int, action: str, by: str, reason: str | None = None) -> str:
    """Move a commune-year one step; return its new status. Raises `ReviewError`."""
    if action not in STEPS:
        raise ReviewError(f"unknown step {action!r}: use one of {', '.join(STEPS)}")
    if not by:
        raise ReviewError("say who takes the step (--by NAME)")
    with Session(engine) as session:
        commune_row = session.execute(select(Commune).where(Commune.code == commune)).scalars().first()
        if commune_row is None:
            raise ReviewError(f"{commune!r} is not a commune code of the province")
        current = status_of(session, commune, year)
        allowed, new = STEPS[action]
        if current not in allowed:
            raise ReviewError(f"{commune} {year} is {current}: '{action}' needs it to be {' or '.join(allowed)}")
        if action == "verify" and by in _recorders(session, commune, year):
            raise ReviewError(f"{by} recorded or imported data of {commune} {year}: another person must verify it")
        if action == "reopen" and not (reason and reason.strip()):
            raise ReviewError("a reopen needs its reason (--reason \"…\")")
        user = session.execute(select(User).where(User.name == by)).scalars().first()
        if user is None:
            user = User(name=by, role="reviewer")
            session.add(user)
            session.flush()
        row = session.execute(select(ReviewStatus).where(ReviewStatus.commune_id == commune_row.id,
                                                         ReviewStatus.year == year)).scalars().first()
        if row is None:
            row = ReviewStatus(commune_id=commune_row.id, year=year)
            session.add(row)
        row.status, row.changed_by = new, user.id
        session.add(AuditEntry(actor=by, action=action, commune_code=commune, year=year, before={"status": current},
                               after={"status": new}, reason=reason))
        session.commit()
        return new


def audit_trail(engine: Engine, year: int, commune: str | None = None) -> list[AuditEntry]:
    """The year's audit entries, oldest first."""
    with Session(engine) as session:
        query = select(AuditEntry).where(AuditEntry.year == year).order_by(AuditEntry.at)
        if commune is not None:
            query = query.where(AuditEntry.commune_code == commune)
        entries = session.execute(query).scalars().all()
        for entry in entries:
            session.expunge(entry)
        return entries


def check_year(engine: Engine, year: int, commune: str | None = None) -> pd.DataFrame:
    """The QA/QC findings of a year's current records (and pilot plots), errors first."""
    run = official_run(engine, year)
    profile = run.factor_profile if run is not None else "ipcc2019"
    with Session(engine) as session:
        plots, records = records_frames(session, year, commune)
        pilots = pilot_plots(session, year)
    if commune is not None:
        pilots = pilots[pilots["commune_code"] == commune]
    activity = mrv.normalize(plots, records)
    results = mrv.calculate_activity(activity, profile)
    return mrv.run_checks(activity, results, pilots, year, profile)
