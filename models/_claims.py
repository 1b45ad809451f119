"""The claims register (plan task VI.4): each reduction claimed by a label, a carbon credit
or a result-based payment is recorded once, with its claimant and the tonnes of CO2e it
takes of each pilot plot-year's reduction (`mrv.pilot_reductions` of the year's official
run), so that the same tonne is never claimed twice.

A claim is a table of the import (`claims`, the province officer's): a row per plot-year,
its tonnes blank for all that is still unclaimed. A claim is registered once: imported
again as it was it stores nothing, and a claim id already registered with other content is
refused, as is a row on a plot-year that is not a verified or locked pilot plot-year with
a reduction, and tonnes above what is still unclaimed (by the claims stored and the rows
before it in the file).
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from mrv import RawTable, msg
from mrv.models._db import bulk_insert
from mrv.models._label import ELIGIBLE
from mrv.models._locks import plain, review_statuses
from mrv.models._province import province_year
from mrv.models._scope import Scope
from mrv.models._tables import AuditEntry, Claim, ClaimPart, ImportBatch, Plot
from mrv.models._versions import plot_keys

#: The kinds of claim as the import reads them (`text_key` of the cell).
KINDS = {"label": "label", "nhan": "label", "nhan_phat_thai_thap": "label",
         "carbon_credit": "carbon_credit", "tin_chi": "carbon_credit", "tin_chi_carbon": "carbon_credit",
         "tin_chi_cac_bon": "carbon_credit", "result_payment": "result_payment",
         "thanh_toan_theo_ket_qua": "result_payment", "chi_tra_theo_ket_qua": "result_payment"}
#: Columns of `stored_claims`.
CLAIM_COLUMNS = ["claim_id", "kind", "claimant", "plot_id", "year", "tonnes"]


def stored_claims(session: Session, years=None) -> pd.DataFrame:
    """Every claim's tonnes per plot-year (of `years`, or all), `CLAIM_COLUMNS`."""
    query = (select(Claim.code, Claim.kind, Claim.claimant, Plot.code, ClaimPart.year, ClaimPart.tonnes)
             .join(ClaimPart, ClaimPart.claim_id == Claim.id).join(Plot, Plot.id == ClaimPart.plot_id)
             .order_by(Claim.code, Plot.code, ClaimPart.year))
    if years is not None:
        query = query.where(ClaimPart.year.in_(sorted(years)))
    return pd.DataFrame(list(map(tuple, session.execute(query).all())), columns=CLAIM_COLUMNS).astype(
        {"year": "int64", "tonnes": "float64"})  # typed even without any claim


def claimable(engine: Engine, year: int) -> pd.DataFrame:
    """Each pilot plot-year's reduction of the year's official run (`reduction_t`, t CO2e),
    with its commune, what the claims take of it (`claimed_t`) and what is left (`free_t`:
    the reduction above zero less the claims). Raises LookupError without an official run."""
    _, province = province_year(engine, year)
    reductions = province.reductions()
    reductions = reductions[reductions["year"].to_numpy() == year][["plot_id", "year", "reduction_t"]]
    pilots = province.pilots.assign(plot_id=province.pilots["plot_id"].astype(str)).drop_duplicates("plot_id")
    communes = pilots.set_index("plot_id")["commune_code"]
    with Session(engine) as session:
        claimed = stored_claims(session, [year]).groupby("plot_id")["tonnes"].sum()
    found = reductions.assign(plot_id=reductions["plot_id"].astype(str), year=reductions["year"].astype("int64"))
    found = found.assign(commune_code=found["plot_id"].map(communes),
                         claimed_t=found["plot_id"].map(claimed).astype("float64").fillna(0.0))
    return found.assign(free_t=np.maximum(found["reduction_t"].fillna(0.0), 0.0) - found["claimed_t"]).reset_index(
        drop=True)


def claims_register(engine: Engine, year: int, *, scope: Scope) -> pd.DataFrame:
    """`claimable` for a scope that may read official results: what a programme or a buyer
    asks before a claim (how much of each pilot plot-year's reduction is still free)."""
    scope.require_role("results")
    return claimable(engine, year)


def _content(rows: pd.DataFrame) -> tuple:
    """A claim's kind, claimant and tonnes per plot-year, one spelling for stored and read."""
    first = rows.iloc[0]
    return (first["kind"], first["claimant"],
            sorted((str(p), int(y), plain(t)) for p, y, t in zip(rows["plot_id"], rows["year"], rows["tonnes"])))


