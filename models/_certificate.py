"""Low-emission label certificates of harvest lots (plan tasks VI.1, VI.2).

A certificate is issued on one version of a lot (`mrv.models._lots`) whose every plot
passes the label (`label_evaluation`), on a year's official run, with the lot's footprint
(`mrv.lot_footprints`). It keeps what it states (`claims`) and a SHA-256 hash of each
piece of data behind it: the lot version, and for each of its plots the plot's version
valid in the year and the record keys and content hashes of its current records of the
year. Its QR code carries its code and the hash of those hashes (`qr_text`);
`verify_certificate` computes them again from the database and names what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlmodel import Session

import mrv
from mrv import msg
from mrv.models._label import label_evaluation
from mrv.models._locks import plain
from mrv.models._lots import lot_content, lot_parts
from mrv.models._province import province_year
from mrv.models._runs import official_run
from mrv.models._scope import LOCAL, Scope, scope_of
from mrv.models._tables import ActivityRecord, AuditEntry, Certificate, Commune, Cooperative, HarvestLot, Plot
from mrv.models._users import find_user
from mrv.models._versions import PLOT_FIELDS, chunked, in_year, plot_versions

#: The text of a certificate's QR code: its code and the hash of the data behind it; with
#: the server's public address (`MRV_PUBLIC_URL`), the address of its public page instead.
QR_TEXT = "mrv-certificate:{code}?sha256={data_hash}"
QR_PAGE = "{base}/chung-nhan/{code}?sha256={data_hash}"
_SCANNED = re.compile(r"^(?:mrv-certificate:|https?://\S*/chung-nhan/)(?P<code>[^?/\s]+)"
                      r"\?sha256=(?P<data_hash>[0-9a-f]{64})$")


class CertificateRefused(ValueError):
    """A lot that cannot be certified, with every reason (`reasons`)."""

    def __init__(self, lot: str, reasons: list[str]):
        super().__init__(msg("lot {lot} cannot be certified: {reasons}", lot=lot, reasons="; ".join(reasons)))
        self.reasons = reasons


@dataclass(frozen=True)
class Verification:
    """A certificate checked against the database: `changed` names each piece of data that
    differs from what it was issued on ('run' when the year's official run is no longer the
    one it was issued on; empty: unchanged); `scanned_matches` is False when
    the hash read from its QR code is not the one issued (a copied or altered certificate)."""

    code: str
    claims: dict
    issued_at: datetime
    issued_by: str | None
    data_hash: str
    changed: list[str] = field(default_factory=list)
    scanned_matches: bool | None = None

    @property
    def unchanged(self) -> bool:
        return not self.changed and self.scanned_matches is not False


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _evidence(session: Session, parts: pd.DataFrame) -> dict[str, str]:
    """The hash of each piece of data behind a lot version (`lot_parts` rows): 'lot', and
    per plot 'plot:<code>' (its version valid in the lot's year) and 'records:<code>' (its
    current records of the year: key and content hash)."""
    year, codes = int(parts["year"].iat[0]), sorted(parts["plot_id"].unique())
    versions = in_year(plot_versions(session, codes=codes), "plot_id", year).set_index("plot_id")
    query = (select(Plot.code, ActivityRecord.record_key, ActivityRecord.content_hash)
             .join(Plot, Plot.id == ActivityRecord.plot_id)
             .where(ActivityRecord.is_current.is_(True), ActivityRecord.year == year))
    records: dict[str, list] = {code: [] for code in codes}
    for part in chunked(codes):
        for plot, key, content in session.execute(query.where(Plot.code.in_(part))):
            records[plot].append([key, content])
    pieces = {"lot": _digest(lot_content(parts))}
    for code in codes:
        fields = versions.loc[code, list(PLOT_FIELDS)] if code in versions.index else None
        pieces[f"plot:{code}"] = _digest(None if fields is None else [plain(value) for value in fields])
        pieces[f"records:{code}"] = _digest(sorted(records[code]))
    return pieces


def lot_footprint(engine: Engine, lot: str, criteria: str | Path | None = None, *,
                  scope: Scope) -> tuple[pd.DataFrame, dict]:
    """The current version of `lot` on its year's official run: each plot's part
    (`mrv.lot_footprints`) with its commune and its label `verdict` on the lot's crop
    (pass, fail, no data, not eligible), and the lot (`mass_kg`, `emissions_kg`,
    `footprint` in kg CO2e/kg, the run, the criteria set). Raises LookupError for an
    unknown lot or a year without an official run."""
    scope.require_role("results")
    with Session(engine) as session:
        every = lot_parts(session)  # what each plot delivered counts every lot of its year
        parts = every[every["lot_id"] == lot]
        if parts.empty:
            raise LookupError(msg("no harvest lot {lot}: import it first (a lots sheet)", lot=lot))
        cooperative = session.execute(select(Cooperative.name, Cooperative.kind).where(
            Cooperative.code == parts["cooperative_id"].iat[0])).one()
    year, crop = int(parts["year"].iat[0]), str(parts["crop"].iat[0])
    run, province = province_year(engine, year)
    results, activity = province.results, province.activity
    intensities = mrv.crop_intensities(results[results["year"].to_numpy() == year],
                                       activity[activity["year"].to_numpy() == year].reset_index(drop=True))
    totals, detail = mrv.lot_footprints(every[every["year"] == year], intensities)
    totals, detail = totals[totals["lot_id"] == lot], detail[detail["lot_id"] == lot]
    evaluation = label_evaluation(engine, year, criteria, scope=scope)
    verdicts = evaluation[(evaluation["level"] == "plot") & (evaluation["criterion"] == "all")]
    verdicts = verdicts[verdicts["crop"].isna() | (verdicts["crop"] == crop)].set_index("group_id")["result"]
    communes = activity.drop_duplicates("plot_id").set_index("plot_id")["commune_code"]
    detail = detail.assign(verdict=detail["plot_id"].map(verdicts).fillna("no data"),
                           commune_code=detail["plot_id"].map(communes))
    lot_row = totals.iloc[0]
    summary = {"lot": lot, "version": int(parts["version"].iat[0]), "lot_key": parts["lot_key"].iat[0],
               "cooperative": str(parts["cooperative_id"].iat[0]), "cooperative_name": cooperative[0],
               "cooperative_kind": cooperative[1], "year": year, "crop": crop,
               "product": str(mrv.catalogue("crops")["intensity_product"][crop]), "mass_kg": float(lot_row["mass_kg"]),
               "emissions_kg": float(lot_row["emissions_kg"]), "footprint": float(lot_row["footprint"]),
               "run": run, "criteria": {key: evaluation.attrs[key] for key in ("title_vi", "title_en", "status")}}
    return detail, summary


def _refusals(session: Session, detail: pd.DataFrame, lot: dict) -> list[str]:
    """Why the lot cannot be certified: a plot that does not pass the label, a plot that
    delivered more than it harvested, an unknown footprint, records newer than the run."""
    said = {"fail": msg("plot {plot} does not pass the label's criteria (see mrv label evaluate)"),
            "no data": msg("plot {plot} lacks the data of a criterion (a harvest, a rice season…)"),
            "not eligible": msg("plot {plot}: its commune's year {year} is not verified or locked yet")}
    reasons = [said[row.verdict].fill(plot=row.plot_id, year=lot["year"])
               for row in detail.itertuples() if row.verdict != "pass"]
    reasons += [msg("plot {plot} delivered {delivered:g} kg into lots of {year}, more than its recorded harvest of "
                    "{harvest:g} kg", plot=row.plot_id, delivered=row.delivered_kg, year=lot["year"],
                    harvest=row.harvest_kg) for row in detail.itertuples() if row.exceeds_harvest]
    if np.isnan(lot["footprint"]):
        reasons.append(msg("the footprint is not known: a plot has no harvest or no results of the crop"))
    newest = session.execute(select(func.max(ActivityRecord.recorded_at)).join(Plot, Plot.id == ActivityRecord.plot_id)
                             .where(ActivityRecord.year == lot["year"],
                                    Plot.code.in_(sorted(detail["plot_id"].unique())))).scalar()
    if newest is not None and newest > lot["run"].created_at:
        reasons.append(msg("records of the lot's plots changed after the official run of {year}: make a new official "
                           "run first (mrv calc --year {year} --official)", year=lot["year"]))
    return reasons


def issue_certificate(engine: Engine, lot: str, criteria: str | Path | None = None, *, by: str | None = None) -> str:
    """Certify the current version of `lot` and return the certificate's code
    (`CN-<year>-<n>`). `by` is a registered user who may issue certificates (the
    province officer; None: the command line on the database itself). Raises
    `CertificateRefused` with every reason it cannot be, `UserError` for an unknown user and
    `ScopeError` for one who may not."""
    scope = LOCAL
    if by is not None:
        with Session(engine) as session:
            user = find_user(session, by)
            scope, by = scope_of(session, user), user.name
    scope.require_role("certify")
    detail, summary = lot_footprint(engine, lot, criteria, scope=scope)
    year, run = summary["year"], summary["run"]
    with Session(engine) as session:
        reasons = _refusals(session, detail, summary)
        if reasons:
            raise CertificateRefused(lot, reasons)
        parts = lot_parts(session, lot_key=summary["lot_key"])
        evidence = _evidence(session, parts)
        issued = session.execute(select(func.count()).select_from(Certificate)
                                 .join(HarvestLot, HarvestLot.id == Certificate.lot_id)
                                 .where(HarvestLot.year == year)).scalar()
        code = f"CN-{year}-{issued + 1:04d}"
        claims = {key: summary[key] for key in ("lot", "version", "cooperative", "cooperative_name", "cooperative_kind",
                                                "year", "crop", "product", "mass_kg", "emissions_kg", "footprint",
                                                "criteria")}
        claims.update(run=str(run.id), factor_profile=run.factor_profile, plots=[
            {"plot": row.plot_id, "commune": row.commune_code, "mass_kg": float(row.mass_kg),
             "share": float(row.share), "intensity": float(row.intensity), "verdict": row.verdict}
            for row in detail.itertuples()])
        data_hash = _digest(evidence)
        session.add(Certificate(code=code, lot_id=summary["lot_key"], run_id=run.id, claims=claims, evidence=evidence,
                                data_hash=data_hash, issued_by=by))
        commune = session.execute(select(Commune.code).join(Cooperative, Cooperative.commune_id == Commune.id)
                                  .where(Cooperative.code == summary["cooperative"])).scalar()
        session.add(AuditEntry(actor=by, action="certificate issued", commune_code=commune, year=year,
                               record_key=code, after={"lot": lot, "version": summary["version"],
                                                       "data_hash": data_hash}))
        session.commit()
    return code


def _stored(session: Session, code: str) -> Certificate:
    found = session.execute(select(Certificate).where(Certificate.code == code)).scalar_one_or_none()
    if found is None:
        raise LookupError(msg("no certificate {code} in this database", code=code))
    return found


def qr_text(code: str, data_hash: str) -> str:
    """What a certificate's QR code carries: its public page's address when the server's
    public address is known (`MRV_PUBLIC_URL`), else `QR_TEXT`."""
    base = os.environ.get("MRV_PUBLIC_URL", "").strip().rstrip("/")
    return QR_PAGE.format(base=base, code=code, data_hash=data_hash) if base else QR_TEXT.format(
        code=code, data_hash=data_hash)


def verify_certificate(engine: Engine, given: str, scanned_hash: str | None = None) -> Verification:
    """The certificate of `given` (its code, or the text of its QR code) against the data
    behind it now; `scanned_hash` is a hash read apart from the code (the public page's
    address). Raises LookupError for an unknown certificate."""
    scanned = _SCANNED.match(given.strip())
    code = scanned["code"] if scanned else given.strip()
    scanned_hash = scanned["data_hash"] if scanned else scanned_hash
    with Session(engine) as session:
        certificate = _stored(session, code)
        lot = session.get(HarvestLot, certificate.lot_id)
        parts = lot_parts(session, [lot.code])
        now = _evidence(session, parts) if len(parts) else {}
        issued = certificate.evidence
        changed = sorted(piece for piece in issued.keys() | now.keys() if issued.get(piece) != now.get(piece))
        run = official_run(engine, int(certificate.claims["year"]))
        if run is None or run.id != certificate.run_id:  # recalculated: the footprint stated may differ
            changed.append("run")
        return Verification(code=code, claims=certificate.claims, issued_at=certificate.issued_at,
                            issued_by=certificate.issued_by, data_hash=certificate.data_hash, changed=changed,
                            scanned_matches=None if scanned_hash is None else scanned_hash == certificate.data_hash)


def certificate_report(engine: Engine, code: str, lang: str = "vi") -> mrv.Report:
    """The certificate as the official form states it (its stored claims, not a new
    calculation), with its QR code: the lot, the footprint, the plots and their verdicts."""
    with Session(engine) as session:
        certificate = _stored(session, code)
        claims, data_hash, issued = certificate.claims, certificate.data_hash, certificate.issued_at
    label = mrv.report_label
    crops, products = mrv.catalogue("crops")[f"name_{lang}"], mrv.catalogue("products")[f"name_{lang}"]
    criteria = claims["criteria"]
    lead = [label("certificate_lead", lang).format(
        lot=claims["lot"], cooperative=claims["cooperative_name"], year=claims["year"],
        mass=mrv.report_number(claims["mass_kg"], lang, "certificate_mass_kg"), product=products[claims["product"]],
        footprint=mrv.report_number(claims["footprint"], lang, "certificate_footprint"),
        criteria=criteria[f"title_{lang}"])]
    if criteria["status"] != "issued":
        lead.append(label("label_not_issued", lang))
    lead.append(label("certificate_check", lang).format(code=code))
    plots = pd.DataFrame(claims["plots"])
    verdicts = {value: label(f"label_{value.replace(' ', '_')}", lang) for value in plots["verdict"].unique()}
    return mrv.Report(
        year=claims["year"], lang=lang, kind="certificate_kind", title="certificate_title", stem=f"chung-nhan-{code}", subject=code,
        lead=lead, qr=qr_text(code, data_hash),
        meta={label("certificate_code", lang): code, label("certificate_hash", lang): data_hash,
              label("certificate_issued", lang): issued.strftime("%Y-%m-%d %H:%M UTC"),
              label("run", lang): claims["run"], label("factors", lang): claims["factor_profile"],
              label("label_criteria_set", lang): f"{criteria[f'title_{lang}']} ({criteria['status']})"},
        sections={
            "certificate_lot": pd.DataFrame([{
                "certificate_lot_id": f"{claims['lot']} (v{claims['version']})",
                "label_cooperative": f"{claims['cooperative']} {claims['cooperative_name']}",
                "crop": crops[claims["crop"]], "certificate_product": products[claims["product"]],
                "certificate_mass_kg": claims["mass_kg"], "certificate_emissions_kg": claims["emissions_kg"],
                "certificate_footprint": claims["footprint"]}]),
            "certificate_plots": plots.assign(verdict=plots["verdict"].map(verdicts)).rename(columns={
                "plot": "certificate_plot", "commune": "commune_code", "mass_kg": "certificate_mass_kg", "share": "certificate_share",
                "intensity": "certificate_footprint", "verdict": "label_result"}),
        })
