"""Versions that hold from a year. A plot's attributes and a commune's settings change
over time (a replanting, an irrigation system, a rice region corrected): each change is a
new version with the year it holds from, and a calculation of a year reads the version
valid in that year. A version without a year (`valid_from` empty) is a correction that
holds in every year before the next dated version; a plot's or commune's first version
holds in every year before the next one."""

from __future__ import annotations

import uuid
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from mrv.models._tables import Commune, CommuneSetting, Farm, PilotModel, Plot, PlotVersion

#: The start of a version that holds in every year.
ALWAYS = -(10 ** 6)

PLOT_FIELDS = ("commune_code", "farm_id", "crop", "area", "area_text", "planting_year", "irrigation", "climate",
               "sao_variant", "soil", "latitude", "longitude", "pilot_model_id", "role", "intercrop",
               "intercrop_share")
SETTING_FIELDS = ("climate", "sao_variant", "rice_region")


def _starts(versions: pd.DataFrame) -> np.ndarray:
    start = versions["valid_from"].astype("float64").fillna(ALWAYS).to_numpy()
    return np.where(versions["version"].to_numpy() == 1, ALWAYS, start).astype("int64")


def valid_in(versions: pd.DataFrame, key: str, keys, years) -> np.ndarray:
    """For each (key, year), the position in `versions` of the version valid that year:
    the latest start not after the year, the newer version where two start together;
    -1 where the key has no version."""
    keys = np.asarray(keys, dtype=object)
    years = np.asarray(years, dtype="int64")
    found = np.full(len(keys), -1, dtype="int64")
    if not len(keys) or not len(versions):
        return found
    right = pd.DataFrame({key: versions[key].astype(str).to_numpy(), "start": _starts(versions),
                          "version": versions["version"].to_numpy(), "position": np.arange(len(versions))})
    right = (right.sort_values(["start", "version"]).drop_duplicates([key, "start"], keep="last")
             .drop(columns="version"))
    left = pd.DataFrame({key: keys.astype(str), "year": years, "row": np.arange(len(keys))}).sort_values("year")
    merged = pd.merge_asof(left, right, left_on="year", right_on="start", by=key, direction="backward")
    hit = merged["position"].notna().to_numpy()
    found[merged["row"].to_numpy()[hit]] = merged["position"].to_numpy()[hit].astype("int64")
    return found


def in_year(versions: pd.DataFrame, key: str, year: int) -> pd.DataFrame:
    """One row per key: its version valid in `year`."""
    codes = versions[key].drop_duplicates().to_numpy()
    return versions.iloc[valid_in(versions, key, codes, np.full(len(codes), year))].reset_index(drop=True)


#: Values in one SQL statement's IN list (SQLite allows a limited number of variables).
IN_CHUNK = 5000


def plot_keys(session: Session, codes) -> dict[str, uuid.UUID]:
    """The stored id of each plot of `codes`."""
    return dict(row for part in chunked(list(codes))
                for row in session.execute(select(Plot.code, Plot.id).where(Plot.code.in_(part))))


def chunked(values) -> list[list]:
    """`values` (distinct) in lists of `IN_CHUNK`, for IN lists."""
    values = list(dict.fromkeys(values))
    return [values[start:start + IN_CHUNK] for start in range(0, len(values), IN_CHUNK)]


def _frame(session: Session, query, columns) -> pd.DataFrame:
    return pd.DataFrame(list(map(tuple, session.execute(query).all())), columns=list(columns))


def plot_versions(session: Session, as_of: datetime | None = None, codes=None) -> pd.DataFrame:
    """Every version of every plot, or of the plots of `codes`, recorded by `as_of`; with
    codes instead of ids."""
    query = (select(Plot.code, PlotVersion.version, PlotVersion.valid_from, Commune.code, Farm.code,
                    PlotVersion.crop_id, PlotVersion.area_ha, PlotVersion.area_text, PlotVersion.planting_year,
                    PlotVersion.irrigation, PlotVersion.climate, PlotVersion.sao_variant, PlotVersion.soil,
                    PlotVersion.latitude, PlotVersion.longitude, PilotModel.code, PlotVersion.role,
                    PlotVersion.intercrop, PlotVersion.intercrop_share)
             .join(Plot, Plot.id == PlotVersion.plot_id).join(Commune, Commune.id == PlotVersion.commune_id)
             .join(Farm, Farm.id == PlotVersion.farm_id, isouter=True)
             .join(PilotModel, PilotModel.id == PlotVersion.pilot_model_id, isouter=True))
    if as_of is not None:
        query = query.where(PlotVersion.recorded_at <= as_of)
    columns = ("plot_id", "version", "valid_from", *PLOT_FIELDS)
    if codes is None:
        return _frame(session, query, columns)
    return pd.concat([_frame(session, query.where(Plot.code.in_(part)), columns) for part in chunked(codes)]
                     or [pd.DataFrame(columns=columns)], ignore_index=True)


def commune_settings(session: Session, as_of: datetime | None = None) -> pd.DataFrame:
    """Every version of every commune's settings (recorded by `as_of`)."""
    query = (select(Commune.code, CommuneSetting.version, CommuneSetting.valid_from, CommuneSetting.climate,
                    CommuneSetting.sao_variant, CommuneSetting.rice_region)
             .join(Commune, Commune.id == CommuneSetting.commune_id))
    if as_of is not None:
        query = query.where(CommuneSetting.recorded_at <= as_of)
    return _frame(session, query, ("commune_code", "version", "valid_from", *SETTING_FIELDS))
