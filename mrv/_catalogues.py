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


def gwp_sets() -> list[str]:
    """The GWP100 sets of catalogue/gwp.csv, in the file's order."""
    return list(dict.fromkeys(table("gwp")["gwp_set"]))


def gwp(gwp_set: str, gas, source) -> np.ndarray:
    """The GWP100 of each row's gas under `gwp_set` (catalogue/gwp.csv), for rows given by
    their `gas` and `source` (arrays or Categoricals of equal length): the set's value for
    the origin of the source's carbon (sources.csv `carbon_origin`) where it gives one, as
    AR6-origin does for CH4 after AR6 WG1 Table 7.15, else its one value for the gas."""
    frame = table("gwp")
    chosen = frame[frame["gwp_set"] == gwp_set]
    if chosen.empty:
        raise ValueError(f"unknown GWP set {gwp_set!r}; choose one of: {', '.join(gwp_sets())}")
    values = dict(zip(zip(chosen["gas"], chosen["origin"].fillna("")), chosen["value"]))
    origins = table("sources")["carbon_origin"].fillna("")

    def value(gas_name: str, source_name: str) -> float:
        origin = origins.get(source_name, "")
        found = values.get((gas_name, origin), values.get((gas_name, "")))
        if found is None:
            raise ValueError(f"GWP set {gwp_set!r} has no {gas_name} value for {source_name} "
                             f"(carbon origin {origin or 'not given'}): add it to catalogue/gwp.csv")
        return found

    rows = pd.MultiIndex.from_arrays([gas, source])
    gases, sources = rows.levels
    pair_of_row, pairs = pd.factorize(rows.codes[0].astype("int64") * len(sources) + rows.codes[1])
    per_pair = [value(gases[pair // len(sources)], sources[pair % len(sources)]) for pair in pairs]
    return np.asarray(per_pair, dtype="float64")[pair_of_row]  # a few distinct pairs, however many rows
