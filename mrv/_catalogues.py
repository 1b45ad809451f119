"""The catalogues (crops, products, activities, ...) loaded once, with their alias indexes."""

from __future__ import annotations

import functools

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


def gwp(gwp_set: str) -> dict[str, float]:
    """GWP100 values by gas for AR4, AR5 or AR6 (catalogue/gwp.csv)."""
    frame = table("gwp")
    chosen = frame[frame["gwp_set"] == gwp_set]
    if chosen.empty:
        raise ValueError(f"unknown GWP set {gwp_set!r}; choose one of: {', '.join(frame['gwp_set'].unique())}")
    return dict(zip(chosen["gas"], chosen["value"]))
