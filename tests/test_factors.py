"""Factor files: schema validation with file, line and column; profiles; provenance."""

from __future__ import annotations

import shutil

import pytest

import mrv
from mrv.factors import FactorFileError, factor_set_version, load_catalogue, load_profiles, load_set
from mrv.factors import _loader

SETS = ("ipcc2006", "ipcc2019", "vn2022", "vn_energy")


@pytest.mark.parametrize("name", SETS)
def test_every_factor_row_has_value_unit_source_and_status(name):
    rows = load_set(name).rows
    assert len(rows) and rows["source"].str.len().gt(0).all()
    assert rows["status"].isin(["confirmed", "confirmed-secondary", "to check"]).all()
    # a value seen only in an independent reproduction names that reproduction, never passes as read in the table
    secondary = rows[rows["status"] == "confirmed-secondary"]
    assert secondary["note"].str.contains("confirmed by a secondary source, not the primary table: ").all()
    assert rows["value"].notna().all()
    ranged = rows.dropna(subset=["lower", "upper"])
    assert (ranged["lower"] <= ranged["value"]).all() and (ranged["value"] <= ranged["upper"]).all()


def test_profiles_and_their_chains():
    profiles = load_profiles()
    assert profiles["vn2022"].chain == ("vn2022", "ipcc2006", "vn_energy")
    assert profiles["ipcc2019"].chain[0] == "ipcc2019" and profiles["ipcc2006"].chain[0] == "ipcc2006"


def _copy_data(tmp_path, monkeypatch):
    target = tmp_path / "factors"
    shutil.copytree(_loader.DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(_loader, "DATA_DIR", target)
    monkeypatch.setattr(_loader, "CATALOGUE_DIR", target / "catalogue")
    monkeypatch.setattr(_loader, "SETS_DIR", target / "sets")
    return target


def test_a_bad_value_is_named_by_file_line_and_column(tmp_path, monkeypatch):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "sets" / "ipcc2019" / "factors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",0.016,", ",0,016,", 1)  # a comma decimal adds a cell
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FactorFileError) as caught:
        load_set("ipcc2019")
    assert caught.value.path == path and caught.value.line == 3
    assert "quote cells" in str(caught.value)


