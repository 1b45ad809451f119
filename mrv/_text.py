"""What people type, mapped to catalogue ids: with or without diacritics, any case,
hyphens, spaces or underscores ("Sào-Nam", "sao nam", "sào_nam" are one key)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

_SEPARATORS = re.compile(r"[\s\-_]+")


def text_key(text: str) -> str:
    """Fold `text` to a lookup key: lower case, no diacritics (đ → d), '_' between words."""
    folded = unicodedata.normalize("NFKD", str(text).strip().lower()).replace("đ", "d")
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _SEPARATORS.sub("_", plain).strip("_")


@dataclass(frozen=True)
class Lookup:
    """The ids a text can mean: none (unknown), one (resolved) or several (ambiguous)."""

    text: str
    ids: tuple[str, ...]


class AliasIndex:
    """Maps the keys of every alias of a catalogue table to the ids they may mean."""

    def __init__(self, table: pd.DataFrame, id_column: str = "id"):
        self.ids = tuple(table[id_column])
        self._keys: dict[str, list[str]] = {}
        for _, row in table.iterrows():
            names = {row[id_column], *row.get("aliases", ()), row.get("name_vi"), row.get("name_en")}
            for name in names:
                if isinstance(name, str) and name:
                    bucket = self._keys.setdefault(text_key(name), [])
                    if row[id_column] not in bucket:
                        bucket.append(row[id_column])

    def find(self, text: str) -> Lookup:
        return Lookup(text, tuple(self._keys.get(text_key(text), ())))

    def resolve(self, values: pd.Series) -> tuple[np.ndarray, dict[str, Lookup]]:
        """Resolve a whole column, each distinct text once. Returns int codes into `ids`
        (-1 where the text is blank, unknown or ambiguous) and the failed look-ups by text."""
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        resolved, failed = [], {}
        for text in uniques:
            found = self.find(text)
            resolved.append(self.ids.index(found.ids[0]) if len(found.ids) == 1 else -1)
            if len(found.ids) != 1:
                failed[text] = found
        table = np.array([*resolved, -1], dtype="int64")  # code -1 (blank) takes the last
        return table[codes], failed
