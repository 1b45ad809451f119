"""Import of a CSV or XLSX file into the database, all or nothing.

Every row of every table is validated first (with the engine's own parser); if any row
is bad nothing is stored and every bad row is listed. Records have stable keys: a file
imported twice stores nothing new, and a known record whose content changed becomes a new
version (the old one is kept). Writes are bulk statements inside one transaction, so an
import that is killed half-way leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, bindparam, delete, insert, select, text, update
from sqlmodel import Session

import mrv
from mrv import InputError, Message, Problem, ProblemList, RawTable, catalogue_ids, msg, text_key
from mrv import MAX_TYPED
from mrv.schema import AMOUNT_UNITS, PLOT_COLUMNS, PLOT_OPTIONAL, RECORD_COLUMNS, RECORD_OPTIONAL
from mrv.models._db import bulk_insert, check_integrity
from mrv.models._files import read_import_file
from mrv.models._runs import OFFICIAL_PROFILE
from mrv.models._claims import KINDS as CLAIM_KINDS, check_claims, write_claims
from mrv.models._lots import write_lots
from mrv.models._locks import (
    LATEST, locked_years, pilot_model_changes, plot_changes, profile_changes, record_changes, setting_changes,
    yearly_changes,
)
from mrv.models._tables import (
    ActivityRecord, AdoptionShare, AuditEntry, Commune, CommuneCropArea, CommuneSetting, Cooperative, Farm,
    ImportBatch, PerennialAgeClass, PilotModel, PilotPlot, PlanIndicator, Plot, PlotCrop, PlotVersion, PracticeProfile,
)
from mrv.models._scope import LOCAL, OutOfScope, Scope, scope_of
from mrv.models._places import places
from mrv.models._users import find_user
from mrv.models._versions import PLOT_FIELDS, SETTING_FIELDS, chunked, commune_settings, in_year, plot_versions

CHUNK = 5000
#: Records are checked and written this many rows at a time, so an import's memory does not
#: grow with its file (2 million records stay under 2 GB).
RECORD_CHUNK = 100_000
#: The PostgreSQL advisory lock imports take (any number no other lock of the database uses).
IMPORT_LOCK = 7301
ROLES = {"pilot": "pilot", "thi_diem": "pilot", "mo_hinh": "pilot", "control": "control", "doi_chung": "control"}
LEVELS = {"province": "province", "tinh": "province", "cap_tinh": "province", "commune": "commune", "xa": "commune",
          "cap_xa": "commune"}
CO_KINDS = {"cooperative": "cooperative", "htx": "cooperative", "hop_tac_xa": "cooperative", "zone": "zone",
            "vung": "zone", "vung_san_xuat": "zone"}
FARM_KINDS = {"household": "household", "nong_ho": "household", "ho": "household", "ho_gia_dinh": "household",
              "member": "cooperative member", "cooperative_member": "cooperative member",
              "xa_vien": "cooperative member", "enterprise": "enterprise", "doanh_nghiep": "enterprise"}
YES = {"yes", "co", "x", "1", "true"}


@dataclass
class ImportSummary:
    """What an import did, table by table."""

    file: str
    rows: dict[str, int] = field(default_factory=dict)
    records_added: int = 0
    records_changed: int = 0
    records_unchanged: int = 0
    changed_keys: list[str] = field(default_factory=list)
    plots_added: int = 0
    plots_updated: int = 0
    #: columns of the file that belong to no table ("file [sheet]: 'header'"), not imported
    ignored_columns: list[str] = field(default_factory=list)
    #: the text encoding a CSV file was read in: utf-8, utf-16 or cp1258 (Windows-1258)
    encoding: str = ""
    #: new records that look like corrections of stored ones (see `_probable_corrections`)
    probable_corrections: list[str] = field(default_factory=list)


def _digest(*parts) -> str:
    """A short stable hash of the parts' text (None and NaN have their own spelling)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def _choice(table: RawTable, column: str, choices: dict[str, str], what: str, required: bool, default=None) -> np.ndarray:
    """A column whose values come from a small fixed list (role, level, kind)."""
    texts = table.text(column)
    values = np.array([None if pd.isna(t) else choices.get(text_key(t)) for t in texts.astype(object)], dtype=object)
    bad = texts.notna().to_numpy() & pd.isna(values)
    table.report(bad, column, what, msg("use one of those words"))
    if required:
        table.report(texts.isna().to_numpy() & (default is None), column, what, msg("fill in the {column}",
                                                                                    column=column))
    return np.where(pd.isna(values), default, values)


def _commune_codes(session: Session, tables: dict[str, pd.DataFrame], problems: ProblemList) -> dict:
    """The tables with each commune written by name ("Ea Kao", "Xã Ea Kao", "24133 – Xã Ea
    Kao") given its code; a name several communes share is reported with the choices (and
    left as written, so that nothing is guessed)."""
    if not any("commune_code" in frame for frame in tables.values()):
        return tables
    found = places(session)
    named = {}
    for name, frame in tables.items():
        if "commune_code" not in frame:
            named[name] = frame
            continue
        texts = frame["commune_code"].astype(object)
        meaning = {given: found.find(given) for given in pd.unique(texts.dropna()) if str(given).strip()}
        for given, codes in meaning.items():
            if len(codes) > 1:
                for row in mrv.row_numbers(frame)[(texts == given).to_numpy()]:
                    problems.add(frame.attrs.get("source", name), int(row),
                                 "commune_code", given,
                                 msg("one commune: {choices}",
                                     choices="; ".join(f"{c} {found.names[c]}" for c in codes)),
                                 msg("write the commune's code, or its name with Xã/Phường"))
        resolved = {given: codes[0] for given, codes in meaning.items() if len(codes) == 1}
        named[name] = frame.assign(commune_code=texts.map(resolved).where(texts.isin(list(resolved)), texts))
        named[name].attrs = frame.attrs
    return named


def _known(table: RawTable, column: str, known: set[str], what: str, fix: str, required: bool) -> pd.Series:
    texts = table.text(column).astype(object)
    table.report(texts.notna().to_numpy() & ~texts.isin(known).to_numpy(), column, what, fix)
    if required:
        table.report(texts.isna().to_numpy(), column, what, msg("fill in the {column}", column=column))
    return texts


class _State:
    """What the database already holds that an import refers to. Plots are read for the
    codes a file names only (`plots_of`, `versions_of`): a province holds a million."""

    def __init__(self, session: Session):
        self.session = session
        def codes(table) -> dict[str, uuid.UUID]:
            return dict(session.execute(select(table.code, table.id)).all())
        self.communes = codes(Commune)
        self.commune_sao = {code: variant for code, variant in session.execute(select(Commune.code, Commune.sao_variant))
                            if variant}
        self.cooperatives = codes(Cooperative)
        self.pilot_models = codes(PilotModel)
        self.farms = codes(Farm)
        self.profiles = codes(PracticeProfile)
        self.locked = locked_years(session)
        self.settings = commune_settings(session)

    def plots_of(self, codes) -> pd.DataFrame:
        """The stored plots of `codes` (their latest version), as the engine reads plots."""
        query = (select(Plot.code, Plot.id, Commune.code, Plot.crop_id, Plot.area_ha, Plot.climate, Plot.irrigation,
                        Plot.sao_variant, Plot.planting_year, Commune.rice_region, Plot.soil, PlotCrop.crop_id,
                        PlotCrop.share)
                 .join(Commune, Commune.id == Plot.commune_id)
                 .join(PlotCrop, and_(PlotCrop.plot_id == Plot.id, PlotCrop.crop_id != Plot.crop_id),  # its intercrop
                       isouter=True))
        rows = [row for part in chunked(codes) for row in self.session.execute(query.where(Plot.code.in_(part)))]
        return pd.DataFrame(rows, columns=["plot_id", "uuid", "commune_code", "crop", "area", "climate", "irrigation",
                                           "sao_variant", "planting_year", "rice_region", "soil", "intercrop",
                                           "intercrop_share"])

    def versions_of(self, codes) -> pd.DataFrame:
        """Every stored version of the plots of `codes`."""
        return plot_versions(self.session, codes=codes)


