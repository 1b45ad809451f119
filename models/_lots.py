"""Harvest lots (plan task VI.2): a cooperative's or zone's product of one crop in a year,
delivered by plots, each with its kilograms of the crop's intensity product.

A lot imported again as it was stores nothing; a lot whose cooperative, year, crop, plots
or masses differ becomes a new version (`HarvestLot.version`), the old one kept, and the
change is in the audit trail with what it was and what it became. A lot is what a
cooperative sold, not a figure of a commune-year: the lock of a commune-year keeps the
records and plots behind a lot as they were, and a certificate issued on a lot names the
version it was issued on, so `mrv label verify` shows a later change of the lot.
"""

from __future__ import annotations

import uuid

import pandas as pd
from sqlalchemy import insert, select, update
from sqlmodel import Session

from mrv.models._db import bulk_insert
from mrv.models._locks import plain
from mrv.models._tables import AuditEntry, Commune, Cooperative, HarvestLot, ImportBatch, LotPart, Plot
from mrv.models._versions import chunked, plot_keys

#: Columns of `lot_parts`: the lot version's key and fields, then one row per plot.
LOT_PART_COLUMNS = ["lot_key", "lot_id", "version", "cooperative_id", "year", "crop", "plot_id", "mass_kg"]


def lot_parts(session: Session, codes=None, *, lot_key: uuid.UUID | None = None) -> pd.DataFrame:
    """The current version of the lots of `codes` (every lot when None), or the version
    `lot_key`, one row per plot (`LOT_PART_COLUMNS`)."""
    query = (select(HarvestLot.id, HarvestLot.code, HarvestLot.version, Cooperative.code, HarvestLot.year,
                    HarvestLot.crop_id, Plot.code, LotPart.mass_kg)
             .join(Cooperative, Cooperative.id == HarvestLot.cooperative_id)
             .join(LotPart, LotPart.lot_id == HarvestLot.id).join(Plot, Plot.id == LotPart.plot_id)
             .order_by(HarvestLot.code, Plot.code))
    if lot_key is not None:
        rows = session.execute(query.where(HarvestLot.id == lot_key)).all()
    else:
        query = query.where(HarvestLot.is_current.is_(True))
        rows = (session.execute(query).all() if codes is None else
                [row for part in chunked(list(codes)) for row in session.execute(query.where(HarvestLot.code.in_(part)))])
    return pd.DataFrame(list(map(tuple, rows)), columns=LOT_PART_COLUMNS)


def lot_content(parts: pd.DataFrame) -> dict:
    """One lot's parts as a canonical dict: its cooperative, year, crop and each plot's kg
    (sorted), the same for a stored lot and a parsed one."""
    first = parts.iloc[0]
    return {"cooperative": str(first["cooperative_id"]), "year": int(first["year"]), "crop": str(first["crop"]),
            "parts": sorted([str(plot), plain(mass)] for plot, mass in zip(parts["plot_id"], parts["mass_kg"]))}


def write_lots(session: Session, lots: pd.DataFrame, cooperatives: dict[str, uuid.UUID], batch: ImportBatch) -> None:
    """Store each lot of `lots` (parsed by the import) that is new or changed as a version."""
    stored = lot_parts(session, lots["lot_id"].unique())
    plots = plot_keys(session, lots["plot_id"].unique())
    communes = dict(session.execute(select(Cooperative.code, Commune.code)
                                    .join(Commune, Commune.id == Cooperative.commune_id)).all())
    versions, parts, audit = [], [], []
    for code, group in lots.groupby("lot_id", sort=False):
        after, before_parts = lot_content(group), stored[stored["lot_id"] == code]
        before = lot_content(before_parts) if len(before_parts) else None
        if before == after:
            continue
        version = 1 if before is None else int(before_parts["version"].iat[0]) + 1
        if before is not None:
            session.execute(update(HarvestLot).where(HarvestLot.id == before_parts["lot_key"].iat[0])
                            .values(is_current=False))
        key = uuid.uuid4()
        versions.append({"id": key, "code": code, "version": version, "is_current": True,
                         "cooperative_id": cooperatives[after["cooperative"]], "year": after["year"],
                         "crop_id": after["crop"], "recorded_by": batch.imported_by, "recorded_at": batch.imported_at,
                         "import_id": batch.id})
        parts += [{"id": uuid.uuid4(), "lot_id": key, "plot_id": plots[plot], "mass_kg": float(mass)}
                  for plot, mass in zip(group["plot_id"], group["mass_kg"])]
        audit.append({"id": uuid.uuid4(), "at": batch.imported_at, "actor": batch.imported_by,
                      "action": "lot added" if before is None else "lot changed",
                      "commune_code": communes.get(after["cooperative"]), "year": after["year"], "record_key": code,
                      "before": before, "after": {**after, "version": version}, "evidence": None,
                      "reason": batch.file_name})
    if versions:
        session.execute(insert(HarvestLot), versions)
        session.execute(insert(LotPart), parts)
        bulk_insert(session.connection(), AuditEntry, {name: [entry[name] for entry in audit] for name in audit[0]})
