"""Carbon in the woody biomass of perennial crops and the trees among them, IPCC 2006
Vol. 4 §2.3.1: Tier 1 with the defaults of Table 5.1 (gain-loss method, Eq. 2.7, 2.9 and
2.11), Tier 2 from tree inventories (stock-difference method, Eq. 2.8).

Tier 1, as Table 5.1 sets it out: a perennial crop's above-ground woody biomass grows at
the accumulation rate G (t C/ha/yr) in each year of its harvest or maturity cycle of T
years, counting the planting year as the first, and not after it (no fraction of a year
beyond the cycle: 8 × 2.6 = 20.8 t C/ha in the tropical moist row, which the table rounds
to 21 as its stock at harvest). A `clearing` record (area cleared, for replanting)
releases the stock standing on the cleared area before the clearing:

    age = year − planting year (0 in the planting year)
    stock(age) = min(age, T) × G                                        at the start of the year
    ΔC_G = G × (area − area cleared)  when age < T, else 0              growth: a removal
    ΔC_L = stock(age) × area cleared                                    loss: an emission
    CO2 = ∓ ΔC × 44/12

Only plots of a perennial crop (crops.csv `lifecycle`) with a planting year get rows. A
removal has a negative `mass_kg` and a negative `factor_value` (kg C per ha). When cleared
wood is burnt, its CO2 is in this loss only (residue burning counts CH4 and N2O). After a
clearing the plot's planting year is the replanting year. A loss names G, and T too once
the plot had completed its cycle (the stock is then T × G).

Tier 2. A `tree_inventory` record counts the trees of one kind on the plot (shade trees,
durian, coffee bushes, …) with their mean stem diameter D, height H and wood density ρ;
each kind's equation (allometries.csv) gives a tree's above-ground dry matter: Chave et
al. (2014) a × (ρ D² H)^b for trees, Segura et al. (2006) 10^(a + b log10 D + c log10 H)
for coffee bushes. The plot's stock in an inventory year is

    C = Σ trees × AGB × (1 + R) × CF        (kg C; R root:shoot, Table 4.4; CF 0.47, Table 4.3)

and between two inventories t1 < t2 every year t1 < y ≤ t2 takes (C_t2 − C_t1) / (t2 − t1),
whether or not the plot has other records that year: a removal when the trees grew, an
emission when they were cut. A plot with an inventory keeps Tier 2 in every year (no step
in its series when data improve): its Tier 1 rows are not computed, and years outside its
inventories have no biomass row.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._factors import join_ids, related_ids
from mrv.sources._common import Block, Inputs
from mrv.units import CO2_PER_C, magnitude, quantity

SOURCE = "biomass_carbon"
KG_PER_T = 1000.0


def series(activity: pd.DataFrame, factors, through: int) -> pd.DataFrame:
    """Tier 2's years (`mrv.sources._common.SERIES_COLUMNS`): each year after a plot's
    first tree inventory up to its last, recorded or not."""
    counted = activity[activity["trees"].to_numpy() > 0]
    spans = counted.groupby(counted["plot_id"].astype(str), observed=True)["year"].agg(["min", "max"])
    return pd.DataFrame({"plot_id": spans.index, "first": spans["min"].to_numpy() + 1, "last": spans["max"].to_numpy()})


def _inventoried(inputs: Inputs) -> np.ndarray:
    """Per plot-year: whether its plot has a tree inventory in any year of the input."""
    activity = inputs.activity
    counted = set(activity.loc[activity["trees"].to_numpy() > 0, "plot_id"].astype(str))
    return inputs.plot_years["plot_id"].astype(str).isin(counted).to_numpy()


def _tree_dry_matter_kg(inputs: Inputs, rows: np.ndarray) -> np.ndarray:
    """Above-ground dry matter (kg) of one mean tree of each inventory record, by the
    equation of its kind of tree (products.csv `allometry`, allometries.csv)."""
    activity = inputs.activity
    kind = inputs.text_at("product", rows)
    equation = catalogues.table("allometries").loc[catalogues.table("products").loc[kind, "allometry"]]
    diameter, height = activity["diameter_cm"].to_numpy()[rows], activity["height_m"].to_numpy()[rows]
    a, b, c = (equation[k].to_numpy(dtype="float64") for k in ("a", "b", "c"))
    with np.errstate(invalid="ignore"):  # each row takes the form of its equation; the other may be NaN
        by_density = a * (activity["wood_density"].to_numpy()[rows] * diameter ** 2 * height) ** b
        by_log = 10 ** (a + b * np.log10(diameter) + np.nan_to_num(c) * np.log10(height))
    return np.where(equation["form"].to_numpy() == "density_diameter_height", by_density, by_log)


def _inventory_changes(inputs: Inputs) -> list[Block]:
    """Tier 2: the stock difference between a plot's consecutive tree inventories (Eq. 2.8)."""
    activity = inputs.activity
    rows = np.flatnonzero(activity["trees"].to_numpy() > 0)
    if not len(rows):
        return []
    dry_matter = activity["trees"].to_numpy()[rows] * _tree_dry_matter_kg(inputs, rows)
    climate = activity["climate"].array.take(rows)
    root_shoot = inputs.factors.lookup("root_shoot", len(rows), climate=climate)
    fraction = inputs.factors.lookup("carbon_fraction", len(rows), climate=climate)
    stocks = pd.DataFrame({"plot_id": inputs.text_at("plot_id", rows),
                           "year": activity["year"].to_numpy()[rows],
                           "carbon_kg": dry_matter * (1 + root_shoot.value) * fraction.value,
                           "record": np.arange(len(rows))})
    stocks = stocks.groupby(["plot_id", "year"], as_index=False).agg(carbon_kg=("carbon_kg", "sum"),
                                                                      record=("record", "first"))
    stocks["until"] = stocks.groupby("plot_id")["year"].shift(-1)
    stocks["change_kg"] = stocks.groupby("plot_id")["carbon_kg"].shift(-1) - stocks["carbon_kg"]
    pairs = stocks.dropna(subset=["until"])
    plots = inputs.plot_years
    matched = inputs.plot_years_of(pairs["plot_id"].unique()).merge(pairs, on="plot_id", suffixes=("", "_from"))
    matched = matched[(matched["year"] > matched["year_from"]) & (matched["year"] <= matched["until"])]
    plot_year = matched["plot_year"].to_numpy()
    per_year_kg = (matched["change_kg"] / (matched["until"] - matched["year_from"])).to_numpy()
    area = plots["plot_area_ha"].to_numpy()[plot_year]
    first = matched["record"].to_numpy()
    factor = dataclasses.replace(fraction.take(first), tier=np.full(len(first), 2))
    carbon_kg = quantity(per_year_kg, "kg")
    return [Block(
        plot_year, SOURCE, "CO2", "inventory",
        mass_kg=-magnitude(carbon_kg * CO2_PER_C, "kg"),
        activity_amount=area, activity_unit="ha of perennial crop",
        factor_value=per_year_kg / area, factor_unit="kg C/ha",
        factor=factor, factor_ids=join_ids([(fraction.take(first), None),
                                            (related_ids("one_plus", root_shoot.take(first).ids), None)]),
    )]


