"""Grid electricity for irrigation pumping, boundary `scope2` (location-based).

    CO2 = electricity consumed (MWh) × grid EF of the data year (t CO2/MWh)

The factor is the latest published Vietnamese grid factor not after the record's year
(a later year uses the latest value, and its id says which year). Grid electricity is
already counted in the national inventory under 1.A.1: these rows are a memo item and
never part of an inventory total.
"""

from __future__ import annotations

from mrv.sources._common import Block, Inputs
from mrv.units import magnitude, quantity

SOURCE = "energy_electricity"


def emissions(inputs: Inputs) -> list[Block]:
    plot_year, kwh = inputs.active("electricity_kwh")
    ef = inputs.factors.lookup("grid_ef", len(plot_year), gas="CO2", **inputs.keys(plot_year, "year"))
    return [Block(
        plot_year, SOURCE, "CO2", "grid",
        mass_kg=magnitude(quantity(kwh, "kWh") * ef.quantity(), "kg"),
        activity_amount=kwh, activity_unit="kWh",
        factor_value=magnitude(ef.quantity(), "kg/kWh"), factor_unit="kg CO2/kWh",
        factor=ef, factor_ids=ef.ids,
    )]
