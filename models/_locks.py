"""What an import would change, and whether a lock forbids it (DESIGN.md §9).

A locked commune-year never changes, by any path: its records (added, changed, or moved
in or out of it by a new year or plot), the plots whose versions hold in it (area, crop,
commune, planting year, soil, irrigation, farm, pilot model and role, intercrop), its
commune's settings, its crop areas and adoption shares, the practice profiles and the
pilot models its figures are made of. Each check looks at the old and the new place of
what moves, and reports every refused row with the commune-years that hold it."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from mrv import RawTable, msg
from mrv.models._tables import (
    ActivityRecord, AdoptionShare, Commune, PilotModel, Plot, PracticeProfile, ReviewStatus,
)
from mrv.models._versions import ALWAYS, PLOT_FIELDS, SETTING_FIELDS, in_year, valid_in

#: A year after every version's start: the latest version is the one valid then.
LATEST = 10 ** 6
CHUNK = 5000
def _reopen(where: str):
    return msg("ask the province officer to reopen {where} (mrv review reopen … --reason …)", where=where)


def plain(value):
    """A stored or parsed value in one spelling for comparison: None for blank or NaN,
    floats rounded to 9 significant digits, text as text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Number):
        return float(f"{float(value):.9g}")
    return str(value)


def locked_years(session: Session) -> dict[str, list[int]]:
    """commune code → its locked years."""
    found: dict[str, list[int]] = {}
    for commune, year in session.execute(select(Commune.code, ReviewStatus.year)
                                         .join(ReviewStatus, ReviewStatus.commune_id == Commune.id)
                                         .where(ReviewStatus.status == "locked").order_by(ReviewStatus.year)):
        found.setdefault(commune, []).append(year)
    return found


def review_statuses(session: Session, years) -> dict[tuple[str, int], str]:
    """(commune code, year) → its review status, for the commune-years of `years` that
    have one (the others are open)."""
    return {(commune, year): status for commune, year, status in session.execute(
        select(Commune.code, ReviewStatus.year, ReviewStatus.status)
        .join(Commune, Commune.id == ReviewStatus.commune_id).where(ReviewStatus.year.in_(sorted(years))))}


def _held(locked: dict[str, list[int]], communes, start: int) -> list[str]:
    """The locked commune-years of `communes` from `start` on, as text ("24133 2025")."""
    return [f"{c} {y}" for c in sorted({c for c in communes if c}) for y in locked.get(c, ()) if y >= start]


def _refuse(table: RawTable, position: int, column: str, value, held: list[str], what: str) -> None:
    where = ", ".join(held)
    table.problems.add(table.name, int(table.rows[position]), column, value,
                       msg("{what} that leaves the locked commune-year(s) {where} as they are", what=what, where=where),
                       _reopen(where))


def plot_changes(plots: pd.DataFrame, versions: pd.DataFrame, locked: dict[str, list[int]],
                 table: RawTable) -> pd.DataFrame:
    """Each plot of the file against its latest stored version: `status` new, changed or
    unchanged, the `changed` fields (before, after), and the version it would become.
    A change that would alter a locked commune-year (of the plot's old or new commune,
    in a year its new version holds) is reported."""
    latest = in_year(versions, "plot_id", LATEST).set_index("plot_id").to_dict("index") if len(versions) else {}
    last = versions.groupby("plot_id")["version"].max() if len(versions) else pd.Series(dtype="int64")
    positions = versions.groupby("plot_id").indices if len(versions) else {}  # each plot's versions, found once
    rows = []
    for position, row in enumerate(plots.to_dict("records")):
        after = {field: plain(row[field]) for field in PLOT_FIELDS}
        after["intercrop_share"] = None if after["intercrop"] is None else after["intercrop_share"]
        start = ALWAYS if row["valid_from"] != row["valid_from"] else int(row["valid_from"])
        code = row["plot_id"]
        if code not in latest:
            status, changed, version = "new", {}, 1
            held = _held(locked, [after["commune_code"]], start) if after["pilot_model_id"] else []
        else:
            before = {field: plain(latest[code][field]) for field in PLOT_FIELDS}
            changed = {f: (before[f], after[f]) for f in PLOT_FIELDS if f != "area_text" and before[f] != after[f]}
            status, version = ("changed" if changed else "unchanged"), int(last[code]) + 1
            held = []
            if changed:  # the commune(s) the plot leaves: of the version valid at the start, or of every version
                own = versions.iloc[positions[code]]
                old = own["commune_code"] if start == ALWAYS else own["commune_code"].iloc[
                    valid_in(own, "plot_id", [code], [start])]
                held = _held(locked, [after["commune_code"], *old], start)
        if held:
            column = next(iter(changed), "pilot_model_id")
            _refuse(table, position, "valid_from" if column not in table.frame.columns else column,
                    after.get(column), held, msg("a plot change"))
        rows.append({"plot_id": code, "status": status, "changed": changed, "version": version,
                     "valid_from": None if start == ALWAYS else start, **after})
    return pd.DataFrame(rows)


