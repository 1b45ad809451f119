"""Emission sources, one module per IPCC equation group. Each exposes
`emissions(inputs) -> list[Block]`, a pure vectorised function of the activity frame; a
stock change also `series(activity, factors, through)`, the years its rows run over."""

from mrv.sources import (
    biomass_carbon,
    energy_diesel,
    energy_electricity,
    liming_co2,
    n2o_direct,
    n2o_indirect,
    residue_burning,
    rice_ch4,
    soil_carbon,
    urea_co2,
)

#: Every source, in the order its rows appear in the results.
SOURCES = (n2o_direct, n2o_indirect, urea_co2, liming_co2, residue_burning, rice_ch4, biomass_carbon, soil_carbon,
           energy_diesel, energy_electricity)

#: The sources whose stock changes run over years (`series(activity, factors, through)`).
STOCK_CHANGES = (biomass_carbon, soil_carbon)

__all__ = ["SOURCES", "STOCK_CHANGES"]
