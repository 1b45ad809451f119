"""Indirect N2O from managed soils, IPCC Vol. 4 Eq. 11.9–11.11 (Tier 1).

Volatilisation and deposition (Eq. 11.9, with the 2019 disaggregation of Frac_GASF by
fertiliser N form, Table 11.3):

    N2O_(ATD)-N = [Σ_form F_SN,form × Frac_GASF,form + F_ON × Frac_GASM] × EF4

Leaching and runoff (Eq. 11.10), only where leaching occurs — a climate or an irrigation
method with `leaching = yes` in the catalogue (Table 11.3 footnote: wet climates, or
irrigation other than drip):

    N2O_(L)-N = (F_SN + F_ON) × Frac_LEACH × EF5

N2O = N2O-N × 44/28 (Eq. 11.11). Rows are kept per N input (F_SN, F_ON);
`factor_value` is the implied kg N2O-N per kg N of the row, `factor_ids` lists the
fractions and the EF used. The row's tier and origin are those of EF4 or EF5.
"""

from __future__ import annotations

import numpy as np

from mrv import _catalogues as catalogues
from mrv._factors import join_ids
from mrv.schema import N_FORM_COLUMNS, SYNTHETIC_FORMS
from mrv.sources._common import Block, Inputs
from mrv.sources.n2o_direct import N_INPUTS
from mrv.units import N2O_PER_N2O_N, magnitude, quantity

VOLATILISATION = "n2o_indirect_volatilisation"
LEACHING = "n2o_indirect_leaching"


def _volatilisation(inputs: Inputs) -> list[Block]:
    blocks = []
    for input_type, forms in (("F_SN", SYNTHETIC_FORMS), ("F_ON", ("organic",))):
        by_form = {form: inputs.total(N_FORM_COLUMNS[form]) for form in forms}
        plot_year = np.add.reduce(list(by_form.values())).nonzero()[0]
        keys = inputs.keys(plot_year, "climate", "crop")
        volatilised = quantity(np.zeros(len(plot_year)), "kg")
        parts = []
        for form, total in by_form.items():
            parameter = "Frac_GASF" if input_type == "F_SN" else "Frac_GASM"
            fraction = inputs.factors.lookup(parameter, len(plot_year), input=form, **keys)
            n_form = total[plot_year]
            volatilised = volatilised + quantity(n_form, "kg") * fraction.quantity()
            parts.append((fraction, n_form > 0))
        ef4 = inputs.factors.lookup("EF4", len(plot_year), **keys)
        n2o_n = volatilised * ef4.quantity()
        n_kg = np.add.reduce([total[plot_year] for total in by_form.values()])
        blocks.append(Block(
            plot_year, VOLATILISATION, "N2O", input_type,
            mass_kg=magnitude(n2o_n * N2O_PER_N2O_N, "kg"),
            activity_amount=n_kg, activity_unit="kg N",
            factor_value=magnitude(n2o_n, "kg") / n_kg, factor_unit="kg N2O-N/kg N",
            factor=ef4, factor_ids=join_ids([*parts, (ef4, None)]),
        ))
    return blocks


def leaching_occurs(inputs: Inputs, plot_year: np.ndarray) -> np.ndarray:
    """Where Frac_LEACH applies: the plot's climate or its irrigation method says so."""
    climates = catalogues.table("climates")["leaching"]
    irrigation = catalogues.table("irrigation")["leaching"]
    keys = inputs.keys(plot_year, "climate", "irrigation")
    return (np.asarray(keys["climate"].map(climates), dtype=bool)
            | np.asarray(keys["irrigation"].map(irrigation), dtype=bool))


def _leaching(inputs: Inputs) -> list[Block]:
    blocks = []
    for input_type, columns in N_INPUTS.items():
        plot_year, n_kg = inputs.active(*columns)
        occurs = leaching_occurs(inputs, plot_year)
        plot_year, n_kg = plot_year[occurs], n_kg[occurs]
        keys = inputs.keys(plot_year, "climate", "crop")
        fraction = inputs.factors.lookup("Frac_LEACH", len(plot_year), input=input_type, **keys)
        ef5 = inputs.factors.lookup("EF5", len(plot_year), **keys)
        n2o_n = quantity(n_kg, "kg") * fraction.quantity() * ef5.quantity()
        blocks.append(Block(
            plot_year, LEACHING, "N2O", input_type,
            mass_kg=magnitude(n2o_n * N2O_PER_N2O_N, "kg"),
            activity_amount=n_kg, activity_unit="kg N",
            factor_value=fraction.value * ef5.value, factor_unit="kg N2O-N/kg N",
            factor=ef5, factor_ids=join_ids([(fraction, None), (ef5, None)]),
        ))
    return blocks


def emissions(inputs: Inputs) -> list[Block]:
    return _volatilisation(inputs) + _leaching(inputs)