@pytest.mark.parametrize(("column_value", "replacement", "column"), [
    ("kg/kg,0.013", "kg/kg,abc", "lower"),
    (",confirmed,wet climate; synthetic", ",sure,wet climate; synthetic", "status"),
    (",wet,,F_SN,", ",humid,,F_SN,", "climate"),
])
def test_schema_faults(tmp_path, monkeypatch, column_value, replacement, column):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "sets" / "ipcc2019" / "factors.csv"
    text = path.read_text(encoding="utf-8")
    assert column_value in text
    path.write_text(text.replace(column_value, replacement, 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as caught:
        load_set("ipcc2019")
    assert caught.value.column == column and caught.value.line == 3


@pytest.mark.parametrize(("row", "replacement", "column"), [
    # a normal distribution needs a symmetric range: 0.013–0.019 is symmetric about 0.016, 0.013–0.025 is not
    ("0.016,kg/kg,0.013,0.019,normal", "0.016,kg/kg,0.013,0.025,normal", "distribution"),
    ("0.016,kg/kg,0.013,0.019,normal", "0.016,kg/kg,0.013,0.019,", "distribution"),  # a range needs its distribution
    ("0.016,kg/kg,0.013,0.019,normal", "0.016,kg/kg,0.013,,normal", "upper"),  # one end only
    ("0.016,kg/kg,0.013,0.019,normal", "0.016,kg/kg,0.017,0.019,triangular", "upper"),  # the value outside its range
    ("0.005,kg/kg,0.000,0.011,triangular", "0.005,kg/kg,0.000,0.011,lognormal", "distribution"),  # log of 0
    ("0.010,kg/kg,,,,", "0.010,kg/kg,,,normal,", "distribution"),  # no range, no distribution
])
def test_ranges_and_their_distributions(tmp_path, monkeypatch, row, replacement, column):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "sets" / "ipcc2019" / "factors.csv"
    text = path.read_text(encoding="utf-8")
    assert row in text
    path.write_text(text.replace(row, replacement, 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as caught:
        load_set("ipcc2019")
    assert caught.value.column == column


def test_a_unit_that_does_not_fit_its_parameter_is_refused(tmp_path, monkeypatch):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "sets" / "ipcc2006" / "factors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("6.5,t/ha", "6.5,t/m", 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as caught:
        mrv.FactorProfile("ipcc2006")
    assert caught.value.column == "unit" and caught.value.value == "t/m"


@pytest.mark.parametrize(("old", "new", "column", "value"), [
    ("0.016,kg/kg,0.013,0.019,normal", "1.6,kg/kg,1.3,1.9,normal", "value", "1.6 kg/kg"),  # EF1 is a fraction
    ("0.016,kg/kg,0.013,0.019,normal", "1.6,%,1.3,1.9,normal", "value", "0.016 kg/kg"),  # the same, in %: fine
    ("0.016,kg/kg,0.013,0.019,normal", "0.016,kg/kg,-0.013,0.045,normal", "lower", "-0.013 kg/kg"),
])
def test_a_factor_outside_its_physical_bounds_is_refused(tmp_path, monkeypatch, old, new, column, value):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "sets" / "ipcc2019" / "factors.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    mrv.factor_profile.cache_clear()
    if new.startswith("1.6,%"):
        assert mrv.FactorProfile("ipcc2019").rows.set_index("id").at["ipcc2019.EF1.wet.F_SN", "value"] == 0.016
        return
    with pytest.raises(FactorFileError) as caught:
        mrv.FactorProfile("ipcc2019")
    assert (caught.value.path, caught.value.line, caught.value.column, caught.value.value) == (
        str(path), 3, column, value)
    assert "physical bounds, 0 to 1 kg/kg" in str(caught.value)


@pytest.mark.parametrize(("old", "new", "column"), [
    (",46,1,0,0,0,1,", ",146,1,0,0,0,1,", "n_percent"),  # urea: 146 % N
    (",46,1,0,0,0,1,", ",46,1.5,0,0,-0.5,1,", "n_urea"),  # shares adding up to 1, one of them above 1
])
def test_catalogue_numbers_outside_their_bounds_are_refused(tmp_path, monkeypatch, old, new, column):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "catalogue" / "products.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as caught:
        load_catalogue("products")
    assert (caught.value.line, caught.value.column) == (2, column)


def test_a_gwp_set_with_origins_covers_every_source_of_the_gas():
    """AR6-origin gives CH4 only by carbon origin: a CH4 row of a source whose carbon origin
    sources.csv leaves blank has no value, and says which file to complete."""
    from mrv import _catalogues
    assert list(_catalogues.gwp("AR6-origin", ["CH4", "CH4", "N2O"], ["rice_ch4", "energy_diesel", "n2o_direct"])) \
        == [27.0, 29.8, 273.0]
    with pytest.raises(ValueError, match="no CH4 value for n2o_direct .*catalogue/gwp.csv"):
        _catalogues.gwp("AR6-origin", ["CH4"], ["n2o_direct"])
    with pytest.raises(ValueError, match="unknown GWP set 'AR7'; choose one of: AR4, AR5, AR6, AR6-origin"):
        _catalogues.gwp("AR7", [], [])


def test_fertiliser_n_shares_must_add_up(tmp_path, monkeypatch):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "catalogue" / "products.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",46,1,0,0,0,1,", ",46,0.5,0,0,0,1,", 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as caught:
        load_catalogue("products")
    assert caught.value.line == 2


def test_version_is_a_hash_of_the_content(tmp_path, monkeypatch):
    before = factor_set_version()
    data = _copy_data(tmp_path, monkeypatch)
    assert factor_set_version() == before
    path = data / "sets" / "vn_energy" / "factors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("TCVN 5689)", "TCVN 5689)", 1).replace(",to check,compare", ",confirmed,compare"), encoding="utf-8")
    assert factor_set_version() != before


def test_lookup_walks_the_chain_and_prefers_the_most_specific_row():
    vn = mrv.factor_profile("vn2022")
    found = vn.lookup("EF1", 3, crop=["coffee", "pepper", "coffee"], input=["F_SN", "F_SN", "F_CR"])
    assert list(found.value) == [0.0176, 0.01, 0.01]
    assert list(found.ids) == ["vn2022.EF1.coffee.F_SN", "vn2022.EF1", "vn2022.EF1"]
    fraction = vn.lookup("Frac_GASF", 1, input="urea")  # QĐ 2626 has none: IPCC 2006
    assert list(fraction.ids) == ["ipcc2006.Frac_GASF"] and list(fraction.origin) == ["ipcc"]
    grid = vn.lookup("grid_ef", 2, gas="CO2", year=[2020, 2031])
    assert list(grid.ids) == ["vn_energy.grid_ef.2020", "vn_energy.grid_ef.2023"]
    assert list(grid.value) == pytest.approx([0.8041, 0.6592])


def test_converted_to_the_parameters_canonical_unit():
    profile = mrv.factor_profile("ipcc2006")
    assert set(profile.rows["canonical_unit"]) >= {"kg/kg", "t/ha", "g/kg", "kg/TJ", "t/MWh"}