def setting_changes(settings: pd.DataFrame, stored: pd.DataFrame, locked: dict[str, list[int]],
                    table: RawTable) -> pd.DataFrame:
    """Each commune's settings of the file against its latest version: the fields it
    changes (a blank cell keeps the setting), the version it would become; a change that
    would alter a locked year of the commune is reported."""
    latest = in_year(stored, "commune_code", LATEST).set_index("commune_code")
    last = stored.groupby("commune_code")["version"].max()
    rows = []
    for position, row in enumerate(settings.to_dict("records")):
        code = row["commune_code"]
        if code not in latest.index:
            continue  # an unknown commune code is reported by its own check
        before = {f: plain(latest.at[code, f]) for f in SETTING_FIELDS}
        after = {f: (before[f] if plain(row[f]) is None else plain(row[f])) for f in SETTING_FIELDS}
        start = ALWAYS if row["valid_from"] != row["valid_from"] else int(row["valid_from"])
        changed = {f: (before[f], after[f]) for f in SETTING_FIELDS if before[f] != after[f]}
        if not changed:
            continue
        held = _held(locked, [code], start)
        if held:
            column = next(iter(changed))
            _refuse(table, position, column, after[column], held, msg("a settings change"))
        rows.append({"commune_code": code, "version": int(last[code]) + 1,
                     "valid_from": None if start == ALWAYS else start, "changed": changed, **after})
    return pd.DataFrame(rows, columns=["commune_code", "version", "valid_from", "changed", *SETTING_FIELDS])


def record_changes(session: Session, columns: dict[str, list], versions: pd.DataFrame,
                   locked: dict[str, list[int]], table: RawTable) -> None:
    """Records that would change a locked commune-year, at their new place (plot and year)
    or at the place they leave; and record ids already used on another plot."""
    keys = columns["record_key"]
    current: dict[str, tuple] = {}
    for start in range(0, len(keys), CHUNK):
        # by record_key alone: with `is_current` in the condition SQLite scans every current record
        current.update({r[0]: tuple(r[1:4]) for r in session.execute(
            select(ActivityRecord.record_key, Plot.code, ActivityRecord.year, ActivityRecord.content_hash,
                   ActivityRecord.is_current)
            .join(Plot, Plot.id == ActivityRecord.plot_id)
            .where(ActivityRecord.record_key.in_(keys[start:start + CHUNK]))) if r[4]})
    plots, years = np.asarray(columns["plot_code"], dtype=object), np.asarray(columns["year"], dtype="int64")
    new_place = versions["commune_code"].to_numpy(dtype=object)[valid_in(versions, "plot_id", plots, years)] if len(
        versions) else np.full(len(keys), None, dtype=object)
    stored = [current.get(key) for key in keys]
    moved = [i for i, s in enumerate(stored) if s is not None and s[0] != plots[i]]
    for i in moved:
        if not keys[i].startswith("auto:"):
            table.problems.add(table.name, columns["source_row"][i], "record_id", keys[i],
                               msg("a record id of its own (it names a record of plot {plot})", plot=stored[i][0]),
                               msg("give this record a new id, or write plot {plot} if it belongs there",
                                   plot=stored[i][0]))
    if not locked:
        return
    old = [i for i, s in enumerate(stored) if s is not None and s[2] != columns["content_hash"][i]]
    old_place = dict(zip(old, versions["commune_code"].to_numpy(dtype=object)[valid_in(
        versions, "plot_id", [stored[i][0] for i in old], [stored[i][1] for i in old])])) if old else {}
    for i, key in enumerate(keys):
        if stored[i] is not None and stored[i][2] == columns["content_hash"][i]:
            continue  # unchanged: nothing moves
        held = [f"{new_place[i]} {years[i]}"] if years[i] in locked.get(new_place[i], ()) else []
        if i in old_place and stored[i][1] in locked.get(old_place[i], ()):
            held.append(f"{old_place[i]} {stored[i][1]}")
        if held:
            where = ", ".join(dict.fromkeys(held))
            table.problems.add(table.name, columns["source_row"][i], "year", years[i],
                               msg("a record that leaves the locked commune-year(s) {where} as they are",
                                   where=where),
                               _reopen(where))


