"""The letterhead and date line of an official report under Nghị định 30/2020/NĐ-CP
(Phụ lục I): issuing agency, number and symbol, place and date, recipients and signer.
The agency is a setting (`mrv/letterhead.toml`, or the file named by MRV_LETTERHEAD)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from mrv._errors import InputError, Problem
from mrv._i18n import msg

DEFAULT = Path(__file__).with_name("letterhead.toml")
#: The province's time zone (UTC+07, no daylight saving): dates and times are printed in it.
PROVINCE_TIME = timezone(timedelta(hours=7), "+07")
FIELDS = ("parent", "agency", "institution", "symbol", "place", "authority", "signer_title", "signer", "recipients")


@dataclass(frozen=True)
class Letterhead:
    parent: str
    agency: str
    institution: str
    symbol: str
    place: str
    authority: str
    signer_title: str
    signer: str
    recipients: tuple[str, ...]


def letterhead(path: str | Path | None = None, commune: str | None = None) -> Letterhead:
    """The letterhead in `path`, else in MRV_LETTERHEAD's file, else the province's default;
    with `commune` (its name), the file's [commune] letterhead filled in with that name. A
    file that lacks a field, or is not TOML, is refused with the fix."""
    path = Path(path or os.environ.get("MRV_LETTERHEAD") or DEFAULT)
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError([Problem(str(path), None, "", str(error).splitlines()[0] if str(error) else "",
                                  msg("a TOML file like mrv/letterhead.toml"), msg("copy mrv/letterhead.toml and edit it"))])
    if commune is not None:
        values = values.get("commune", {})
    missing = [name for name in FIELDS if name not in values]
    wrong = [name for name in FIELDS if name in values
             and not isinstance(values[name], list if name == "recipients" else str)]
    if missing or wrong:
        where = "[commune] " if commune is not None else ""
        raise InputError([Problem(str(path), None, where + name, str(values.get(name, "")),
                                  msg("a list of texts") if name == "recipients" else msg("a text"),
                                  msg("write {name} = … as in mrv/letterhead.toml",
                                      name=name)) for name in missing + wrong])
    def fill(text: str) -> str:
        return text.replace("{name}", commune).replace("{NAME}", commune.upper()) if commune else text
    return Letterhead(**{name: fill(values[name]) for name in FIELDS[:-1]},
                      recipients=tuple(fill(str(r)) for r in values["recipients"]))


def province_today() -> date:
    """Today's date in Đắk Lắk (UTC+07), whatever the server's clock zone."""
    return datetime.now(PROVINCE_TIME).date()


def province_time(moment: datetime, lang: str) -> str:
    """A stored moment (UTC; a naive one is read as UTC, as databases return it) in
    Đắk Lắk's time: 15/03/2026 14:05:09 in Vietnamese, 2026-03-15 14:05:09 in English."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(PROVINCE_TIME)
    return local.strftime("%d/%m/%Y %H:%M:%S" if lang == "vi" else "%Y-%m-%d %H:%M:%S")


def date_line(place: str, day: date, lang: str) -> str:
    """The place and date line: 'Đắk Lắk, ngày 03 tháng 02 năm 2026' (NĐ 30/2020 Phụ lục I:
    a day below 10 and the months 1 and 2 take a leading zero), or '3 February 2026'."""
    if lang == "vi":
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {day.day} {day.strftime('%B')} {day.year}"