def check_claims(engine: Engine, session: Session, claims: pd.DataFrame, table: RawTable) -> pd.DataFrame:
    """The claims of the file (parsed by the import) that are new, their blank tonnes
    filled with what is unclaimed; every refused row is reported on `table`."""
    years = sorted({int(y) for y in claims["year"].dropna()})
    stored = stored_claims(session)
    known = {code: _content(rows) for code, rows in stored.groupby("claim_id")}
    new = np.ones(len(claims), dtype=bool)
    for code, rows in claims.groupby("claim_id", sort=False):
        if code not in known:
            continue
        held = stored[stored["claim_id"] == code].set_index(["plot_id", "year"])["tonnes"]
        blank = [held.get((plot, int(year))) if year == year else None for plot, year in zip(rows["plot_id"], rows["year"])]
        new[rows.index] = False  # a blank is all that was unclaimed: what the claim took then
        if _content(rows.assign(tonnes=rows["tonnes"].where(rows["tonnes"].notna(), blank))) != known[code]:
            table.report(np.isin(np.arange(len(claims)), rows.index[:1]), "claim_id",
                         msg("a new claim id: claim {claim} is registered already, and a claim is never changed",
                             claim=code), msg("give the claim an id of its own"))
    statuses = review_statuses(session, years)
    free: dict[tuple[str, int], float] = {}
    found = {}
    for year in years:
        try:
            found[year] = claimable(engine, year).set_index("plot_id")
        except LookupError:
            rows = (claims["year"] == year).to_numpy() & new
            table.report(rows, "year", msg("a year with an official run"),
                         msg("make the year's official run first (mrv calc --year {year} --official)", year=year))
    tonnes = claims["tonnes"].to_numpy(dtype="float64").copy()
    for position, row in enumerate(claims.itertuples()):
        if not new[position] or row.year != row.year or int(row.year) not in found:
            continue
        year, plots = int(row.year), found[int(row.year)]
        if row.plot_id not in plots.index or not plots.at[row.plot_id, "reduction_t"] > 0:
            table.report(np.arange(len(claims)) == position, "plot_id",
                         msg("a pilot plot with a reduction in {year}", year=year),
                         msg("claim the reductions of pilot plots only (the annual report lists them)"))
            continue
        commune = plots.at[row.plot_id, "commune_code"]
        if statuses.get((commune, year)) not in ELIGIBLE:
            table.report(np.arange(len(claims)) == position, "plot_id",
                         msg("a plot of a verified or locked commune-year ({commune} {year} is not)",
                             commune=commune, year=year), msg("verify the commune's year first (mrv review)"))
            continue
        left = free.setdefault((row.plot_id, year), float(plots.at[row.plot_id, "free_t"]))
        wanted = left if np.isnan(tonnes[position]) else tonnes[position]
        if wanted > left * (1 + 1e-9) or left <= 0:
            table.report(np.arange(len(claims)) == position, "tonnes",
                         msg("at most the {free:.3f} t CO2e of {plot} {year} not claimed yet ({claimed:.3f} of its "
                             "{reduction:.3f} t are claimed)", free=max(left, 0.0), plot=row.plot_id, year=year,
                             claimed=float(plots.at[row.plot_id, "reduction_t"]) - max(left, 0.0),
                             reduction=float(plots.at[row.plot_id, "reduction_t"])),
                         msg("the same tonne is never claimed twice: claim what is left, or none"))
            continue
        tonnes[position] = wanted
        free[(row.plot_id, year)] = left - wanted
    return claims.assign(tonnes=tonnes)[new]


def write_claims(session: Session, claims: pd.DataFrame, batch: ImportBatch) -> None:
    """Store each new claim with its parts, and say so in the audit trail."""
    if claims.empty:
        return
    plots = plot_keys(session, claims["plot_id"].unique())
    heads, parts, audit = [], [], []
    for code, rows in claims.groupby("claim_id", sort=False):
        key, first = uuid.uuid4(), rows.iloc[0]
        heads.append({"id": key, "code": code, "kind": first["kind"], "claimant": first["claimant"],
                      "registered_by": batch.imported_by, "registered_at": batch.imported_at, "import_id": batch.id})
        parts += [{"id": uuid.uuid4(), "claim_id": key, "plot_id": plots[plot], "year": int(year), "tonnes": float(t)}
                  for plot, year, t in zip(rows["plot_id"], rows["year"], rows["tonnes"])]
        audit.append({"id": uuid.uuid4(), "at": batch.imported_at, "actor": batch.imported_by,
                      "action": "claim registered", "commune_code": None, "year": int(first["year"]),
                      "record_key": code, "before": None,
                      "after": {"kind": first["kind"], "claimant": first["claimant"],
                                "tonnes": float(rows["tonnes"].sum()), "plots": len(rows)},
                      "evidence": None, "reason": batch.file_name})
    session.execute(insert(Claim), heads)
    session.execute(insert(ClaimPart), parts)
    bulk_insert(session.connection(), AuditEntry, {name: [entry[name] for entry in audit] for name in audit[0]})