def yearly_changes(session: Session, frame: pd.DataFrame, table_class, key: str | tuple[str, ...],
                   value_columns: tuple[str, ...], locked: dict[str, list[int]], table: RawTable, ids: dict) -> None:
    """Commune crop areas, age classes or adoption shares of a locked commune-year that are
    new or differ from what is stored. `key` names the column(s) that tell a row of a
    commune-year from another (`frame['key']` holds their values, a tuple for several;
    `ids` maps a value to the stored one)."""
    if not locked:
        return
    keys = (key,) if isinstance(key, str) else key
    stored = {(c, y, tuple(plain(k) for k in rest[:len(keys)])): tuple(plain(v) for v in rest[len(keys):])
              for c, y, *rest in session.execute(
                  select(Commune.code, table_class.year, *(getattr(table_class, k) for k in keys),
                         *(getattr(table_class, c) for c in value_columns))
                  .join(Commune, Commune.id == table_class.commune_id))}
    for position, row in enumerate(frame.to_dict("records")):
        if row["year"] != row["year"] or row["commune_code"] not in locked:
            continue
        year = int(row["year"])
        if year not in locked[row["commune_code"]]:
            continue
        values = tuple(plain(row[c]) for c in value_columns)
        given = row["key"] if isinstance(key, tuple) else (row["key"],)
        if stored.get((row["commune_code"], year, tuple(plain(ids.get(k, k)) for k in given))) != values:
            _refuse(table, position, value_columns[0], row[value_columns[0]], [f"{row['commune_code']} {year}"],
                    msg("a value"))


def profile_changes(session: Session, profiles: pd.DataFrame, locked: dict[str, list[int]], table: RawTable) -> None:
    """Practice profiles that differ from what is stored while a locked commune-year's
    adoption shares use them."""
    if not locked or profiles is None:
        return
    def given(inputs: list[dict]) -> list[dict]:  # a blank cell and a column the profile was stored without are alike
        return [{key: value for key, value in row.items() if value is not None} for row in inputs]

    stored = {p.code: (p.name, p.crop_id, p.low_emission, given(p.inputs_per_ha))
              for p in session.execute(select(PracticeProfile)).scalars()}
    users: dict[str, list[str]] = {}
    for code, commune, year in session.execute(
            select(PracticeProfile.code, Commune.code, AdoptionShare.year)
            .join(AdoptionShare, AdoptionShare.profile_id == PracticeProfile.id)
            .join(Commune, Commune.id == AdoptionShare.commune_id)):
        if year in locked.get(commune, ()):
            users.setdefault(code, []).append(f"{commune} {year}")
    for code, group in profiles.groupby("code", sort=False):
        first = group.iloc[0]
        mine = (first["name"], first["crop_id"], bool(first["low_emission"]), given(list(group["input"])))
        if code in users and stored.get(code) != mine:
            _refuse(table, int(group.index[0]), "profile_id", code, users[code], msg("a practice profile"))


def pilot_model_changes(session: Session, models: pd.DataFrame, locked: dict[str, list[int]], table: RawTable) -> None:
    """Pilot models that differ from what is stored while their commune (old or new) has a
    locked year from the model's start on."""
    if not locked:
        return
    stored = {code: (name, level, crop, commune, start, package) for code, name, level, crop, commune, start, package
              in session.execute(select(PilotModel.code, PilotModel.name, PilotModel.level, PilotModel.crop_id,
                                        Commune.code, PilotModel.start_year, PilotModel.practice_package)
                                 .join(Commune, Commune.id == PilotModel.commune_id))}
    for position, row in enumerate(models.to_dict("records")):
        before = stored.get(row["code"])
        if before is None or row["start_year"] != row["start_year"]:
            continue
        after = (row["name"], row["level"], row["crop_id"], row["commune_code"], int(row["start_year"]),
                 row["practice_package"])
        if tuple(map(plain, before)) != tuple(map(plain, after)):
            held = _held(locked, [before[3], after[3]], min(before[4], after[4]))
            if held:
                _refuse(table, position, "pilot_model_id", row["code"], held, msg("a pilot model change"))