def _plots(frame: pd.DataFrame, state: _State, problems: ProblemList, tables: dict, sao, locale) -> pd.DataFrame | None:
    table = RawTable(frame, "plots", problems)
    if state.commune_sao:  # a plot without its own sào variant takes its commune's
        own = table.strings("sao_variant")
        commune = np.array([state.commune_sao.get(c) for c in table.strings("commune_code")], dtype=object)
        frame = frame.assign(sao_variant=np.where(pd.isna(own), commune, own))
        frame.attrs = table.frame.attrs
    try:
        plots = mrv.normalize_plots(frame, sao=sao, locale=locale)
    except InputError as error:
        problems.problems.extend(error.problems)
        plots = None
    _known(table, "commune_code", set(state.communes),
           msg("a commune of the province (102 xã/phường): its code or name"),
           msg("use the official code or name, e.g. 24133 or Buôn Ma Thuột (mrv communes lists them)"), required=True)
    file_co = set(tables["cooperatives"].get("cooperative_id", [])) if "cooperatives" in tables else set()
    _known(table, "cooperative_id", set(state.cooperatives) | {str(c) for c in file_co},
           msg("a cooperative of the database or of this file"), msg("add it to the cooperatives sheet"), required=False)
    file_models = set(tables["pilot_models"]["pilot_model_id"].astype(str)) if "pilot_models" in tables else set()
    models = _known(table, "pilot_model_id", set(state.pilot_models) | file_models,
                    msg("a pilot model of the database or of this file"), msg("add it to the pilot_models sheet"), required=False)
    role = _choice(table, "role", ROLES, msg("pilot or control (thí điểm / đối chứng)"), required=False)
    table.report(models.notna().to_numpy() & pd.isna(role), "role", msg("pilot or control for a plot of a pilot model"),
                 msg("write pilot (thí điểm) or control (đối chứng)"))
    farm_kind = _choice(table, "farm_kind", FARM_KINDS, msg("household, cooperative member or enterprise"), False,
                        "household")
    valid_from = _years(table, "valid_from", locale, msg("the year the plot's attributes hold from"))
    latitude = table.numbers("latitude", locale, -90, 90, msg("a latitude"), required=False)
    longitude = table.numbers("longitude", locale, -180, 180, msg("a longitude"), required=False)
    if plots is None:
        return None
    area_text = (table.text("area").astype(object).fillna("").astype(str) + " "
                 + table.text("area_unit").astype(object).fillna("").astype(str)).str.strip()
    return plots.assign(
        commune_code=table.strings("commune_code"),
        farm_id=table.strings("farm_id"),
        farm_kind=farm_kind,
        cooperative_id=table.strings("cooperative_id"),
        pilot_model_id=models.to_numpy(),
        role=role,
        # checked by the engine (mrv.normalize_plots): the crop's id and a fraction, none without an intercrop
        intercrop=plots["intercrop"].astype(object).where(plots["intercrop"].notna(), None),
        intercrop_share=plots["intercrop_share"].where(plots["intercrop"].notna()),
        latitude=latitude,
        longitude=longitude,
        area_text=area_text.to_numpy(),
        valid_from=valid_from,
    )


def _engine_plots(plots: pd.DataFrame | None, stored: pd.DataFrame) -> pd.DataFrame:
    """The plots records are checked against: the database's, replaced by the file's."""
    known = stored.assign(area_unit="ha")
    if plots is not None:
        file_plots = plots.rename(columns={"plot_area_ha": "area"}).assign(area_unit="ha")
        known = pd.concat([known[~known["plot_id"].isin(file_plots["plot_id"].astype(str))], file_plots],
                          ignore_index=True)
    engine_plots = known[[*PLOT_COLUMNS, *PLOT_OPTIONAL]].astype({"area": "float64", "intercrop_share": "float64"})
    engine_plots = engine_plots.astype({c: str for c in ("plot_id", "commune_code", "crop", "climate", "irrigation",
                                                         "rice_region")})
    for column in ("sao_variant", "soil"):
        engine_plots[column] = engine_plots[column].astype(object)
    engine_plots.attrs["source"] = "plots of the database"
    return engine_plots


def _records(frame: pd.DataFrame, engine_plots: pd.DataFrame, problems: ProblemList, sao, locale):
    try:
        activity = mrv.normalize(engine_plots, frame, sao=sao, locale=locale)
        # what the official run would refuse (a record no cited factor covers, e.g. residue
        # burning of a crop without a fuel value) is refused now, not when the province runs
        mrv.calculate_activity(activity, OFFICIAL_PROFILE)
    except InputError as error:
        problems.problems.extend(p for p in error.problems if p.file != "plots of the database")
        return None
    table = RawTable(frame, "records", problems)
    texts = {column: table.strings(column) for column in (*RECORD_COLUMNS, *RECORD_OPTIONAL, "recorded_by")}
    return activity, texts


