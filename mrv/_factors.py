"""Factor profiles on the engine side: units checked with the shared registry, and
vectorised look-ups that resolve each distinct case once (DESIGN.md §4)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pint

from mrv._frames import combine_codes, factorize_codes
from mrv.factors import FactorFileError, factor_set_version, load_catalogue, load_profiles, load_set
from mrv.factors._loader import QUALIFIERS
from mrv.units import Q_, quantity


class FactorLookupError(LookupError):
    """No factor set of the profile's chain has a row that applies to some cases."""

    def __init__(self, profile: str, parameter: str, cases: list[dict], missing: np.ndarray):
        self.profile, self.parameter, self.cases, self.missing = profile, parameter, cases, missing
        described = "; ".join(", ".join(f"{k}={v}" for k, v in case.items()) or "(any)" for case in cases)
        super().__init__(f"factor profile {profile!r} has no {parameter} for {described}")


@dataclass(frozen=True)
class FactorValues:
    """One factor per row of a frame, in the parameter's canonical unit, with its trace."""

    parameter: str
    value: np.ndarray
    unit: str
    ids: pd.Categorical
    tier: np.ndarray
    origin: pd.Categorical

    def quantity(self) -> pint.Quantity:
        return quantity(self.value, self.unit)

    def take(self, rows: np.ndarray) -> FactorValues:
        """The factors of the selected rows (a boolean mask or positions)."""
        return FactorValues(self.parameter, self.value[rows], self.unit, self.ids[rows], self.tier[rows],
                            self.origin[rows])


#: A row's `factor_ids` joins tokens with '|'. A plain id multiplies the row's mass;
#: "a-b" says the mass is proportional to value(a) − value(b) (a change of practice
#: factor), "1+a" to 1 + value(a) (biomass with its roots), "1/a" to 1 / value(a); "~a"
#: that value(a) worked out the row's activity amount from its records (the N of crop
#: residues from a harvest), which it need not be proportional to.
RELATIONS = {"difference": "{}-{}", "one_plus": "1+{}", "inverse": "1/{}", "activity": "~{}"}


def factor_tokens(joined) -> list[str]:
    """The tokens of a row's `factor_ids`."""
    return [token for token in str(joined).split("|") if token]


def parse_token(token: str) -> tuple[str, list[str]]:
    """A token's relation (a key of `RELATIONS`, or "factor" for a plain id) and the factor
    ids it names (two for a difference)."""
    if token.startswith("1+"):
        return "one_plus", [token[2:]]
    if token.startswith("1/"):
        return "inverse", [token[2:]]
    if token.startswith("~"):
        return "activity", [token[1:]]
    ids = token.split("-")
    return ("difference" if len(ids) == 2 else "factor"), ids


def token_ids(token: str) -> list[str]:
    """The factor ids a token names (two for a difference)."""
    return parse_token(token)[1]


def used_factor_ids(joined_values) -> list[str]:
    """Every factor id named in some rows' `factor_ids`, sorted."""
    return sorted({i for joined in set(map(str, joined_values)) for t in factor_tokens(joined) for i in token_ids(t)})


def _combinations(parts: list[tuple[pd.Categorical, np.ndarray | None]]) -> tuple[np.ndarray, list[list[str]]]:
    """Dense codes of the distinct combinations of several id columns per row (a part
    masked False on a row is absent there), and each combination's ids in order."""
    codes = [np.where(mask, f.codes, -1) if mask is not None else np.asarray(f.codes) for f, mask in parts]
    sizes = [len(f.categories) for f, _ in parts]
    combined, uniques = factorize_codes(*combine_codes(codes, sizes))
    combinations = []
    for value in uniques:
        names = []
        for (f, _), size in zip(reversed(parts), reversed(sizes)):
            value, code = divmod(int(value), size + 1)
            if code:
                names.append(f.categories[code - 1])
        combinations.append(names[::-1])
    return combined, combinations


def _labelled(combined: np.ndarray, labels: list[str]) -> pd.Categorical:
    label_codes, label_uniques = pd.factorize(pd.Series(labels, dtype=object))
    return pd.Categorical.from_codes(label_codes[combined], categories=label_uniques)


def related_ids(relation: str, *ids: pd.Categorical) -> pd.Categorical:
    """Per row, a token relating factors (`RELATIONS`), e.g. the difference of the ids of
    the new and the former practice factor. Built once per distinct combination."""
    combined, combinations = _combinations([(i, None) for i in ids])
    return _labelled(combined, [RELATIONS[relation].format(*names) for names in combinations])


