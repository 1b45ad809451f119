"""Vectorised helpers over whole columns: distinct rows and sums by key (no Python loop
over rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def combine_codes(arrays: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """One int64 code per row from several code arrays (-1 = missing), in mixed radix."""
    combined = np.zeros(len(arrays[0]) if arrays else 0, dtype="int64")
    for codes, size in zip(arrays, sizes):
        combined = combined * (size + 1) + (np.asarray(codes, dtype="int64") + 1)
    return combined


def factorize_rows(columns: list) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of several aligned columns, and the position of
    the first row of each combination (so each is handled once, then mapped back)."""
    arrays, sizes = [], []
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        arrays.append(codes)
        sizes.append(len(uniques))
    inverse, _ = pd.factorize(combine_codes(arrays, sizes))
    first = np.full(inverse.max() + 1 if len(inverse) else 0, -1, dtype="int64")
    first[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1)
    return inverse, first


def sum_by(codes: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum `values` by integer code; return the codes with a non-zero total and the totals."""
    totals = np.bincount(codes, weights=values, minlength=size)
    keys = np.flatnonzero(totals)
    return keys, totals[keys]
