"""CH4 from rice cultivation, IPCC 2019 Vol. 4 Eq. 5.1–5.3 (Tier 1, or Tier 2 with the
national EF_c of QĐ 2626/QĐ-BTNMT), one row per rice season:

    CH4 = EF × t × A,   EF = EF_c × SF_w × SF_p × SF_o,   SF_o = (1 + Σ ROA_i × CFOA_i)^0.59

t is the season's cultivation days and A its area (a `rice_season` record). EF_c is
looked up by the commune's region and the season (QĐ 2626 rows; IPCC's regional default
otherwise), SF_w by the water regime, SF_p by the pre-season regime. ROA_i is t per ha of
each organic amendment of the season: straw in dry weight (the record's dry_matter, which a
straw record must give: IPCC has no default for straw as weighed), compost, manure and green
manure as applied (fresh weight).
Upland rice (SF_w = 0) gets no row. The factor ids of a row name every factor that went
into its EF; SF_o is not linear in CFOA, so an uncertainty draw that scales the row by
each factor's ratio approximates it.

A row's activity is the season's harvested area A (the CRT's activity for rice) and its
factor the daily EF: its CH4 is A × EF × t, so t = CH4 / (A × EF) is kept without a
column of its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._factors import join_ids
from mrv.factors._loader import AMENDMENTS
from mrv.sources._common import Block, Inputs
from mrv.units import magnitude, quantity

SOURCE = "rice_ch4"
KG_PER_T = 1000.0
SF_O_EXPONENT = 0.59  # IPCC 2019 Vol. 4 Eq. 5.3


def _amendments(inputs: Inputs, seasons: np.ndarray) -> dict[str, np.ndarray]:
    """t of each amendment class per season row (straw in dry weight: the record's dry matter)."""
    activity = inputs.activity
    key = [inputs.codes, activity["rice_season"].cat.codes.to_numpy()]
    season_key = pd.MultiIndex.from_arrays([k[seasons] for k in key])

    def per_season(values: np.ndarray) -> np.ndarray:
        return pd.Series(values, dtype="float64").groupby(key).sum().reindex(season_key, fill_value=0.0).to_numpy()

    classes = catalogues.take("products", "amendment", activity["product"].cat.codes.to_numpy())
    straw_kg = activity["straw_kg"].to_numpy()
    dry_straw_kg = np.where(straw_kg > 0, straw_kg * activity["dry_matter"].to_numpy() / 100, 0.0)
    product_kg = activity["product_kg"].to_numpy()
    return {amendment: per_season(np.where(classes == amendment, dry_straw_kg if amendment.startswith("straw")
                                           else product_kg, 0.0)) / KG_PER_T
            for amendment in AMENDMENTS if (classes == amendment).any()}


def emissions(inputs: Inputs) -> list[Block]:
    activity = inputs.activity
    area = activity["rice_area_ha"].to_numpy()
    seasons = np.flatnonzero(area > 0)
    if not len(seasons):
        return []
    n = len(seasons)
    take = {column: activity[column].array.take(seasons) for column in
            ("rice_season", "water_regime", "pre_season", "rice_region")}
    ef_c = inputs.factors.lookup("EF_c", n, region=take["rice_region"], season=take["rice_season"])
    sf_w = inputs.factors.lookup("SF_w", n, input=take["water_regime"])
    sf_p = inputs.factors.lookup("SF_p", n, input=take["pre_season"])
    roa = _amendments(inputs, seasons)
    hectares = area[seasons]
    sum_roa_cfoa = np.zeros(n)
    used = []
    for amendment, tonnes in roa.items():
        cfoa = inputs.factors.lookup("CFOA", n, input=amendment)
        sum_roa_cfoa += tonnes / hectares * cfoa.value
        used.append((cfoa, tonnes > 0))
    sf_o = (1 + sum_roa_cfoa) ** SF_O_EXPONENT
    daily = ef_c.quantity() * sf_w.value * sf_p.value * sf_o
    days = activity["days"].to_numpy()[seasons]
    ch4_kg = magnitude(daily * quantity(days, "day") * quantity(hectares, "ha"), "kg")
    ids = join_ids([(ef_c, None), (sf_w, None), (sf_p, None), *used])
    plot_year = inputs.codes[seasons]
    season_ids, regimes = np.asarray(take["rice_season"], dtype=object), np.asarray(take["water_regime"], dtype=object)
    blocks = []
    for season, regime in sorted({(s, r) for s, r in zip(season_ids, regimes)}):
        rows = (season_ids == season) & (regimes == regime) & (ch4_kg > 0)
        if not rows.any():
            continue
        blocks.append(Block(
            plot_year[rows], SOURCE, "CH4", regime,
            mass_kg=ch4_kg[rows],
            activity_amount=hectares[rows], activity_unit="ha harvested",
            factor_value=magnitude(daily, "kg/ha/day")[rows], factor_unit="kg CH4/ha/day",
            factor=ef_c.take(rows), factor_ids=ids[rows], season=season,
        ))
    return blocks