def join_ids(parts: list[tuple[FactorValues | pd.Categorical, np.ndarray | None]]) -> pd.Categorical:
    """The ids of several factors used on each row, joined with '|' (a part whose mask is
    False on a row did not contribute there); a part is a factor or a token of
    `related_ids`. Strings are built once per distinct combination, not per row."""
    combined, combinations = _combinations([(f if isinstance(f, pd.Categorical) else f.ids, mask)
                                            for f, mask in parts])
    return _labelled(combined, ["|".join(dict.fromkeys(names)) for names in combinations])


def _check_bounds(rows: pd.DataFrame, parameters: pd.DataFrame) -> None:
    """Every value and range end, in its parameter's canonical unit, within the parameter's
    physical bounds (`parameters.csv` minimum and maximum: a fraction lies in [0, 1], an
    emission factor is not negative)."""
    low = rows["parameter"].map(parameters["minimum"]).astype("float64").fillna(-np.inf).to_numpy()
    high = rows["parameter"].map(parameters["maximum"]).astype("float64").fillna(np.inf).to_numpy()
    for column in ("value", "lower", "upper"):
        values = rows[column].to_numpy()
        bad = np.flatnonzero(~np.isnan(values) & ((values < low) | (values > high)))
        if len(bad):
            row = rows.iloc[bad[0]]
            unit = parameters.loc[row["parameter"], "unit"]
            bounds = f"{low[bad[0]]:g} to {high[bad[0]]:g}".replace("-inf", "…").replace("inf", "…")
            raise FactorFileError(row["file"], row["line"], column, f"{row[column]:g} {unit}",
                                  f"a {row['parameter']} within its physical bounds, {bounds} {unit}")


