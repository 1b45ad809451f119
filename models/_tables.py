"""The database tables (SQLModel). UUID keys so that offline clients can sync later;
crops, products and units are lookup tables seeded from `mrv.factors`; results are
stored per calculation run, with factor provenance in a lookup table."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from mrv import msg


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _key() -> uuid.UUID:
    return uuid.uuid4()


# lookup tables -----------------------------------------------------------------------

class Crop(SQLModel, table=True):
    """A crop of `factors/catalogue/crops.csv`."""

    id: str = Field(primary_key=True)
    name_vi: str
    name_en: str
    lifecycle: str


class Product(SQLModel, table=True):
    """A product of `factors/catalogue/products.csv` (fertiliser, lime, fuel, harvest form)."""

    id: str = Field(primary_key=True)
    kind: str
    name_vi: str
    name_en: str


class Unit(SQLModel, table=True):
    """A unit people type ("tạ", "sào nam") and the unit it means (`mrv/unit_aliases.csv`)."""

    alias: str = Field(primary_key=True)
    unit: str


# places and people ---------------------------------------------------------------------

class Province(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    name: str


class Commune(SQLModel, table=True):
    """A commune-level unit (xã or phường) with the settings the engine needs."""

    __table_args__ = (UniqueConstraint("code", "valid_from"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    province_id: uuid.UUID = Field(foreign_key="province.id")
    code: str = Field(index=True)
    name: str
    kind: str  # xã or phường
    valid_from: date
    valid_to: date | None = None
    climate: str = "wet"
    sao_variant: str | None = None
    rice_region: str = "centre"


class Cooperative(SQLModel, table=True):
    """A cooperative (HTX) or production zone (vùng sản xuất)."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    name: str
    kind: str  # cooperative or zone
    commune_id: uuid.UUID | None = Field(default=None, foreign_key="commune.id")


