"""The catalogues (crops, products, activities, ...) loaded once, with their alias indexes."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from mrv._text import AliasIndex
from mrv.factors import load_catalogue


@functools.lru_cache(maxsize=None)
def table(name: str) -> pd.DataFrame:
    """A catalogue indexed by its id (or first) column."""
    frame = load_catalogue(name)
    key = frame.columns[0]
    return frame.set_index(key, drop=False)


@functools.lru_cache(maxsize=None)
def aliases(name: str) -> AliasIndex:
    """The alias index of a catalogue with `aliases` (crops, products, climates, ...)."""
    return AliasIndex(table(name))


def codes_of(name: str, *ids: str) -> list[int]:
    """Positions of catalogue ids, as used by `AliasIndex.resolve` codes."""
    index = list(table(name).index)
    return [index.index(i) for i in ids]


def take(name: str, column: str, codes: np.ndarray, fill=None) -> np.ndarray:
    """A catalogue column at the given codes (`fill` where the code is -1)."""
    values = table(name)[column].to_numpy()
    return np.append(values, np.array([fill], dtype=values.dtype if fill is not None else object))[codes]


def ids(name: str, codes: np.ndarray) -> np.ndarray:
    """Catalogue ids at the given codes (None where the code is -1)."""
    return take(name, "id", codes)


def categorical(name: str, codes: np.ndarray) -> pd.Categorical:
    """Catalogue ids at the given codes as a Categorical (NA where the code is -1)."""
    return pd.Categorical.from_codes(codes, categories=table(name).index)


def gwp(gwp_set: str) -> dict[str, float]:
    """GWP100 values by gas for AR4, AR5 or AR6 (catalogue/gwp.csv)."""
    frame = table("gwp")
    chosen = frame[frame["gwp_set"] == gwp_set]
    if chosen.empty:
        raise ValueError(f"unknown GWP set {gwp_set!r}; choose one of: {', '.join(frame['gwp_set'].unique())}")
    return dict(zip(chosen["gas"], chosen["value"]))