def _chunks(frame: pd.DataFrame, problems: ProblemList):
    """The records table in slices of `RECORD_CHUNK` rows, each knowing its spreadsheet rows;
    a record id given twice in two slices is reported here (within a slice, by the engine)."""
    size = len(frame)
    table = RawTable(frame, "records", problems)
    ids = table.text("record_id")
    first = pd.Series(np.arange(size)).groupby(ids.cat.codes.to_numpy()).transform("min").to_numpy()
    apart = ids.notna().to_numpy() & (first // RECORD_CHUNK != np.arange(size) // RECORD_CHUNK)
    table.report(apart, "record_id", msg("a record id used once"), msg("give each record its own id"))
    rows = mrv.row_numbers(frame)
    for start in range(0, size, RECORD_CHUNK):
        chunk = frame.iloc[start:start + RECORD_CHUNK]
        chunk.attrs = {**frame.attrs, "row_numbers": rows[start:start + RECORD_CHUNK]}
        yield chunk


def _record_columns(activity: pd.DataFrame, texts: dict, sao, seen: dict) -> dict[str, list]:
    """Every field to store, column by column, with each record's stable key and content
    hash (`seen` counts the records without an id of each identity, across slices)."""
    size = len(activity)

    def optional(column: str) -> list:
        return [None if v != v else float(v) for v in activity[column].to_numpy()]

    names = [c for c in AMOUNT_UNITS if c != "plot_area_ha"]
    amounts = activity[names].to_numpy()
    canonical = [{name: float(v) for name, v in zip(names, row) if v} for row in amounts]
    plot = activity["plot_id"].astype(str).to_numpy(dtype=object)
    year = activity["year"].to_numpy(dtype="int64").tolist()
    kind = activity["activity"].astype(str).to_numpy(dtype=object)
    product = activity["product"].astype(object).where(activity["product"].notna(), None).to_numpy()
    use = activity["use"].astype(object).where(activity["use"].notna(), None).to_numpy()
    date, season, given = texts["date"], texts["season"], texts["record_id"]
    keys = []
    for identity, record_id in zip(zip(plot, year, date, season, kind, product, use), given):
        if record_id is not None:
            keys.append(str(record_id))
            continue
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        keys.append("auto:" + _digest(*identity, occurrence))
    quantity, unit, n_text, dm_text = texts["quantity"], texts["unit"], texts["n_content"], texts["dry_matter"]
    evidence, recorded_by = texts["evidence"], texts["recorded_by"]
    rice = list(zip(texts["days"], texts["water_regime"], texts["pre_season"], texts["previous_practice"],
                    texts["diameter_cm"], texts["height_m"], texts["wood_density"]))
    # a record without rice season, soil practice or tree fields keeps the hash it had before those fields existed
    hashes = [_digest(*parts, sao, *(r if any(v is not None for v in r) else ())) for parts, r in zip(
        zip(plot, year, date, season, kind, product, use, quantity, unit, n_text, dm_text, evidence), rice)]
    columns = {
        "record_key": keys, "content_hash": hashes, "plot_code": plot,
        "commune_code": activity["commune_code"].astype(str).tolist(), "year": year, "record_date": date,
        "season": season, "activity": kind, "product_id": product, "use": use, "quantity_text": quantity,
        "unit_text": unit, "unit": activity["unit_used"].astype(object).tolist(), "n_content_text": n_text,
        "dry_matter_text": dm_text, "quantity": activity["quantity_value"].tolist(), "n_content": optional("n_content"),
        "dry_matter": optional("dry_matter"), "days_text": texts["days"], "days": optional("days"),
        "water_regime": texts["water_regime"], "pre_season": texts["pre_season"],
        "previous_practice": texts["previous_practice"], "diameter_cm": optional("diameter_cm"),
        "height_m": optional("height_m"), "wood_density": optional("wood_density"), "sao_variant": [sao] * size,
        "evidence": evidence,
        "recorded_by": recorded_by, "canonical": canonical, "source_row": activity["source_row"].tolist(),
    }
    return columns


def _cooperatives(frame, state: _State, problems: ProblemList) -> pd.DataFrame:
    table = RawTable(frame, "cooperatives", problems)
    return pd.DataFrame({
        "code": _known(table, "cooperative_id", {str(c) for c in table.text("cooperative_id").dropna()}, msg("an id"),
                       msg("fill in the id"), required=True).to_numpy(),
        "name": table.strings("name"),
        "kind": _choice(table, "kind", CO_KINDS, msg("cooperative (HTX) or zone (vùng sản xuất)"), required=True),
        "commune_code": _known(table, "commune_code", set(state.communes),
                               msg("a commune of the province: its code or name"),
                               msg("use the official code or name (mrv communes lists them)"), required=True).to_numpy(),
    })


def _pilot_models(frame, state: _State, problems: ProblemList, locale) -> pd.DataFrame:
    table = RawTable(frame, "pilot_models", problems)
    crop = table.resolve("crop", "crops", msg("crop"), required=True)
    return pd.DataFrame({
        "code": table.strings("pilot_model_id"),
        "name": table.strings("name"),
        "level": _choice(table, "level", LEVELS, msg("province or commune (tỉnh / xã)"), required=True),
        "crop_id": catalogue_ids("crops", crop),
        "commune_code": _known(table, "commune_code", set(state.communes),
                               msg("a commune of the province: its code or name"),
                               msg("use the official code or name (mrv communes lists them)"), required=True).to_numpy(),
        "start_year": table.numbers("start_year", locale, 1990, 2100, msg("a year"), required=True),
        "practice_package": table.strings("practice_package"),
    })


def _years(table: RawTable, column: str, locale, what: str) -> np.ndarray:
    """An optional column of whole years."""
    years = table.numbers(column, locale, 1990, 2100, what, required=False)
    table.report(~np.isnan(years) & (years != np.floor(years)), column, msg("a whole year such as 2026"),
                 msg("write the year"))
    return years


def _commune_settings(frame, state: _State, problems: ProblemList, locale) -> pd.DataFrame:
    """Per-commune settings: climate (wet/dry), default sào variant, rice region; the year
    they hold from (blank: every year, a correction)."""
    table = RawTable(frame, "commune_settings", problems)
    climate = table.resolve("climate", "climates", msg("climate (wet or dry)"), required=False)
    variant = table.sao_variants("sao_variant").astype(object)
    return pd.DataFrame({
        "commune_code": _known(table, "commune_code", set(state.communes),
                               msg("a commune of the province: its code or name"),
                               msg("use the official code or name (mrv communes lists them)"), required=True).to_numpy(),
        "climate": catalogue_ids("climates", climate), "sao_variant": np.where(pd.isna(variant), None, variant),
        "rice_region": catalogue_ids("rice_regions", table.resolve(
            "rice_region", "rice_regions", msg("rice region (QĐ 2626: north, centre, south)"), required=False)),
        "valid_from": _years(table, "valid_from", locale, msg("the year the settings hold from")),
    })


INDICATORS = ("farmers_trained", "communication_events", "research_tasks", "zones_formed", "cooperatives_formed")
#: What only a target row sets: the low-emission area and the reduction to reach.
TARGETS = {"low_emission_ha": msg("an area in ha"), "reduction_t": msg("a reduction in t CO2e")}
PLAN_KINDS = {"actual": "actual", "thuc_hien": "actual", "target": "target", "muc_tieu": "target"}


def _plan_indicators(frame, problems: ProblemList, locale) -> pd.DataFrame:
    """Actual rows (what was done) and target rows (what the plan sets: the counts, and
    the low-emission area and reduction, which actual rows leave to the calculation)."""
    table = RawTable(frame, "plan_indicators", problems)
    counts = {name: table.numbers(name, locale, 0, 1e7, msg("a count"), required=False) for name in INDICATORS}
    for name, values in counts.items():
        table.report(~np.isnan(values) & (values != np.floor(values)), name, msg("a whole number"),
                     msg("write a count"))
    kind = _choice(table, "kind", PLAN_KINDS, msg("actual or target (thực hiện / mục tiêu)"), False, "actual")
    targets = {name: table.numbers(name, locale, 0, 1e9, what, required=False) for name, what in TARGETS.items()}
    for name, values in targets.items():
        table.report(~np.isnan(values) & (kind != "target"), name, msg("a blank on a row of what was done"),
                     msg("leave it blank (it is calculated), or write mục tiêu in the kind column"))
    return pd.DataFrame({"year": table.numbers("year", locale, 1990, 2100, msg("a year"), required=True), "kind": kind,
                         **counts, **targets, "note": table.strings("note")})


def _hectares(frame: pd.DataFrame, table: RawTable, problems: ProblemList, locale) -> np.ndarray:
    """The `area` and `area_unit` columns in hectares, parsed as plot areas are."""
    areas = pd.DataFrame({"plot_id": [str(r) for r in table.rows], "commune_code": "", "crop": "other-annual",
                          "area": frame["area"], "area_unit": frame["area_unit"], "climate": "wet", "irrigation": "none"})
    areas.attrs.update(frame.attrs, source=table.name)
    try:
        return mrv.normalize_plots(areas, locale=locale)["plot_area_ha"].to_numpy()
    except InputError as error:
        problems.problems.extend(error.problems)
        return np.full(len(frame), np.nan)


def _commune_crops(frame, state: _State, problems: ProblemList, locale) -> pd.DataFrame:
    table = RawTable(frame, "commune_crops", problems)
    crop = table.resolve("crop", "crops", msg("crop"), required=True)
    area = _hectares(frame, table, problems, locale)
    production = table.numbers("production", locale, 0, MAX_TYPED, msg("a production"), required=False)
    unit = table.text("production_unit").astype(object).fillna("tấn")
    to_tonnes = np.array([{"tan": 1.0, "t": 1.0, "ta": 0.1, "kg": 0.001}.get(text_key(u), np.nan) for u in unit])
    table.report(np.isnan(to_tonnes), "production_unit", msg("tấn, tạ or kg"), msg("write the unit of the production"))
    return pd.DataFrame({
        "commune_code": _known(table, "commune_code", set(state.communes),
                               msg("a commune of the province: its code or name"),
                               msg("use the official code or name (mrv communes lists them)"), required=True).to_numpy(),
        "year": table.numbers("year", locale, 1990, 2100, msg("a year"), required=True),
        "crop_id": catalogue_ids("crops", crop), "area_ha": area, "production_t": production * to_tonnes,
    })


def _age_classes(frame, state: _State, problems: ProblemList, locale) -> pd.DataFrame:
    """A commune's area of a perennial crop by planting year (no later than the year)."""
    table = RawTable(frame, "age_classes", problems)
    crop = catalogue_ids("crops", table.resolve("crop", "crops", msg("crop"), required=True))
    perennial = pd.Series(crop).map(mrv.catalogue("crops")["lifecycle"]).to_numpy() == "perennial"
    table.report(~pd.isna(crop) & ~perennial, "crop", msg("a perennial crop (coffee, durian, pepper, …)"),
                 msg("give the age classes of perennial crops only: an annual crop has no age"))
    year = table.numbers("year", locale, 1990, 2100, msg("a year"), required=True)
    planted = table.numbers("planting_year", locale, 1900, 2100, msg("a planting year"), required=True)
    table.report(~np.isnan(planted) & ((planted != np.floor(planted)) | (planted > year)), "planting_year",
                 msg("a whole year such as 2019, not after the year of the row"),
                 msg("write the year this area was planted or replanted"))
    return pd.DataFrame({
        "commune_code": _known(table, "commune_code", set(state.communes),
                               msg("a commune of the province: its code or name"),
                               msg("use the official code or name (mrv communes lists them)"), required=True).to_numpy(),
        "year": year, "crop_id": crop, "planting_year": planted, "area_ha": _hectares(frame, table, problems, locale),
    })


#: The columns of a practice profile's input kept with the profile: those of a record.
PROFILE_INPUTS = ("activity", "product", "quantity", "unit", "n_content", "use", "dry_matter", "season", "days",
                  "water_regime", "pre_season", "previous_practice")


def _practice_profiles(frame, problems: ProblemList, sao, locale) -> pd.DataFrame | None:
    """Inputs per hectare of each profile, checked as records of a 1 ha plot of its crop."""
    table = RawTable(frame, "practice_profiles", problems)
    crop = table.resolve("crop", "crops", msg("crop"), required=True)
    low = table.text("low_emission").astype(object).map(lambda t: None if pd.isna(t) else text_key(t) in YES)
    code = table.text("profile_id").astype(object)
    plots = pd.DataFrame({"plot_id": code.fillna("").to_numpy(), "commune_code": "", "area": "1", "area_unit": "ha",
                          "crop": catalogue_ids("crops", crop), "climate": "wet", "irrigation": "none"})
    plots = plots.drop_duplicates("plot_id").fillna({"crop": "other-annual"})
    records = frame.assign(plot_id=code.fillna("").to_numpy(), year="2000",
                           **{column: "" for column in PROFILE_INPUTS if column not in frame})
    try:
        mrv.normalize(plots, records, sao=sao, locale=locale)
    except InputError as error:
        problems.problems.extend(p for p in error.problems if p.file != "plots")
        return None
    inputs = [{c: (None if pd.isna(table.text(c).iat[i]) else str(table.text(c).iat[i])) for c in PROFILE_INPUTS}
              for i in range(len(frame))]
    return pd.DataFrame({"code": code.to_numpy(), "name": table.strings("name"),
                         "crop_id": catalogue_ids("crops", crop), "low_emission": low.to_numpy(),
                         "input": inputs})


def _adoption(frame, state: _State, problems: ProblemList, profiles: set[str], locale) -> pd.DataFrame:
    table = RawTable(frame, "adoption", problems)
    share = table.numbers("share", locale, 0, 100, msg("a share"), required=True)
    return pd.DataFrame({
        "commune_code": _known(table, "commune_code", set(state.communes),
                               msg("a commune of the province: its code or name"),
                               msg("use the official code or name (mrv communes lists them)"), required=True).to_numpy(),
        "year": table.numbers("year", locale, 1990, 2100, msg("a year"), required=True),
        "profile": _known(table, "profile_id", set(state.profiles) | profiles, msg("a practice profile of the database "
                          "or of this file"), msg("add it to the practice_profiles sheet"), required=True).to_numpy(),
        "share": np.where(share > 1, share / 100, share),
    })


def _agree(table: RawTable, frame: pd.DataFrame, key: str, columns: tuple[str, ...], expected: Message,
           fix: Message) -> None:
    """Report each row whose `columns` differ from the first row with its `key` (the rows
    of one lot, of one claim); `expected` names the column as {column}."""
    first = frame.groupby(key)[list(columns)].transform("first")
    for column in columns:
        table.report(frame[key].notna() & frame[column].notna() & (frame[column] != first[column]), column,
                     expected.fill(column=column), fix)


def _lots(frame, state: _State, problems: ProblemList, tables: dict, locale) -> pd.DataFrame:
    """Each plot's delivery into a harvest lot, in kg of its crop's intensity product
    (crops.csv), parsed as a harvest record of the plot is (`mrv.normalize`: "2 tạ", "1,5
    tấn"); the rows of a lot agree on its cooperative, year and crop, and name a plot once."""
    table = RawTable(frame, "lots", problems)
    crop = catalogue_ids("crops", table.resolve("crop", "crops", msg("crop"), required=True))
    product = pd.Series(crop).map(mrv.catalogue("crops")["intensity_product"]).to_numpy()
    given = catalogue_ids("products", table.resolve("product", "products", msg("product"), required=False))
    names = mrv.catalogue("products")["name_vi"]
    for wanted in {p for p in product if isinstance(p, str)}:
        table.report(~pd.isna(given) & (given != wanted) & (product == wanted), "product",
                     msg("{product}, the product a lot of this crop is weighed in", product=names[wanted]),
                     msg("write the lot's mass in {product}", product=names[wanted]))
    codes = table.text("plot_id").dropna().unique().astype(str)
    filed = set(tables["plots"]["plot_id"].astype(str).str.strip()) if "plots" in tables else set()
    plot_id = _known(table, "plot_id", set(state.plots_of(codes)["plot_id"]) | filed, msg("a plot of the database or "
                     "of this file"), msg("add the plot to the plots sheet, or correct its id"), required=True)
    filed = set(tables["cooperatives"]["cooperative_id"].astype(str).str.strip()) if "cooperatives" in tables else set()
    cooperative = _known(table, "cooperative_id", set(state.cooperatives) | filed, msg("a cooperative or zone of the "
                         "database or of this file"), msg("add it to the cooperatives sheet"), required=True)
    rows = [str(row) for row in table.rows]
    harvests = pd.DataFrame({"plot_id": rows, "year": "2000", "activity": "harvest", "product": product,
                             "quantity": frame["quantity"], "unit": frame["unit"], "n_content": ""})
    harvests.attrs.update(frame.attrs, source=table.name)
    plots = pd.DataFrame({"plot_id": rows, "commune_code": "", "area": "1", "area_unit": "ha",
                          "crop": pd.Series(crop).fillna("other-annual"), "climate": "wet", "irrigation": "none"})
    try:
        mass = mrv.normalize(plots, harvests, locale=locale)["harvest_kg"].to_numpy(dtype="float64")
    except InputError as error:
        problems.problems.extend(p for p in error.problems if p.file != "plots")
        mass = np.full(len(frame), np.nan)
    lots = pd.DataFrame({
        "lot_id": _known(table, "lot_id", set(table.text("lot_id").dropna().astype(str)), msg("a lot id"),
                         msg("give every lot an id"), required=True).to_numpy(),
        "cooperative_id": cooperative.to_numpy(), "year": table.numbers("year", locale, 1990, 2100, msg("a year"),
                                                                         required=True),
        "crop": crop, "plot_id": plot_id.to_numpy(), "mass_kg": mass})
    _agree(table, lots, "lot_id", ("cooperative_id", "year", "crop"), msg("the same {column} on every row of the lot"),
           msg("a lot is one crop of one year from one cooperative: split it into lots"))
    table.report(lots.duplicated(["lot_id", "plot_id"]) & lots["plot_id"].notna(), "plot_id",
                 msg("a plot named once in its lot"), msg("add up the plot's deliveries on one row"))
    typed = RawTable(frame, "lots", ProblemList()).numbers(  # read again unreported: so is a 0 beside a bad row
        "quantity", locale, -np.inf, np.inf, msg("a mass"), required=False)
    table.report((mass == 0) | (typed == 0), "quantity", msg("a mass above 0"),
                 msg("leave out a plot that delivered nothing"))
    return lots


def _claims(frame, state: _State, problems: ProblemList, locale) -> pd.DataFrame:
    """Each plot-year a claim takes tonnes of (blank: all that is unclaimed); the rows of a
    claim agree on its kind and claimant and name a plot-year once."""
    table = RawTable(frame, "claims", problems)
    codes = table.text("plot_id").dropna().unique().astype(str)
    claims = pd.DataFrame({
        "claim_id": _known(table, "claim_id", set(table.text("claim_id").dropna().astype(str)), msg("a claim id"),
                           msg("give every claim an id"), required=True).to_numpy(),
        "kind": _choice(table, "kind", CLAIM_KINDS, msg("a kind of claim: label (nhãn), carbon_credit (tín chỉ "
                        "carbon) or result_payment (thanh toán theo kết quả)"), required=True),
        "claimant": _known(table, "claimant", set(table.text("claimant").dropna().astype(str)), msg("a claimant"),
                           msg("write who claims: the cooperative, the buyer of the credits, the fund"),
                           required=True).to_numpy(),
        "plot_id": _known(table, "plot_id", set(state.plots_of(codes)["plot_id"]), msg("a plot of the database"),
                          msg("correct the plot's id"), required=True).to_numpy(),
        "year": table.numbers("year", locale, 1990, 2100, msg("a year"), required=True),
        "tonnes": table.numbers("tonnes", locale, 0, MAX_TYPED, msg("tonnes of CO2e"), required=False)})
    _agree(table, claims, "claim_id", ("kind", "claimant"), msg("the same {column} on every row of the claim"),
           msg("a claim has one kind and one claimant: split it into claims"))
    table.report(claims.duplicated(["claim_id", "plot_id", "year"]) & claims["plot_id"].notna(), "plot_id",
                 msg("a plot-year named once in its claim"), msg("add up its tonnes on one row"))
    return claims


def _upsert(session: Session, table, key_columns: tuple[str, ...], rows: list[dict]) -> dict[tuple, uuid.UUID]:
    """Insert rows whose key is new, update the others; return the id of every key."""
    if not rows:
        return {}
    columns = [getattr(table, c) for c in key_columns]
    existing = {tuple(r[:-1]): r[-1] for r in session.execute(select(*columns, table.id)).all()}
    new, changed = [], []
    for row in rows:
        key = tuple(row[c] for c in key_columns)
        if key in existing:
            changed.append({**row, "b_id": existing[key]})
        else:
            row = {**row, "id": uuid.uuid4()}
            existing[key] = row["id"]
            new.append(row)
    if new:
        session.execute(insert(table), new)
    if changed:
        values = {c: bindparam(c) for c in changed[0] if c not in ("b_id", *key_columns)}
        session.connection().execute(update(table).where(table.id == bindparam("b_id")).values(**values), changed)
    return existing


def _write(session: Session, prepared: dict, state: _State, summary: ImportSummary, batch: ImportBatch) -> dict:
    """Store every table but the records; return the id of every plot by its code."""
    communes = state.communes
    if "cooperatives" in prepared:
        rows = [{"code": r.code, "name": r.name, "kind": r.kind, "commune_id": communes[r.commune_code]}
                for r in prepared["cooperatives"].itertuples()]
        state.cooperatives.update({k[0]: v for k, v in _upsert(session, Cooperative, ("code",), rows).items()})
    if "pilot_models" in prepared:
        rows = [{"code": r.code, "name": r.name, "level": r.level, "crop_id": r.crop_id,
                 "commune_id": communes[r.commune_code], "start_year": int(r.start_year),
                 "practice_package": r.practice_package} for r in prepared["pilot_models"].itertuples()]
        state.pilot_models.update({k[0]: v for k, v in _upsert(session, PilotModel, ("code",), rows).items()})
    plot_ids: dict = {}
    if prepared.get("plots") is not None:
        _write_plots(session, prepared["plots"], prepared["plot_changes"], state, plot_ids, summary, batch)
    if "commune_crops" in prepared:
        rows = [{"commune_id": communes[r.commune_code], "year": int(r.year), "crop_id": r.crop_id,
                 "area_ha": float(r.area_ha), "production_t": None if np.isnan(r.production_t) else float(r.production_t),
                 "source": summary.file} for r in prepared["commune_crops"].itertuples()]
        _upsert(session, CommuneCropArea, ("commune_id", "year", "crop_id"), rows)
    if "age_classes" in prepared:
        rows = [{"commune_id": communes[r.commune_code], "year": int(r.year), "crop_id": r.crop_id,
                 "planting_year": int(r.planting_year), "area_ha": float(r.area_ha)}
                for r in prepared["age_classes"].itertuples()]
        _upsert(session, PerennialAgeClass, ("commune_id", "year", "crop_id", "planting_year"), rows)
    if prepared.get("practice_profiles") is not None:
        profiles = prepared["practice_profiles"]
        rows = [{"code": code, "name": group["name"].iloc[0], "crop_id": group["crop_id"].iloc[0],
                 "low_emission": bool(group["low_emission"].iloc[0]), "inputs_per_ha": list(group["input"])}
                for code, group in profiles.groupby("code", sort=False)]
        state.profiles.update({k[0]: v for k, v in _upsert(session, PracticeProfile, ("code",), rows).items()})
    if "commune_settings" in prepared:
        _write_settings(session, prepared["commune_settings"], batch)
    if "plan_indicators" in prepared:
        rows = [{"year": int(r["year"]), "kind": r["kind"], "note": r["note"],
                 **{name: None if np.isnan(r[name]) else int(r[name]) for name in INDICATORS},
                 **{name: None if np.isnan(r[name]) else float(r[name]) for name in TARGETS}}
                for r in prepared["plan_indicators"].to_dict("records")]
        _upsert(session, PlanIndicator, ("year", "kind"), rows)
    if "adoption" in prepared:
        rows = [{"commune_id": communes[r.commune_code], "year": int(r.year), "profile_id": state.profiles[r.profile],
                 "share": float(r.share)} for r in prepared["adoption"].itertuples()]
        _upsert(session, AdoptionShare, ("commune_id", "year", "profile_id"), rows)
    return plot_ids


def _write_plots(session: Session, plots: pd.DataFrame, changes: pd.DataFrame, state: _State, plot_ids: dict,
                 summary: ImportSummary, batch: ImportBatch) -> None:
    """A new plot, or a changed one, becomes a version (`PlotVersion`) with the year it
    holds from; `Plot`, its crops and its pilot membership take the latest version.
    Every change is audited with the fields before and after."""
    communes = state.communes
    farms = plots.dropna(subset=["farm_id"]).drop_duplicates("farm_id")
    farm_rows = [{"code": r.farm_id, "kind": r.farm_kind, "commune_id": communes[r.commune_code],
                  "cooperative_id": state.cooperatives.get(r.cooperative_id)} for r in farms.itertuples()]
    state.farms.update({k[0]: v for k, v in _upsert(session, Farm, ("code",), farm_rows).items()})
    changes = changes[changes["status"].to_numpy() != "unchanged"].reset_index(drop=True)
    changes = changes.astype(object).where(changes.notna(), None)
    summary.plots_added = int((changes["status"] == "new").sum()) if len(changes) else 0
    summary.plots_updated = len(changes) - summary.plots_added
    if not len(changes):
        return
    stored = state.plots_of(changes["plot_id"])
    plot_ids.update(zip(stored["plot_id"], stored["uuid"]))
    pending = pd.concat([state.versions_of(changes["plot_id"]), changes[["plot_id", "version", "valid_from",
                                                                        *PLOT_FIELDS]]], ignore_index=True)
    latest = in_year(pending, "plot_id", LATEST).set_index("plot_id")["version"]
    is_latest = (latest.reindex(changes["plot_id"]).to_numpy() == changes["version"].to_numpy())
    rows = [{"code": r.plot_id, "farm_id": state.farms.get(r.farm_id), "commune_id": communes[r.commune_code],
             "crop_id": str(r.crop), "area_ha": float(r.area), "area_text": r.area_text,
             "planting_year": None if r.planting_year is None else int(r.planting_year),
             "irrigation": str(r.irrigation), "climate": str(r.climate), "sao_variant": r.sao_variant,
             "latitude": r.latitude, "longitude": r.longitude, "soil": r.soil} for r in changes.itertuples()]
    plot_ids.update({k[0]: v for k, v in _upsert(
        session, Plot, ("code",), [row for row, keep in zip(rows, is_latest) if keep]).items()})
    ids = [plot_ids[c] for c in changes["plot_id"]]
    versions = [{**{k: v for k, v in row.items() if k != "code"}, "id": uuid.uuid4(), "plot_id": plot,
                 "version": int(r.version), "valid_from": r.valid_from,
                 "pilot_model_id": state.pilot_models.get(r.pilot_model_id), "role": r.role, "intercrop": r.intercrop,
                 "intercrop_share": r.intercrop_share, "recorded_by": batch.imported_by,
                 "recorded_at": batch.imported_at, "import_id": batch.id}
                for row, plot, r in zip(rows, ids, changes.itertuples())]
    session.execute(insert(PlotVersion), versions)
    current = [(plot, r) for plot, r, keep in zip(ids, changes.itertuples(), is_latest) if keep]
    replaced = [plot for plot, _ in current]
    for start in range(0, len(replaced), CHUNK):  # a statement holds a limited number of values
        for table in (PlotCrop, PilotPlot):
            session.execute(delete(table).where(table.plot_id.in_(replaced[start:start + CHUNK])))
    crops, members = [], []
    for plot, r in current:
        share = 0.0 if r.intercrop is None else float(r.intercrop_share)
        crops.append({"id": uuid.uuid4(), "plot_id": plot, "crop_id": str(r.crop), "share": 1.0 - share,
                      "from_year": r.planting_year})
        if r.intercrop is not None:
            crops.append({"id": uuid.uuid4(), "plot_id": plot, "crop_id": r.intercrop, "share": share, "from_year": None})
        if r.pilot_model_id is not None:
            members.append({"id": uuid.uuid4(), "pilot_model_id": state.pilot_models[r.pilot_model_id], "plot_id": plot,
                            "role": r.role})
    for table, values in ((PlotCrop, crops), (PilotPlot, members)):
        if values:
            session.execute(insert(table), values)
    audit = [{"id": uuid.uuid4(), "at": batch.imported_at, "actor": batch.imported_by, "action": "plot changed",
              "commune_code": r.commune_code, "year": r.valid_from, "record_key": r.plot_id,
              "before": {f: v[0] for f, v in r.changed.items()}, "after": {f: v[1] for f, v in r.changed.items()},
              "evidence": None, "reason": batch.file_name}
             for r in changes.itertuples() if r.status == "changed"]
    if audit:
        bulk_insert(session.connection(), AuditEntry, {name: [e[name] for e in audit] for name in audit[0]})


def _write_settings(session: Session, changes: pd.DataFrame, batch: ImportBatch) -> None:
    """Each changed commune's settings become a version with the year they hold from;
    `Commune` takes the latest. Each change is in the audit trail."""
    if not len(changes):
        return
    ids = dict(session.execute(select(Commune.code, Commune.id)).all())
    for row in changes.to_dict("records"):
        values = {f: row[f] for f in SETTING_FIELDS}
        session.add(CommuneSetting(commune_id=ids[row["commune_code"]], version=row["version"],
                                   valid_from=row["valid_from"], recorded_by=batch.imported_by,
                                   recorded_at=batch.imported_at, import_id=batch.id, **values))
        session.add(AuditEntry(actor=batch.imported_by, action="commune settings changed",
                               commune_code=row["commune_code"], year=row["valid_from"],
                               before={f: v[0] for f, v in row["changed"].items()},
                               after={f: v[1] for f, v in row["changed"].items()}, reason=batch.file_name))
    session.flush()
    stored = commune_settings(session)
    latest = in_year(stored, "commune_code", LATEST)
    for row in latest[latest["commune_code"].isin(changes["commune_code"])].to_dict("records"):
        session.execute(update(Commune).where(Commune.code == row["commune_code"]).values(
            **{f: row[f] for f in SETTING_FIELDS}))


def _check_changes(session: Session, tables: dict, prepared: dict, state: _State, problems: ProblemList) -> None:
    """What the import would change, against the locks (`mrv.models._locks`); the plots'
    and settings' changes are kept for writing, and the plot versions with the file's for
    checking the records (`record_changes`, slice by slice)."""
    def table(name: str) -> RawTable:
        return RawTable(tables[name], name, problems)

    if prepared.get("plots") is not None:
        changes = plot_changes(prepared["plots"].rename(columns={"plot_area_ha": "area"}),
                               state.versions_of(prepared["plots"]["plot_id"]), state.locked, table("plots"))
        prepared["plot_changes"] = changes
        prepared["pending_versions"] = changes[changes["status"] != "unchanged"][
            ["plot_id", "version", "valid_from", *PLOT_FIELDS]]
    if "commune_settings" in prepared:
        prepared["commune_settings"] = setting_changes(prepared["commune_settings"], state.settings, state.locked,
                                                       table("commune_settings"))
    if "commune_crops" in prepared:
        yearly_changes(session, prepared["commune_crops"].assign(key=prepared["commune_crops"]["crop_id"]),
                       CommuneCropArea, "crop_id", ("area_ha", "production_t"), state.locked, table("commune_crops"), {})
    if "age_classes" in prepared:
        classes = prepared["age_classes"]
        yearly_changes(session, classes.assign(key=list(zip(classes["crop_id"], classes["planting_year"]))),
                       PerennialAgeClass, ("crop_id", "planting_year"), ("area_ha",), state.locked, table("age_classes"),
                       {})
    if "adoption" in prepared:
        yearly_changes(session, prepared["adoption"].assign(key=prepared["adoption"]["profile"]), AdoptionShare,
                       "profile_id", ("share",), state.locked, table("adoption"), state.profiles)
    if "practice_profiles" in prepared:
        profile_changes(session, prepared["practice_profiles"], state.locked, table("practice_profiles"))
    if "pilot_models" in prepared:
        pilot_model_changes(session, prepared["pilot_models"], state.locked, table("pilot_models"))
    if "claims" in prepared:
        prepared["claims"] = check_claims(session.get_bind(), session, prepared["claims"], table("claims"))


def _write_records(session: Session, columns: dict[str, list], plot_ids: dict, summary: ImportSummary,
                   batch: ImportBatch, on_progress: Callable[[int], None] | None) -> list[int]:
    """Store the records that are new or changed (as a new version, retiring the old one);
    return the positions of the new ones."""
    keys = columns["record_key"]
    current: dict[str, tuple] = {}
    for start in range(0, len(keys), CHUNK):
        current.update({r[0]: tuple(r[1:4]) for r in session.execute(  # by key alone: see `record_changes`
            select(ActivityRecord.record_key, ActivityRecord.content_hash, ActivityRecord.version, ActivityRecord.id,
                   ActivityRecord.is_current)
            .where(ActivityRecord.record_key.in_(keys[start:start + CHUNK]))).all() if r[4]})
    stored, versions, retired, audit = [], [], [], []
    for position, (key, digest) in enumerate(zip(keys, columns["content_hash"])):
        known = current.get(key)
        if known and known[0] == digest:
            summary.records_unchanged += 1
            continue
        stored.append(position)
        if known:
            retired.append({"b_id": known[2]})
            versions.append(known[1] + 1)
            summary.records_changed += 1
            summary.changed_keys.append(key)
            audit.append(position)
        else:
            versions.append(1)
            summary.records_added += 1
    if retired:
        session.connection().execute(
            update(ActivityRecord).where(ActivityRecord.id == bindparam("b_id")).values(is_current=False), retired)
    rows = {name: [values[i] for i in stored] for name, values in columns.items()
            if name not in ("plot_code", "commune_code")}
    count = len(stored)
    rows.update({
        "id": [uuid.uuid4() for _ in range(count)], "plot_id": [plot_ids[columns["plot_code"][i]] for i in stored],
        "version": versions, "is_current": [True] * count, "import_id": [batch.id] * count,
        "source_file": [summary.file] * count, "recorded_at": [batch.imported_at] * count,
    })
    bulk_insert(session.connection(), ActivityRecord, rows, CHUNK, on_progress)
    _audit(session, columns, audit, current, summary, batch)
    added = [i for i in stored if keys[i] not in current]
    summary.probable_corrections += _probable_corrections(session, columns, added, summary.file, batch)
    return added


def _probable_corrections(session: Session, columns: dict[str, list], new: list[int], file: str,
                          batch: ImportBatch) -> list[str]:
    """New records without a record id that match one without an id stored by an earlier
    import on plot, year, date, activity and quantity but differ in product or unit: most
    likely corrections, which leave the stored record counted too (or two products applied
    alike the same day: so a warning, not a refusal). Each says how to cancel the stored
    record. (Two such rows of one file are the QA/QC rule `probable_correction`'s.)"""
    unnamed = [i for i in new if columns["record_key"][i].startswith("auto:")]
    if not unnamed:
        return []
    plots = sorted({columns["plot_code"][i] for i in unnamed})
    stored: dict[tuple, list[tuple]] = {}
    for start in range(0, len(plots), CHUNK):
        for key, plot, year, date, activity, quantity, product, unit in session.execute(
                select(ActivityRecord.record_key, Plot.code, ActivityRecord.year, ActivityRecord.record_date,
                       ActivityRecord.activity, ActivityRecord.quantity_text, ActivityRecord.product_id,
                       ActivityRecord.unit_text).join(Plot, Plot.id == ActivityRecord.plot_id)
                .where(Plot.code.in_(plots[start:start + CHUNK]), ActivityRecord.is_current.is_(True),
                       ActivityRecord.record_key.startswith("auto:"), ActivityRecord.import_id != batch.id)):
            stored.setdefault((plot, year, date, activity, quantity), []).append((key, product, unit))
    found = []
    for i in unnamed:
        identity = tuple(columns[c][i] for c in ("plot_code", "year", "record_date", "activity", "quantity_text"))
        for key, product, unit in stored.get(identity, ()):
            if key != columns["record_key"][i] and (product, unit) != (columns["product_id"][i], columns["unit_text"][i]):
                found.append(msg("{file}, row {row}: {activity} {quantity} on {plot} ({year}) is stored already as "
                                 "{product} {unit} (record {key}); both are counted. If this row corrects it, cancel "
                                 "the stored one: import it again with record_id {key} and quantity 0", file=file,
                                 row=columns["source_row"][i], activity=identity[3], quantity=identity[4],
                                 plot=identity[0], year=identity[1], product=product or "—", unit=unit or "",
                                 key=key))
    return found


def _audit(session: Session, columns: dict[str, list], changed: list[int], current: dict, summary: ImportSummary,
           batch: ImportBatch) -> None:
    """Audit entries: one per changed record (before and after)."""
    fields = ("quantity_text", "unit_text", "n_content_text", "dry_matter_text", "record_date", "season", "use",
              "product_id", "evidence", "days_text", "water_regime", "pre_season", "previous_practice", "diameter_cm",
              "height_m", "wood_density")
    previous = {}
    keys = [columns["record_key"][i] for i in changed]
    for start in range(0, len(keys), CHUNK):
        previous.update({row[0]: dict(zip(fields, row[1:])) for row in session.execute(
            select(ActivityRecord.record_key, *(getattr(ActivityRecord, f) for f in fields))
            .where(ActivityRecord.record_key.in_(keys[start:start + CHUNK]),
                   ActivityRecord.id.in_([current[k][2] for k in keys[start:start + CHUNK]]))).all()})
    entries = [{"id": uuid.uuid4(), "at": batch.imported_at, "actor": batch.imported_by, "action": "record changed",
                "commune_code": columns["commune_code"][i], "year": columns["year"][i], "record_key": columns["record_key"][i],
                "before": previous.get(columns["record_key"][i]),
                "after": {f: columns[f][i] for f in fields}, "evidence": columns["evidence"][i], "reason": summary.file}
               for i in changed]
    if entries:
        bulk_insert(session.connection(), AuditEntry, {name: [e[name] for e in entries] for name in entries[0]})


def _import_records(session: Session, frame: pd.DataFrame, prepared: dict, state: _State, problems: ProblemList,
                    plot_ids: dict | None, summary: ImportSummary, batch: ImportBatch, sao, locale,
                    on_progress: Callable[[int], None] | None) -> None:
    """Check the records slice by slice, against the locks and record identities too, and
    write each slice while no problem has been found in the file; after the first problem
    the rest is still checked, so that every bad row is listed, and nothing is written."""
    pending = prepared.get("pending_versions")
    seen: dict = {}
    places: Counter = Counter()  # (commune, year) → records added
    for chunk in _chunks(frame, problems):
        codes = RawTable(chunk, "records", problems).text("plot_id").dropna().unique().astype(str)
        stored = state.plots_of(codes)
        checked = _records(chunk, _engine_plots(prepared.get("plots"), stored), problems, sao, locale)
        if checked is None:
            continue
        columns = _record_columns(*checked, sao, seen)
        versions = state.versions_of(codes)
        if pending is not None and len(pending):
            versions = pd.concat([versions, pending[pending["plot_id"].isin(set(codes))]], ignore_index=True)
        record_changes(session, columns, versions, state.locked, RawTable(chunk, "records", problems))
        if plot_ids is None or problems.problems:
            continue
        added = _write_records(session, columns, {**dict(zip(stored["plot_id"], stored["uuid"])), **plot_ids}, summary,
                               batch, on_progress)
        places.update((columns["commune_code"][i], columns["year"][i]) for i in added)
    if places and not problems.problems:
        count = len(places)
        bulk_insert(session.connection(), AuditEntry, {
            "id": [uuid.uuid4() for _ in range(count)], "at": [batch.imported_at] * count,
            "actor": [batch.imported_by] * count, "action": ["records added"] * count,
            "commune_code": [commune for commune, _ in places], "year": [year for _, year in places],
            "after": [{"import": str(batch.id), "file": summary.file, "added": added}
                      for added in places.values()]})


def _write_lock(session: Session) -> None:
    """Imports write one at a time: one that starts while another is writing waits for
    it, then validates against what it stored (PostgreSQL: an advisory lock for the
    transaction; SQLite: its write lock, taken by the import batch's row)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def _check_scope(session: Session, tables: dict[str, pd.DataFrame], scope: Scope) -> None:
    """Refuse (`OutOfScope`, listing every row) a file that writes outside the importer's
    communes: a row naming another commune, a plot stored in another commune or joining
    its pilot model, a lot's delivery from a plot of another commune, a record of a plot
    of another commune or that moves a record away from one, and the province-wide tables
    (practice profiles, plan indicators, claims) for anyone with communes of their own."""
    scope.require_role("write")
    if scope.communes is None:
        return
    problems = ProblemList()
    mine = msg("a commune of {user} ({communes})", user=scope.user, communes=", ".join(sorted(scope.communes)))
    fix = msg("leave the row out, or ask the province officer to import it")

    def cells(frame: pd.DataFrame, column: str) -> pd.Series:
        return frame[column].astype(str).str.strip()

    def by_code(frame: pd.DataFrame, key: str) -> dict[str, str]:
        """A file table's commune of each of its `key` codes."""
        return dict(zip(cells(frame, key), cells(frame, "commune_code")))

    def refuse(frame: pd.DataFrame, column: str, found: pd.Series, expected: str) -> None:
        outside = found.notna() & ~found.isin(scope.communes)
        problems.add_rows(frame.attrs.get("source", ""), mrv.row_numbers(frame)[outside.to_numpy()], column,
                          frame[column][outside.to_numpy()], expected, fix)

    def stored_commune(codes: pd.Series) -> pd.Series:
        query = select(Plot.code, Commune.code).join(Commune, Commune.id == Plot.commune_id)
        found = dict(row for part in chunked(codes.dropna().unique().tolist())
                     for row in session.execute(query.where(Plot.code.in_(part))))
        return codes.map(found)

    for name in ("practice_profiles", "plan_indicators", "claims"):
        if name in tables:
            frame = tables[name]
            problems.add(frame.attrs.get("source", name), None, "", name, msg("a table of the province officer"), fix)
    for name, frame in tables.items():
        if "commune_code" in frame.columns:
            refuse(frame, "commune_code", cells(frame, "commune_code"), mine)
    if "plots" in tables:
        frame = tables["plots"]
        refuse(frame, "plot_id", stored_commune(cells(frame, "plot_id")), msg("a plot of {commune}", commune=mine))
        if "pilot_model_id" in frame.columns:  # a plot joins a pilot model: its commune's reductions change
            held = dict(session.execute(select(PilotModel.code, Commune.code)
                                        .join(Commune, Commune.id == PilotModel.commune_id)).all())
            if "pilot_models" in tables:
                held |= by_code(tables["pilot_models"], "pilot_model_id")
            refuse(frame, "pilot_model_id", cells(frame, "pilot_model_id").map(held),
                   msg("a pilot model of {commune}", commune=mine))
    if "lots" in tables:  # a lot of plots of another commune tells of that commune's harvest
        frame = tables["lots"]
        refuse(frame, "plot_id", stored_commune(cells(frame, "plot_id")), msg("a plot of {commune}", commune=mine))
    if "records" in tables:
        frame = tables["records"]
        codes = cells(frame, "plot_id")
        communes = stored_commune(codes)
        if "plots" in tables:
            communes = codes.map(by_code(tables["plots"], "plot_id")).fillna(communes)
        refuse(frame, "plot_id", communes, msg("a plot of {commune}", commune=mine))
        if "record_id" in frame.columns:
            ids = cells(frame, "record_id")
            query = (select(ActivityRecord.record_key, Commune.code).join(Plot, Plot.id == ActivityRecord.plot_id)
                     .join(Commune, Commune.id == Plot.commune_id).where(ActivityRecord.is_current.is_(True)))
            held = dict(row for part in chunked(ids[ids != ""].unique().tolist())
                        for row in session.execute(query.where(ActivityRecord.record_key.in_(part))))
            refuse(frame, "record_id", ids.map(held), msg("a record of {commune}", commune=mine))
    if problems.problems:
        raise OutOfScope(problems.problems)


def import_file(engine: Engine, path: str | Path, *, sao: str | None = None, locale: str | None = None,
                imported_by: str | None = None, on_progress: Callable[[int], None] | None = None,
                on_total: Callable[[int], None] | None = None) -> ImportSummary:
    """Validate every table of the file, then store it in one transaction. Raises
    `InputError` listing every bad row (and stores nothing); `UserError` when
    `imported_by` is not a registered user; `ScopeError` or `OutOfScope` when the file
    writes outside what `imported_by` may change (`mrv.models._scope`)."""
    path = Path(path)
    read = read_import_file(path)
    check_integrity(engine)
    return import_tables(engine, read.tables, str(path), hashlib.sha256(path.read_bytes()).hexdigest(), sao=sao,
                         locale=locale, imported_by=imported_by, on_progress=on_progress, on_total=on_total,
                         ignored=read.ignored, encoding=read.encoding)


def import_tables(engine: Engine, tables: dict[str, pd.DataFrame], name: str, content_hash: str, *,
                  sao: str | None = None, locale: str | None = None, imported_by: str | None = None,
                  on_progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
                  ignored: tuple | list = (), encoding: str = "") -> ImportSummary:
    """`import_file` on tables already read (text cells, `attrs['source']` naming where
    they came from): the server's JSON requests come this way. SQLite's integrity check
    (a read of the whole file) is left to `import_file` and to the server's start."""
    if not tables:
        raise InputError([Problem(name, None, "", "", msg("a table with at least one row under its headers"),
                                  msg("fill in the rows, or start from `mrv template`"))])
    summary = ImportSummary(name, rows={table: len(frame) for table, frame in tables.items()},
                            ignored_columns=list(ignored), encoding=encoding)
    problems = ProblemList()
    with Session(engine) as session:
        scope = LOCAL
        if imported_by is not None:
            user = find_user(session, imported_by)
            imported_by, scope = user.name, scope_of(session, user)
        tables = _commune_codes(session, tables, problems)
        _check_scope(session, tables, scope)
        _write_lock(session)
        batch = ImportBatch(file_name=name, file_hash=content_hash, imported_by=imported_by)
        session.add(batch)
        session.flush()
        state = _State(session)
        prepared: dict = {}
        if "cooperatives" in tables:
            prepared["cooperatives"] = _cooperatives(tables["cooperatives"], state, problems)
        if "pilot_models" in tables:
            prepared["pilot_models"] = _pilot_models(tables["pilot_models"], state, problems, locale)
        if "plots" in tables:
            prepared["plots"] = _plots(tables["plots"], state, problems, tables, sao, locale)
        if "commune_crops" in tables:
            prepared["commune_crops"] = _commune_crops(tables["commune_crops"], state, problems, locale)
        if "age_classes" in tables:
            prepared["age_classes"] = _age_classes(tables["age_classes"], state, problems, locale)
        if "practice_profiles" in tables:
            prepared["practice_profiles"] = _practice_profiles(tables["practice_profiles"], problems, sao, locale)
        if "adoption" in tables:
            profiles = set(tables["practice_profiles"]["profile_id"].astype(str)) if "practice_profiles" in tables else set()
            prepared["adoption"] = _adoption(tables["adoption"], state, problems, profiles, locale)
        if "commune_settings" in tables:
            prepared["commune_settings"] = _commune_settings(tables["commune_settings"], state, problems, locale)
        if "plan_indicators" in tables:
            prepared["plan_indicators"] = _plan_indicators(tables["plan_indicators"], problems, locale)
        if "lots" in tables:
            prepared["lots"] = _lots(tables["lots"], state, problems, tables, locale)
        if "claims" in tables:
            prepared["claims"] = _claims(tables["claims"], state, problems, locale)
        if not problems.problems:
            _check_changes(session, tables, prepared, state, problems)
        plot_ids = None if problems.problems else _write(session, prepared, state, summary, batch)
        if plot_ids is not None and "lots" in prepared:
            write_lots(session, prepared["lots"], state.cooperatives, batch)
        if plot_ids is not None and "claims" in prepared:
            write_claims(session, prepared["claims"], batch)
        if "records" in tables:
            if on_total:
                on_total(len(tables["records"]))
            _import_records(session, tables["records"], prepared, state, problems, plot_ids, summary, batch, sao,
                            locale, on_progress)
        problems.raise_if_any()  # nothing is committed: the transaction is rolled back
        batch.rows = sum(summary.rows.values())
        batch.added, batch.changed, batch.unchanged = (summary.records_added, summary.records_changed,
                                                       summary.records_unchanged)
        session.commit()
    return summary