class Farm(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    name: str | None = None
    kind: str = "household"  # household, cooperative member, enterprise
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    cooperative_id: uuid.UUID | None = Field(default=None, foreign_key="cooperative.id")


class CommuneSetting(SQLModel, table=True):
    """One version of a commune's settings, valid from a year (`valid_from` empty: every
    year, a correction). A run reads the version valid in its year; `Commune` holds the
    latest one."""

    __table_args__ = (UniqueConstraint("commune_id", "version"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    commune_id: uuid.UUID = Field(foreign_key="commune.id", index=True)
    version: int = 1
    valid_from: int | None = None
    climate: str = "wet"
    sao_variant: str | None = None
    rice_region: str = "centre"
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=_now)
    import_id: uuid.UUID | None = Field(default=None, foreign_key="importbatch.id")


class User(SQLModel, table=True):
    """A registered person: `--by` must name one. `name_key` is the name folded for
    comparison (case, diacritics and Unicode form), so "An" and "an" are one person."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    name: str = Field(index=True, unique=True)
    name_key: str | None = Field(default=None, index=True, unique=True)
    role: str  # recorder, verifier, province_officer, inventory, admin
    commune_id: uuid.UUID | None = Field(default=None, foreign_key="commune.id")
    created_at: datetime = Field(default_factory=_now)
    password_hash: str | None = None  # Argon2id (`mrv.models._accounts`); no password, no login


class Assignment(SQLModel, table=True):
    """A commune a verifier verifies (a verifier reads and verifies only these)."""

    __table_args__ = (UniqueConstraint("user_id", "commune_id"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    commune_id: uuid.UUID = Field(foreign_key="commune.id")


class AccessToken(SQLModel, table=True):
    """A bearer token or a browser session of a user: only its SHA-256 is stored; it ends
    at `expires_at` or when revoked."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    token_hash: str = Field(index=True, unique=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    kind: str  # bearer or session
    csrf_token: str | None = None  # a session's token for its state-changing requests
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime
    revoked_at: datetime | None = None


class IdempotentRequest(SQLModel, table=True):
    """A state-changing request sent with an `Idempotency-Key`: the same key again from the
    same user is answered with the stored response instead of being applied twice."""

    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id")
    key: str
    request_hash: str
    status_code: int | None = None  # None while the request is being applied
    body: dict | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=_now)


class ReviewStatus(SQLModel, table=True):
    """Where a commune-year stands: open, submitted, verified or locked."""

    __table_args__ = (UniqueConstraint("commune_id", "year"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    year: int
    status: str = "open"
    changed_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    changed_at: datetime = Field(default_factory=_now)


# plots and pilot models ----------------------------------------------------------------

class Plot(SQLModel, table=True):
    """A plot: its code, and the attributes of its latest version (`PlotVersion` keeps
    every version with who changed it, when, and from which year it holds)."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    farm_id: uuid.UUID | None = Field(default=None, foreign_key="farm.id")
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    crop_id: str = Field(foreign_key="crop.id")
    area_ha: float
    area_text: str  # as typed, e.g. "5 sào nam"
    planting_year: int | None = None
    irrigation: str = "none"
    climate: str = "wet"
    sao_variant: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    soil: str | None = None


class PlotVersion(SQLModel, table=True):
    """One version of a plot's attributes, valid from a year (`valid_from` empty: every
    year, a correction). A run reads the version valid in its year; `Plot` holds the
    latest one. The pilot model and role are the plot's membership in that version."""

    __table_args__ = (UniqueConstraint("plot_id", "version"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    plot_id: uuid.UUID = Field(foreign_key="plot.id", index=True)
    version: int = 1
    valid_from: int | None = None
    farm_id: uuid.UUID | None = Field(default=None, foreign_key="farm.id")
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    crop_id: str = Field(foreign_key="crop.id")
    area_ha: float
    area_text: str
    planting_year: int | None = None
    irrigation: str = "none"
    climate: str = "wet"
    sao_variant: str | None = None
    soil: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    pilot_model_id: uuid.UUID | None = Field(default=None, foreign_key="pilotmodel.id")
    role: str | None = None
    intercrop: str | None = None
    intercrop_share: float | None = None
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=_now)
    import_id: uuid.UUID | None = Field(default=None, foreign_key="importbatch.id")


class PlotCrop(SQLModel, table=True):
    """A crop grown on a plot over years: the main crop, intercrops with their share of
    the area (coffee with durian or pepper), and the crop history."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    plot_id: uuid.UUID = Field(foreign_key="plot.id", index=True)
    crop_id: str = Field(foreign_key="crop.id")
    share: float = 1.0
    from_year: int | None = None
    to_year: int | None = None


class PilotModel(SQLModel, table=True):
    """A low-emission pilot model, provincial or commune level (Appendix I, IV)."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    name: str
    level: str  # province or commune
    crop_id: str = Field(foreign_key="crop.id")
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    start_year: int
    practice_package: str | None = None


class PilotPlot(SQLModel, table=True):
    """A plot of a pilot model: a pilot plot or a control (đối chứng) plot."""

    __table_args__ = (UniqueConstraint("pilot_model_id", "plot_id"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    pilot_model_id: uuid.UUID = Field(foreign_key="pilotmodel.id")
    plot_id: uuid.UUID = Field(foreign_key="plot.id")
    role: str  # pilot or control


# activity records ----------------------------------------------------------------------

class ImportBatch(SQLModel, table=True):
    """One import of a file: what it added, changed and left as it was."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    file_name: str
    file_hash: str
    imported_at: datetime = Field(default_factory=_now)
    imported_by: str | None = None
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0


class ActivityRecord(SQLModel, table=True):
    """One version of an activity record: the text exactly as entered, the parsed and
    canonical quantity, when, the evidence, who recorded it. A changed record is a new
    version; the old one is kept with `is_current` false."""

    __table_args__ = (
        UniqueConstraint("record_key", "version"),
        Index("ix_record_current_year", "is_current", "year"),
    )
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    record_key: str  # indexed by the unique (record_key, version) constraint
    version: int = 1
    is_current: bool = True
    content_hash: str
    plot_id: uuid.UUID = Field(foreign_key="plot.id", index=True)
    year: int
    record_date: str | None = None
    season: str | None = None
    activity: str
    product_id: str | None = Field(default=None, foreign_key="product.id")
    use: str | None = None
    quantity_text: str | None = None  # as typed
    unit_text: str | None = None  # as typed
    n_content_text: str | None = None  # as typed
    dry_matter_text: str | None = None  # as typed
    quantity: float  # the typed number, parsed
    unit: str  # the unit it is in: the unit cell, or the unit written after the number
    n_content: float | None = None  # %, parsed
    dry_matter: float | None = None  # %, parsed
    days_text: str | None = None  # a rice season's cultivation days, as typed
    days: float | None = None  # parsed
    water_regime: str | None = None  # a rice season's water regime, as typed
    pre_season: str | None = None  # a rice season's pre-season water regime, as typed
    previous_practice: str | None = None  # the soil practice a soil_management record replaced, as typed
    diameter_cm: float | None = None  # a tree inventory's mean stem diameter, parsed
    height_m: float | None = None  # a tree inventory's mean height, parsed
    wood_density: float | None = None  # a tree inventory's wood density (g/cm³), parsed
    sao_variant: str | None = None  # the import's default for a bare "sào"
    canonical: dict = Field(default_factory=dict, sa_column=Column(JSON))  # amounts in canonical units
    evidence: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=_now)
    import_id: uuid.UUID | None = Field(default=None, foreign_key="importbatch.id")
    source_file: str | None = None
    source_row: int | None = None


# the provincial estimate's activity data -------------------------------------------------

class CommuneCropArea(SQLModel, table=True):
    """Area and production of a crop in a commune and year (statistics office)."""

    __table_args__ = (UniqueConstraint("commune_id", "year", "crop_id"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    year: int
    crop_id: str = Field(foreign_key="crop.id")
    area_ha: float
    production_t: float | None = None
    source: str | None = None


class PerennialAgeClass(SQLModel, table=True):
    """Area of a perennial crop in a commune and year by planting year (its age structure),
    for the provincial estimate's biomass carbon (IPCC 2006 Vol. 4 §2.3.1, Tier 1)."""

    __table_args__ = (UniqueConstraint("commune_id", "year", "crop_id", "planting_year"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    year: int
    crop_id: str = Field(foreign_key="crop.id")
    planting_year: int
    area_ha: float


class PracticeProfile(SQLModel, table=True):
    """Typical inputs per hectare of a practice ("conventional coffee", "low-emission
    coffee"), as a list of record-like rows per ha."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    name: str
    crop_id: str = Field(foreign_key="crop.id")
    low_emission: bool = False
    inputs_per_ha: list = Field(default_factory=list, sa_column=Column(JSON))


class AdoptionShare(SQLModel, table=True):
    """Share of a crop's area in a commune and year farmed with a practice profile."""

    __table_args__ = (UniqueConstraint("commune_id", "year", "profile_id"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    commune_id: uuid.UUID = Field(foreign_key="commune.id")
    year: int
    profile_id: uuid.UUID = Field(foreign_key="practiceprofile.id")
    share: float


# calculation runs ------------------------------------------------------------------------

class CalculationRun(SQLModel, table=True):
    """One calculation: its scope, factor-set version, GWP, code version and input hash.
    An official run is the one reports and exports read; a newer official run of the
    same year supersedes it, never deletes it. A run reads the records current when it
    was made (`created_at`), so later imports do not change it."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    year: int = Field(index=True)
    scope: str  # "province" or a commune code
    factor_profile: str
    factor_set_version: str
    gwp: str
    code_version: str
    input_hash: str
    created_at: datetime = Field(default_factory=_now)
    official: bool = False
    superseded_by: uuid.UUID | None = Field(default=None, foreign_key="calculationrun.id")
    records: int = 0
    result_rows: int = 0
    #: What the provincial estimate of a province-scope run is made of, frozen with it:
    #: pilots, practice profiles and their per-hectare results, commune areas, adoption
    #: shares and communes (`mrv.models.province_year` reads them back).
    estimate_inputs: dict | None = Field(default=None, sa_column=Column(JSON))


class FactorProvenance(SQLModel, table=True):
    """A distinct combination of factor ids used on result rows, stored once."""

    id: int | None = Field(default=None, primary_key=True)
    factor_ids: str = Field(index=True, unique=True)


class Result(SQLModel, table=True):
    """One result row of a run (engine columns of `mrv.schema.RESULT_COLUMNS`)."""

    __table_args__ = (Index("ix_result_run", "run_id"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: uuid.UUID = Field(foreign_key="calculationrun.id")
    plot_id: uuid.UUID = Field(foreign_key="plot.id")
    year: int
    crop: str
    commune_code: str
    source: str
    gas: str
    mass_kg: float
    co2e_kg: float
    ipcc_category: str
    input_type: str
    season: str = ""  # the rice season of a rice row, blank otherwise
    activity_amount: float
    activity_unit: str
    factor_value: float
    factor_unit: str
    tier: int
    factor_origin: str
    boundary: str
    provenance_id: int = Field(foreign_key="factorprovenance.id")


class PlanIndicator(SQLModel, table=True):
    """The plan's indicators that officers fill in (Appendix I): farmers trained,
    communication events, research tasks, production zones and cooperatives formed; a
    row is what was done in a year (`kind` actual) or the plan's target for it (target),
    and a target row may also set the low-emission area and the reduction to reach."""

    __table_args__ = (UniqueConstraint("year", "kind", name="uq_planindicator_year_kind"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    year: int = Field(index=True)
    kind: str = Field(default="actual", sa_column_kwargs={"server_default": "actual"})
    low_emission_ha: float | None = None
    reduction_t: float | None = None
    farmers_trained: int | None = None
    communication_events: int | None = None
    research_tasks: int | None = None
    zones_formed: int | None = None
    cooperatives_formed: int | None = None
    note: str | None = None


# the low-emission label: harvest lots and their certificates (plan tasks VI.1, VI.2) ------

class HarvestLot(SQLModel, table=True):
    """One version of a harvest lot: a cooperative's or zone's product of one crop in a
    year (kg of the crop's intensity product), delivered by plots (`LotPart`). A changed
    lot is a new version; the old one is kept with `is_current` false, so a certificate
    still names the version it was issued on."""

    __table_args__ = (UniqueConstraint("code", "version"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True)
    version: int = 1
    is_current: bool = True
    cooperative_id: uuid.UUID = Field(foreign_key="cooperative.id")
    year: int
    crop_id: str = Field(foreign_key="crop.id")
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=_now)
    import_id: uuid.UUID | None = Field(default=None, foreign_key="importbatch.id")


class LotPart(SQLModel, table=True):
    """The kilograms one plot delivered into a lot version."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    lot_id: uuid.UUID = Field(foreign_key="harvestlot.id", index=True)
    plot_id: uuid.UUID = Field(foreign_key="plot.id")
    mass_kg: float


class Certificate(SQLModel, table=True):
    """A low-emission label certificate of a lot version: what it states (`claims`), the
    hash of each piece of data behind it (`evidence`: the lot, each plot's version and
    records) and of them all (`data_hash`), so that a later change shows."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    lot_id: uuid.UUID = Field(foreign_key="harvestlot.id")
    run_id: uuid.UUID = Field(foreign_key="calculationrun.id")
    claims: dict = Field(default_factory=dict, sa_column=Column(JSON))
    evidence: dict = Field(default_factory=dict, sa_column=Column(JSON))
    data_hash: str
    issued_by: str | None = None
    issued_at: datetime = Field(default_factory=_now)


class Claim(SQLModel, table=True):
    """A reduction claimed once (plan task VI.4): by a label, a carbon credit or a
    result-based payment, with its claimant and the tonnes of each plot-year (`ClaimPart`).
    A claim is registered once and never changed."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    code: str = Field(index=True, unique=True)
    kind: str  # label, carbon_credit or result_payment
    claimant: str
    registered_by: str | None = None
    registered_at: datetime = Field(default_factory=_now)
    import_id: uuid.UUID | None = Field(default=None, foreign_key="importbatch.id")


class ClaimPart(SQLModel, table=True):
    """The tonnes of CO2e of one pilot plot-year's reduction a claim takes."""

    __table_args__ = (Index("ix_claimpart_plot_year", "plot_id", "year"),)
    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    claim_id: uuid.UUID = Field(foreign_key="claim.id", index=True)
    plot_id: uuid.UUID = Field(foreign_key="plot.id")
    year: int
    tonnes: float


#: The actions of the audit trail (`AuditEntry.action`) as a person reads them.
AUDIT_ACTIONS = {
    "records added": msg("records added"), "record changed": msg("record changed"), "plot changed": msg("plot changed"),
    "commune settings changed": msg("commune settings changed"), "official run": msg("official run"),
    "submit": msg("submitted"), "verify": msg("verified"), "lock": msg("locked"), "reopen": msg("reopened"),
    "user added": msg("user added"), "password set": msg("password set"), "password changed": msg("password changed"),
    "tokens revoked": msg("sessions and tokens ended"),
    "lot added": msg("harvest lot added"), "lot changed": msg("harvest lot changed"),
    "certificate issued": msg("label certificate issued"), "claim registered": msg("claim registered"),
}


class AuditEntry(SQLModel, table=True):
    """One change to records or review status: who, when, what it was, what it became, the
    evidence and the reason."""

    id: uuid.UUID = Field(default_factory=_key, primary_key=True)
    at: datetime = Field(default_factory=_now, index=True)
    actor: str | None = None
    action: str  # a key of AUDIT_ACTIONS
    commune_code: str | None = Field(default=None, index=True)
    year: int | None = Field(default=None, index=True)
    record_key: str | None = None
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    evidence: str | None = None
    reason: str | None = None
