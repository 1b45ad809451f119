"""Communes named the way people write them: the code (24133), the name with or without
its Xã/Phường prefix and diacritics ("Xã Ea Kao", "ea kao", "Cu M'gar", "Cư Mgar"), or the
template's drop-down choice "24133 – Xã Ea Kao". A name two communes share is refused
with the choices, never guessed."""

from __future__ import annotations

import re

import pandas as pd
from sqlmodel import Session, select

from mrv import msg, text_key
from mrv.models._tables import Commune

_PREFIX = re.compile(r"^(xa|phuong)_")
_CHOICE = re.compile(r"^\s*(\d{5})\s*[–—-]")  # "24133 – Xã Ea Kao"


class PlaceError(LookupError):
    """A commune that is unknown, or whose name means several communes (`choices`)."""

    def __init__(self, text: str, choices: list[tuple[str, str]]):
        self.text, self.choices = text, choices
        if choices:
            message = msg("'{text}' is the name of {count} communes: {choices}. Fix: write the commune's code, or "
                          "its name with Xã/Phường", text=text, count=len(choices),
                          choices="; ".join(f"{code} {name}" for code, name in choices))
        else:
            message = msg("There is no commune '{text}' in the province. Fix: see the list with mrv communes",
                          text=text)
        super().__init__(message)


def _key(text: str) -> str:
    return text_key(str(text).replace("'", "").replace("’", ""))


def commune_names(session: Session) -> pd.DataFrame:
    """The province's communes in force: code, name, kind (one row per code)."""
    rows = session.execute(select(Commune.code, Commune.name, Commune.kind).where(Commune.valid_to.is_(None))
                           .order_by(Commune.code)).all()
    return pd.DataFrame(list(map(tuple, rows)), columns=["code", "name", "kind"]).drop_duplicates("code")


class Places:
    """Look-up of commune codes by code, name or drop-down choice (see the module)."""

    def __init__(self, communes: pd.DataFrame):
        self.names = dict(zip(communes["code"], communes["name"]))
        self._keys: dict[str, list[str]] = {}
        for code, name in self.names.items():
            full = _key(name)
            for key in {code, full, _PREFIX.sub("", full)}:
                self._keys.setdefault(key, []).append(code)

    def find(self, text: str) -> list[str]:
        """Every commune `text` may mean: none, one, or several (an ambiguous name)."""
        choice = _CHOICE.match(str(text))
        if choice:
            return [choice.group(1)] if choice.group(1) in self.names else []
        key = _key(text)
        return list(dict.fromkeys(self._keys.get(key, [])))

    def code(self, text: str) -> str:
        """The one commune `text` names; PlaceError when none or several."""
        found = self.find(text)
        if len(found) != 1:
            raise PlaceError(str(text), [(code, self.names[code]) for code in found])
        return found[0]

    def choice(self, code: str) -> str:
        """How the template's drop-down shows a commune: '24133 – Xã Ea Kao'."""
        return f"{code} – {self.names[code]}"


def places(session: Session) -> Places:
    return Places(commune_names(session))


def resolve_commune(session: Session, text: str) -> str:
    """The code of the commune `text` names (code, name or drop-down choice)."""
    return places(session).code(text)
