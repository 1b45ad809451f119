"""Reference data every database starts with: the lookup tables from `mrv.factors` and
the province's 102 communes from the `vietnam-provinces` package."""

from __future__ import annotations

import csv
import re
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlmodel import Session
from vietnam_provinces import Province as OfficialProvince
from vietnam_provinces import ProvinceCode, Ward

import mrv
from mrv.factors import load_catalogue
from mrv.models._tables import Commune, CommuneSetting, Crop, Product, Province, Unit

PROVINCE_CODE = 66  # Đắk Lắk (merged with Phú Yên)
#: Codes and names in force since the 2025 reorganisation (Nghị quyết 1660/NQ-UBTVQH15).
VALID_FROM = date(2025, 7, 1)
UNIT_ALIASES = Path(mrv.__file__).with_name("unit_aliases.csv")


def _clean(name: str) -> str:
    """Normalise whitespace ("Phường  Buôn Ma Thuột" → "Phường Buôn Ma Thuột")."""
    return re.sub(r"\s+", " ", name).strip()


def official_communes() -> list[dict]:
    """The province's commune-level units: code, name, kind (xã or phường)."""
    wards = [w for w in Ward.iter_all() if int(w.province_code) == PROVINCE_CODE]
    return sorted(({"code": str(int(w.code)), "name": _clean(w.name), "kind": w.division_type.value} for w in wards),
                  key=lambda c: c["code"])


def _insert_missing(session: Session, table, key: str, rows: list[dict]) -> None:
    existing = set(session.exec(select(getattr(table, key))).scalars()) if rows else set()
    missing = [row for row in rows if row[key] not in existing]
    if missing:
        session.execute(insert(table), missing)


def seed(engine: Engine) -> None:
    """Insert whatever reference rows are missing (safe to run on every start)."""
    with Session(engine) as session:
        crops = load_catalogue("crops")
        _insert_missing(session, Crop, "id", crops[["id", "name_vi", "name_en", "lifecycle"]].to_dict("records"))
        products = load_catalogue("products")
        _insert_missing(session, Product, "id", products[["id", "kind", "name_vi", "name_en"]].to_dict("records"))
        with UNIT_ALIASES.open(encoding="utf-8") as handle:
            _insert_missing(session, Unit, "alias", [{"alias": r["alias"], "unit": r["unit"]} for r in csv.DictReader(handle)])
        province = session.exec(select(Province).where(Province.code == str(PROVINCE_CODE))).scalars().first()
        if province is None:
            official = OfficialProvince.from_code(ProvinceCode(PROVINCE_CODE))
            province = Province(code=str(PROVINCE_CODE), name=_clean(official.name))
            session.add(province)
            session.flush()
        _insert_missing(session, Commune, "code", [
            {**c, "province_id": province.id, "valid_from": VALID_FROM, "climate": "wet", "rice_region": "centre"}
            for c in official_communes()
        ])
        unset = session.exec(select(Commune).where(Commune.id.not_in(select(CommuneSetting.commune_id)))).scalars()
        settings = [{"id": uuid.uuid4(), "commune_id": c.id, "version": 1, "climate": c.climate,
                     "sao_variant": c.sao_variant, "rice_region": c.rice_region} for c in unset]
        if settings:  # every commune starts with version 1 of its settings
            session.execute(insert(CommuneSetting), settings)
        session.commit()