class FactorProfile:
    """A named profile (ipcc2019, ipcc2006, vn2022): its chain of factor sets, every row's
    value converted to its parameter's canonical unit, and the look-up over the chain."""

    def __init__(self, name: str):
        profiles = load_profiles()
        if name not in profiles:
            raise ValueError(f"unknown factor profile {name!r}; choose one of: {', '.join(profiles)}")
        self.profile = profiles[name]
        self.name = name
        self.version = factor_set_version()
        parameters = load_catalogue("parameters").set_index("parameter")
        frames = []
        for rank, set_name in enumerate(self.profile.chain):
            rows = load_set(set_name).rows.copy()
            rows["rank"] = rank
            frames.append(rows)
        rows = pd.concat(frames, ignore_index=True)
        scale = np.ones(len(rows))
        for (unit, parameter), group in rows.groupby(["unit", "parameter"]):
            canonical = parameters.loc[parameter, "unit"]
            try:
                scale[group.index] = Q_(1.0, unit).to(canonical).magnitude
            except (pint.errors.PintError, AttributeError, TypeError, ValueError):
                first = group.iloc[0]
                raise FactorFileError(
                    first["file"], first["line"], "unit", unit, f"a pint unit convertible to {canonical} for {parameter}"
                ) from None
        for column in ("value", "lower", "upper"):
            rows[column] = rows[column].astype("float64") * scale
        _check_bounds(rows, parameters)
        rows["canonical_unit"] = rows["parameter"].map(parameters["unit"])
        self.rows = rows
        self.parameters = parameters
        self._ids = pd.Index(rows["id"])
        self._origins = pd.Index(sorted(rows["origin"].unique()))
        self._origin_codes = self._origins.get_indexer(rows["origin"])
        self._by_parameter = {parameter: group for parameter, group in rows.groupby("parameter")}
        self._qualifiers = {parameter: [q for q in QUALIFIERS if group[q].notna().any()]
                            for parameter, group in self._by_parameter.items()}

    def _resolve(self, parameter: str, case: dict) -> int | None:
        """Row position of the factor for one case: the first set of the chain with an
        applicable row; within it the most specific row (then the latest year)."""
        rows = self._by_parameter.get(parameter, self.rows.iloc[:0])
        for _, candidates in rows.groupby("rank", sort=True):
            applies = np.ones(len(candidates), dtype=bool)
            for qualifier in QUALIFIERS:
                column = candidates[qualifier]
                wanted = case.get(qualifier)
                if qualifier == "year":
                    applies &= column.isna().to_numpy() | (
                        (wanted is not None) & (column.fillna(10**6).to_numpy() <= (wanted or 0))
                    )
                else:
                    applies &= column.isna().to_numpy() | (column == wanted).to_numpy()
            if not applies.any():
                continue
            found = candidates[applies]
            specificity = found[list(QUALIFIERS)].notna().sum(axis=1)
            found = found.assign(_s=specificity, _y=found["year"].fillna(-1)).sort_values(["_s", "_y"], ascending=False)
            if len(found) > 1 and (found["_s"].iloc[0], found["_y"].iloc[0]) == (found["_s"].iloc[1], found["_y"].iloc[1]):
                second = found.iloc[1]
                raise FactorFileError(second["file"], second["line"], "id", second["id"],
                                      f"a row that does not apply to the same case as {found['id'].iloc[0]}")
            return int(found.index[0])
        return None

    @functools.lru_cache(maxsize=None)
    def _resolve_cached(self, parameter: str, case: tuple) -> int | None:
        return self._resolve(parameter, dict(case))

    def lookup(self, parameter: str, size: int, **keys) -> FactorValues:
        """Factors for `size` rows. Each key (climate, crop, input, gas, year) is a scalar
        or an array of `size`; only keys that some row of the parameter uses are looked at,
        and each distinct combination is resolved once."""
        taken, missing_cases = self._positions(parameter, size, keys)
        if missing_cases:
            raise FactorLookupError(self.name, parameter, missing_cases, taken < 0)
        return FactorValues(
            parameter=parameter,
            value=self.rows["value"].to_numpy()[taken],
            unit=self.parameters.loc[parameter, "unit"],
            ids=pd.Categorical.from_codes(taken, categories=self._ids),
            tier=self.rows["tier"].to_numpy()[taken],
            origin=pd.Categorical.from_codes(self._origin_codes[taken], categories=self._origins),
        )

    def covers(self, parameter: str, size: int, **keys) -> np.ndarray:
        """Per row, whether some set of the chain has a row of `parameter` for its case
        (keys as for `lookup`): where a parameter exists only for some crops."""
        return self._positions(parameter, size, keys)[0] >= 0

    def _positions(self, parameter: str, size: int, keys: dict) -> tuple[np.ndarray, list[dict]]:
        """The profile row taken for each of `size` rows (−1 where none applies), and the
        cases no row applies to."""
        if parameter not in self.parameters.index:
            raise KeyError(f"unknown parameter {parameter!r}")
        used = [q for q in self._qualifiers.get(parameter, []) if q in keys]
        arrays, uniques_by_key, sizes = [], [], []
        for qualifier in used:
            value = keys[qualifier]
            if np.ndim(value) == 0 and not isinstance(value, (pd.Categorical, pd.Series)):
                codes, uniques = np.zeros(size, dtype="int64"), [value]
            elif isinstance(value, pd.Categorical):
                codes, uniques = np.asarray(value.codes, dtype="int64"), list(value.categories)
            else:
                codes, uniques = pd.factorize(np.asarray(value))
                uniques = list(uniques)
            arrays.append(codes)
            uniques_by_key.append(uniques)
            sizes.append(len(uniques))
        if arrays:
            inverse, combos = factorize_codes(*combine_codes(arrays, sizes))
        else:
            inverse, combos = np.zeros(size, dtype="int64"), np.array([0])
        positions = np.empty(len(combos), dtype="int64")
        missing_cases = []
        for i, combo in enumerate(combos):
            case = {}
            combo = int(combo)
            for qualifier, uniques, width in zip(reversed(used), reversed(uniques_by_key), reversed(sizes)):
                combo, code = divmod(combo, width + 1)
                value = uniques[code - 1] if code else None
                case[qualifier] = None if value is None or pd.isna(value) else (int(value) if qualifier == "year" else str(value))
            found = self._resolve_cached(parameter, tuple(sorted(case.items())))
            positions[i] = -1 if found is None else found
            if found is None:
                missing_cases.append(case)
        return positions[inverse], missing_cases

    def lookup_each(self, parameters: np.ndarray, **keys) -> FactorValues:
        """`lookup` where each row names its own parameter (all of one canonical unit), e.g.
        F_MG for a tillage practice and F_I for an input level."""
        names = list(dict.fromkeys(parameters))
        units = {self.parameters.loc[name, "unit"] for name in names}
        if len(units) > 1:
            raise ValueError(f"parameters {', '.join(names)} have different units: {', '.join(sorted(units))}")
        value, tier = np.empty(len(parameters)), np.empty(len(parameters), dtype="int64")
        ids, origin = np.empty(len(parameters), dtype="int64"), np.empty(len(parameters), dtype="int64")
        for name in names:
            rows = np.asarray(parameters) == name
            found = self.lookup(name, int(rows.sum()), **{k: v[rows] if np.ndim(v) else v for k, v in keys.items()})
            value[rows], tier[rows], ids[rows], origin[rows] = found.value, found.tier, found.ids.codes, found.origin.codes
        return FactorValues("/".join(names), value, units.pop() if units else "dimensionless",
                            pd.Categorical.from_codes(ids, categories=self._ids), tier,
                            pd.Categorical.from_codes(origin, categories=self._origins))


@functools.lru_cache(maxsize=None)
def factor_profile(name: str) -> FactorProfile:
    """The loaded profile `name`, read once per process."""
    return FactorProfile(name)