def emissions(inputs: Inputs) -> list[Block]:
    return _tier_1(inputs) + _inventory_changes(inputs)


def _tier_1(inputs: Inputs) -> list[Block]:
    """Tier 1 growth and clearing rows of the perennial plots that have no tree inventory, in
    the years they have records."""
    plots = inputs.plot_years
    perennial = plots["crop"].astype(str).map(catalogues.table("crops")["lifecycle"]).to_numpy() == "perennial"
    age = plots["year"].to_numpy() - plots["planting_year"].to_numpy(dtype="float64")
    plot_year = np.flatnonzero(perennial & (age >= 0) & ~_inventoried(inputs) & plots["recorded"].to_numpy(dtype=bool))
    if not len(plot_year):
        return []
    age = age[plot_year]
    keys = inputs.keys(plot_year, "climate", "crop")
    growth = inputs.factors.lookup("biomass_growth", len(plot_year), **keys)
    cycle = inputs.factors.lookup("maturity_cycle", len(plot_year), **keys)
    rate, years = magnitude(growth.quantity(), "t/ha"), magnitude(cycle.quantity(), "year")
    grown = age >= years  # the cycle completed before this year: no growth, the stock is T × G
    stock = np.minimum(age, years) * rate
    area = plots["plot_area_ha"].to_numpy()[plot_year]
    cleared = np.minimum(inputs.total("cleared_area_ha")[plot_year], area)
    blocks = []
    for input_type, per_ha, hectares, uses_cycle in (
        ("growth", np.where(grown, 0.0, -rate), area - cleared, np.zeros_like(grown)),  # a year of the cycle
        ("clearing", stock, cleared, grown),
    ):
        active = (per_ha != 0) & (hectares > 0)
        c_kg = quantity(hectares[active] * per_ha[active] * KG_PER_T, "kg")
        blocks.append(Block(
            plot_year[active], SOURCE, "CO2", input_type,
            mass_kg=magnitude(c_kg * CO2_PER_C, "kg"),
            activity_amount=hectares[active], activity_unit="ha of perennial crop",
            factor_value=per_ha[active] * KG_PER_T, factor_unit="kg C/ha",
            factor=growth.take(active),
            factor_ids=join_ids([(growth.take(active), None), (cycle.take(active), uses_cycle[active])]),
        ))
    return blocks
