"""Numbers and units as people type them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrv._numbers import NumberError, parse_number, parse_numbers
from mrv._quantities import UnitError, resolve_unit, unit_factor
from mrv._text import text_key
from mrv.units import Q_, magnitude, quantity


@pytest.mark.parametrize(("text", "locale", "value"), [
    ("2,5", None, 2.5), ("2.5", None, 2.5), ("12", None, 12), (" 7 ", None, 7), ("0.500", None, 0.5),
    ("1.234,5", None, 1234.5), ("1,234.5", None, 1234.5), ("1.200.000", None, 1_200_000), ("1 200", None, 1200),
    ("1.200", "vi", 1200), ("1.200", "en", 1.2), ("1,200", "en", 1200), ("1,200", "vi", 1.2), ("2,5", "vi", 2.5),
    ("1234.5678", None, 1234.5678), ("-3", None, -3),
])
def test_numbers_as_typed(text, locale, value):
    assert parse_number(text, locale) == pytest.approx(value)


@pytest.mark.parametrize(("text", "locale"), [("1.200", None), ("1,200", None), ("abc", None), ("2.5", "vi"),
                                              ("2,5", "en"), ("1.2.3", None), ("", None), ("1,2,3.4", "en")])
def test_numbers_refused(text, locale):
    with pytest.raises(NumberError) as caught:
        parse_number(text, locale)
    assert caught.value.fix


typed_numbers = st.one_of(
    st.integers(0, 10**7).map(str),
    st.tuples(st.integers(0, 99999), st.integers(0, 9999)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.tuples(st.integers(0, 99999), st.integers(0, 9999)).map(lambda t: f"{t[0]},{t[1]}"),
    st.tuples(st.integers(0, 999), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]:03d}"),
    st.text(alphabet="0123456789., -", min_size=1, max_size=9),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(typed_numbers, min_size=1, max_size=20), st.sampled_from([None, "vi", "en"]))
def test_vectorised_parsing_agrees_with_the_parser_of_one_value(texts, locale):
    values, errors = parse_numbers(pd.Series(texts, dtype=object), locale)
    for position, text in enumerate(texts):
        try:
            expected = parse_number(text, locale)
        except NumberError:
            assert position in errors and np.isnan(values[position])
        else:
            assert position not in errors and values[position] == expected


@pytest.mark.parametrize(("typed", "key"), [("Sào-Nam", "sao_nam"), ("sao nam", "sao_nam"), ("sào_nam", "sao_nam"),
                                            ("tạ", "ta"), ("Đạm SA", "dam_sa"), ("  phân   urê ", "phan_ure")])
def test_text_keys_fold_diacritics_case_and_separators(typed, key):
    assert text_key(typed) == key


@pytest.mark.parametrize(("text", "canonical", "factor"), [
    ("tấn", "kg", 1000), ("tạ", "kg", 100), ("ta", "kg", 100), ("yến", "kg", 10), ("kg", "kg", 1),
    ("sào bắc", "ha", 0.036), ("sào trung", "ha", 0.05), ("sao-nam", "ha", 0.1), ("công", "ha", 0.1),
    ("công lớn", "ha", 0.1296), ("mẫu nam", "ha", 1.0), ("m²", "ha", 1e-4), ("m2", "ha", 1e-4), ("ha", "ha", 1),
    ("lít", "L", 1), ("kWh", "kWh", 1), ("số điện", "kWh", 1), ("MWh", "kWh", 1000),
])
def test_vietnamese_units(text, canonical, factor):
    dimension = {"kg": "mass", "ha": "area", "L": "volume", "kWh": "energy"}[canonical]
    assert unit_factor(text, canonical, dimension, None, np.nan, None) == pytest.approx(factor)


def test_bare_sao_and_mau_need_a_variant():
    with pytest.raises(UnitError):
        resolve_unit("sào", None)
    assert resolve_unit("sào", "trung") == "sao_trung"
    assert unit_factor("mẫu", "ha", "area", "bac", np.nan, None) == pytest.approx(0.36)


def test_bags_take_the_catalogue_mass_and_refuse_without_it():
    assert unit_factor("bao", "kg", "mass", None, 50.0, "urea") == 50
    with pytest.raises(UnitError):
        unit_factor("bao", "kg", "mass", None, np.nan, "compost")


def test_species_never_hide_in_units():
    # "kg N" is kilogram·newton to pint: not a mass, so refused.
    with pytest.raises(UnitError):
        unit_factor("kg N", "kg", "mass", None, np.nan, None)


def test_whole_arrays_carry_units():
    area = quantity([1.0, 5.0], "sao_nam")
    assert list(magnitude(area, "ha")) == pytest.approx([0.1, 0.5])
    with pytest.raises(Exception):
        magnitude(Q_(np.ones(3), "kg"), "ha")
