"""Vectorised helpers over whole columns: distinct rows and sums by key (no Python loop
over rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Smallest key space always factorised with a dense table instead of a hash table.
_DENSE_FLOOR = 1 << 20


def combine_codes(arrays: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, int]:
    """One int64 code per row from several code arrays (-1 = missing), in mixed radix; and
    the number of possible codes."""
    combined = np.zeros(len(arrays[0]) if arrays else 0, dtype="int64")
    bound = 1
    for codes, size in zip(arrays, sizes):
        combined = combined * (size + 1) + (np.asarray(codes, dtype="int64") + 1)
        bound *= size + 1
    return combined, bound


def factorize_codes(combined: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0..k-1 for the distinct values of `combined` (each in [0, bound)), and
    those values."""
    if bound > max(_DENSE_FLOOR, 2 * len(combined)):
        return pd.factorize(combined)
    present = np.zeros(bound, dtype=bool)
    present[combined] = True
    rank = np.cumsum(present) - 1
    return rank[combined], np.flatnonzero(present)


def codes_and_size(column) -> tuple[np.ndarray, int]:
    """Integer codes (-1 = missing) and the number of categories of a column."""
    if isinstance(column, pd.Series):
        column = column.array
    if isinstance(column, pd.Categorical):
        return np.asarray(column.codes, dtype="int64"), len(column.categories)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, len(uniques)


def factorize_rows(columns: list) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of several aligned columns, and the position of
    the first row of each combination (so each is handled once, then mapped back)."""
    arrays, sizes = zip(*(codes_and_size(column) for column in columns))
    inverse, uniques = factorize_codes(*combine_codes(list(arrays), list(sizes)))
    first = np.full(len(uniques), -1, dtype="int64")
    first[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1)
    return inverse, first
