"""Indirect N2O from managed soils, IPCC Vol. 4 Eq. 11.9–11.11 (Tier 1).

Volatilisation and deposition (Eq. 11.9, with the 2019 disaggregation of Frac_GASF by
fertiliser N form, Table 11.3):

    N2O_(ATD)-N = [Σ_form F_SN,form × Frac_GASF,form + F_ON × Frac_GASM] × EF4

Leaching and runoff (Eq. 11.10), only where leaching occurs — a climate or an irrigation
method with `leaching = yes` in the catalogue (Table 11.3 footnote: wet climates, or
irrigation other than drip):

    N2O_(L)-N = (F_SN + F_ON + F_CR + F_SOM) × Frac_LEACH × EF5

N2O = N2O-N × 44/28 (Eq. 11.11). Volatilisation rows are kept per N form (the terms of
the sum over fertiliser types i in Eq. 11.9; input type F_SN or F_ON), leaching rows per N
input: every row is then N × one fraction × one EF. `factor_value` is the implied kg
N2O-N per kg N of the row, `factor_ids` names the fraction and the EF. The row's tier and
origin are those of EF4 or EF5.
"""

from __future__ import annotations

import numpy as np

from mrv import _catalogues as catalogues
from mrv._factors import join_ids
from mrv.schema import N_FORM_COLUMNS, SYNTHETIC_FORMS
from mrv.sources import soil_carbon
from mrv.sources._common import Block, Inputs
from mrv.sources.n2o_direct import N_INPUTS, input_ids, n_amounts
from mrv.units import N2O_PER_N2O_N, magnitude, quantity

VOLATILISATION = "n2o_indirect_volatilisation"
LEACHING = "n2o_indirect_leaching"


def _block(inputs: Inputs, source: str, input_type: str, amounts: tuple[np.ndarray, np.ndarray],
           fraction_parameter: str, fraction_input: str, ef_parameter: str, where=None) -> Block:
    """One row per plot-year of `amounts` (plot-years, kg N): N × fraction × EF (kg N2O-N) × 44/28."""
    plot_year, n_kg = amounts
    if where is not None:
        keep = where(inputs, plot_year)
        plot_year, n_kg = plot_year[keep], n_kg[keep]
    keys = inputs.keys(plot_year, "climate", "crop")
    fraction = inputs.factors.lookup(fraction_parameter, len(plot_year), input=fraction_input, **keys)
    ef = inputs.factors.lookup(ef_parameter, len(plot_year), **keys)
    n2o_n = quantity(n_kg, "kg") * fraction.quantity() * ef.quantity()
    return Block(
        plot_year, source, "N2O", input_type,
        mass_kg=magnitude(n2o_n * N2O_PER_N2O_N, "kg"),
        activity_amount=n_kg, activity_unit="kg N",
        factor_value=fraction.value * ef.value, factor_unit="kg N2O-N/kg N",
        factor=ef, factor_ids=join_ids([(fraction, None), (ef, None),
                                        *input_ids(inputs, input_type, plot_year)]),
    )


def leaching_occurs(inputs: Inputs, plot_year: np.ndarray) -> np.ndarray:
    """Where Frac_LEACH applies: the plot's climate or its irrigation method says so."""
    climates = catalogues.table("climates")["leaching"]
    irrigation = catalogues.table("irrigation")["leaching"]
    keys = inputs.keys(plot_year, "climate", "irrigation")
    return (np.asarray(keys["climate"].map(climates), dtype=bool)
            | np.asarray(keys["irrigation"].map(irrigation), dtype=bool))


def emissions(inputs: Inputs) -> list[Block]:
    volatilisation = [
        _block(inputs, VOLATILISATION, "F_SN" if form in SYNTHETIC_FORMS else "F_ON", inputs.active(column),
               "Frac_GASF" if form in SYNTHETIC_FORMS else "Frac_GASM", form, "EF4")
        for form, column in N_FORM_COLUMNS.items()
    ]
    amounts = {input_type: inputs.active(*n_amounts(inputs, input_type)) for input_type in N_INPUTS}
    amounts["F_SOM"] = soil_carbon.mineralised_n(inputs)
    leaching = [_block(inputs, LEACHING, input_type, n, "Frac_LEACH", input_type, "EF5", where=leaching_occurs)
                for input_type, n in amounts.items()]
    return volatilisation + leaching
