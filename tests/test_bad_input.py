"""Each kind of bad input stops the run with a message naming file, row, column, value and
fix; nothing is computed, and the command writes nothing."""

from __future__ import annotations

import unicodedata

import pytest

import mrv
from tests.helpers import plots_frame, records_frame


def problems_of(plots, records, **options) -> list[mrv.Problem]:
    with pytest.raises(mrv.InputError) as caught:
        mrv.calculate(plots, records, **options)
    return caught.value.problems


def only_problem(plots, records, **options) -> mrv.Problem:
    problems = problems_of(plots, records, **options)
    assert len(problems) == 1, problems
    return problems[0]


def fertiliser(**overrides) -> dict:
    return {"plot_id": "P1", "activity": "fertiliser", "product": "urea", "quantity": "100", "unit": "kg", **overrides}


def practice_change(**overrides) -> dict:
    return {"plot_id": "P1", "activity": "thay đổi canh tác đất", "product": "không làm đất",
            "previous_practice": "cày lật", "quantity": "1", "unit": "ha", **overrides}


def tree_inventory(**overrides) -> dict:
    return {"plot_id": "P1", "activity": "kiểm kê cây", "product": "cây che bóng", "quantity": "120", "unit": "cây",
            "diameter_cm": "20", "height_m": "12", "wood_density": "0,55", **overrides}


@pytest.mark.parametrize(
    ("record", "column", "value", "words"),
    [
        (fertiliser(quantity="-5"), "quantity", "-5", "0 or more"),
        (fertiliser(quantity="9" * 400), "quantity", "9" * 400, "at most 15 digits"),
        (fertiliser(quantity="25000000000"), "quantity", "25000000000", "at most 1 000 000 000"),
        (fertiliser(quantity="ba bao"), "quantity", "ba bao", "number"),
        (fertiliser(quantity="1.200"), "quantity", "1.200", "locale"),
        (fertiliser(product="unobtainium"), "product", "unobtainium", "products.csv"),
        (fertiliser(product="đạm", unit="bao"), "product", "đạm", "can mean"),  # not a second problem for its bag
        (fertiliser(unit="furlong"), "unit", "furlong", "kg, tạ, tấn"),
        (fertiliser(unit="ha"), "unit", "ha", "mass"),
        ({"plot_id": "P1", "activity": "lime", "product": "vôi", "quantity": "5", "unit": "kg"}, "product", "vôi",
         "vôi sống"),
        ({"plot_id": "P1", "activity": "lime", "product": "dolomite", "quantity": "5", "unit": "bao"}, "unit", "bao",
         "bag mass"),
        (fertiliser(plot_id="P9"), "plot_id", "P9", "plots file"),
        (fertiliser(product="compost"), "n_content", "", "N content (%) of phân compost"),
        (fertiliser(n_content="120"), "n_content", "120", "between 0 and 100"),
        ({"plot_id": "P1", "activity": "diesel", "quantity": "5", "unit": "L"}, "use", "", "pump or machinery"),
        (fertiliser(activity="cày"), "activity", "cày", "activity"),
        (fertiliser(year="", date="2025-13-40"), "date", "2025-13-40", "15/03/2025 (ngày/tháng/năm)"),
        (fertiliser(year="", date="31/02/2025"), "date", "31/02/2025", "a real date"),
        (fertiliser(year="", date="15/03/25"), "date", "15/03/25", "four-digit year"),
        (fertiliser(year="2024", date="2025-03-01"), "year", "2024", "date"),
        (fertiliser(year=""), "year", "", "year"),
        (fertiliser(product="kcl", activity="lime"), "product", "kcl", "lime"),
        ({"plot_id": "P1", "activity": "harvest", "product": "mía cây", "quantity": "5", "unit": "tấn"}, "product",
         "mía cây", "plot's crop"),
        (practice_change(previous_practice=""), "previous_practice", "", "practice before the change"),
        (practice_change(previous_practice="đầu vào thấp"), "previous_practice", "đầu vào thấp",
         "tillage with tillage"),
        (practice_change(previous_practice="cày sâu"), "previous_practice", "cày sâu", "products.csv"),
        (practice_change(product="urê"), "product", "urê", "soil_practice"),
        (fertiliser(previous_practice="cày lật"), "previous_practice", "cày lật", "soil_management"),
        (tree_inventory(diameter_cm=""), "diameter_cm", "", "mean stem diameter"),
        (tree_inventory(height_m="0"), "height_m", "0", "above 0"),
        (tree_inventory(wood_density=""), "wood_density", "", "Global Wood Density Database"),
        (tree_inventory(wood_density="5"), "wood_density", "5", "between 0 and 1.5"),
        (tree_inventory(unit="kg"), "unit", "kg", "cây, gốc"),
        (tree_inventory(product="urê"), "product", "urê", "tree"),
        (fertiliser(height_m="12"), "height_m", "12", "tree_inventory"),
    ],
)
def test_bad_record_is_named_with_row_column_value_and_fix(record, column, value, words):
    problem = only_problem(plots_frame({}), records_frame(fertiliser(), record))
    assert (problem.file, problem.row, problem.column, problem.value) == ("records.csv", 3, column, value)
    assert words in problem.expected + problem.fix
    assert problem.fix


def test_bare_sao_without_a_default_lists_the_variants():
    problem = only_problem(plots_frame({"area": "5", "area_unit": "sào"}), records_frame(fertiliser()))
    assert (problem.file, problem.row, problem.column, problem.value) == ("plots.csv", 2, "area_unit", "sào")
    assert "sào bắc (360 m²)" in problem.expected and "sào nam (1 000 m²)" in problem.expected
    assert "--sao" in problem.fix and "sao_variant" in problem.fix


@pytest.mark.parametrize(("default", "hectares"), [("nam", 0.5), ("trung", 0.25), ("bac", 0.18)])
def test_bare_sao_with_a_declared_default(default, hectares):
    plots = plots_frame({"area": "5", "area_unit": "sào"})
    by_option = mrv.normalize(plots, records_frame(fertiliser()), sao=default)
    assert by_option["plot_area_ha"].iloc[0] == pytest.approx(hectares)
    by_plot = mrv.normalize(plots_frame({"area": "5", "area_unit": "sào", "sao_variant": default}), records_frame(fertiliser()))
    assert by_plot["plot_area_ha"].iloc[0] == pytest.approx(hectares)


def test_bad_plots_are_listed_with_bad_records_all_at_once():
    plots = plots_frame({"crop": "cà phê"}, {"crop": "cây gì đó", "area": "0", "climate": "mưa nhiều"})
    records = records_frame(fertiliser(quantity="x"), fertiliser(plot_id="P2", unit="bao tải"))
    problems = problems_of(plots, records)
    where = {(p.file, p.row, p.column) for p in problems}
    assert {("plots.csv", 3, "crop"), ("plots.csv", 3, "area"), ("plots.csv", 3, "climate"),
            ("records.csv", 2, "quantity"), ("records.csv", 3, "unit")} <= where


def test_missing_columns_are_named():
    records = records_frame(fertiliser()).drop(columns=["unit"])
    problem = only_problem(plots_frame({}), records)
    assert (problem.row, problem.column) == (1, "unit")


def test_duplicate_plot_ids_are_refused():
    plots = plots_frame({}, {})
    plots.loc[1, "plot_id"] = "P1"
    problem = only_problem(plots, records_frame(fertiliser()))
    assert (problem.file, problem.row, problem.column, problem.value) == ("plots.csv", 3, "plot_id", "P1")


def test_ambiguous_number_parses_once_the_locale_is_declared():
    records = records_frame(fertiliser(quantity="1.200"))
    vi = mrv.normalize(plots_frame({}), records, locale="vi")
    en = mrv.normalize(plots_frame({}), records, locale="en")
    assert vi["product_kg"].iloc[0] == 1200 and en["product_kg"].iloc[0] == pytest.approx(1.2)


def test_a_line_with_extra_cells_is_refused_not_shifted(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,activity,product,quantity,unit,n_content\n"
                    "P1,2025,fertiliser,urea,100,kg,\n"
                    "P1,2025,fertiliser,urea,2,5,tạ,\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        mrv.read_table(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.row) == (str(path), 3) and "found 8" in problem.expected


def test_cells_are_read_as_typed(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("\ufeffplot_id,year,activity,product,quantity,unit,n_content\n"
                    "007,2025,fertiliser,phân urê,1.200,kg,\n", encoding="utf-8")
    frame = mrv.read_table(path)
    assert list(frame.columns)[0] == "plot_id"
    assert frame.iloc[0].astype(str).tolist() == ["007", "2025", "fertiliser", "phân urê", "1.200", "kg", ""]


def test_decomposed_vietnamese_is_read_composed_and_rows_of_only_spaces_are_left_out(tmp_path):
    """Text typed on a Mac or pasted from the web may come decomposed (NFD: "ư" as u + horn);
    a row Excel saved as separators, spaces or a non-breaking space is blank."""
    path = tmp_path / "records.csv"
    decomposed = unicodedata.normalize("NFD", "phân urê")
    assert decomposed != "phân urê"
    path.write_text("plot_id,year,activity,product,quantity,unit,n_content\n"
                    f"P1,2025,fertiliser,{decomposed},2,bao,\n"
                    " , ,\u00a0,,\t,,\n"
                    "P1,2025,fertiliser,phân urê,1,bao,\n", encoding="utf-8")
    frame = mrv.read_table(path)
    assert frame["product"].astype(str).tolist() == ["phân urê", "phân urê"]
    assert [text for text in frame["product"].cat.categories if text] == ["phân urê"]  # one text, parsed once
    assert frame.attrs["row_numbers"].tolist() == [2, 4]


def rice_season(**overrides) -> dict:
    return {"plot_id": "P1", "activity": "vụ lúa", "quantity": "1", "unit": "ha", "season": "Hè Thu", "days": "95",
            "water_regime": "ngập liên tục", **overrides}


@pytest.mark.parametrize(
    ("records", "column", "value", "words"),
    [
        ([rice_season(days="")], "days", "", "days from sowing"),
        ([rice_season(days="400")], "days", "400", "between 1 and 366"),
        ([rice_season(water_regime="")], "water_regime", "", "water regime"),
        ([rice_season(water_regime="tưới phun")], "water_regime", "tưới phun", "water_regimes.csv"),
        ([rice_season(season="")], "season", "", "rice season"),
        ([rice_season(season="vụ 3")], "season", "vụ 3", "rice_seasons.csv"),
        ([rice_season(), rice_season(record_id="B")], "season", "Hè Thu", "one rice season record"),
        ([{"plot_id": "P1", "activity": "vùi rơm rạ", "product": "rơm rạ vùi sớm", "quantity": "3", "unit": "tấn",
           "dry_matter": "85"}], "season", "", "rice season this record belongs to"),
        ([rice_season(), rice_season(season="Đông Xuân"), fertiliser()], "season", "",
         "rice season this record belongs to"),
        # a harvest's residues are returned in its season (their N takes that season's EF1FR)
        ([rice_season(), rice_season(season="Đông Xuân"),
          {"plot_id": "P1", "activity": "thu hoạch", "product": "thóc", "quantity": "5", "unit": "tấn"}], "season", "",
         "rice season this record belongs to"),
    ],
)
def test_a_rice_season_needs_its_season_days_and_water_regime(records, column, value, words):
    problems = problems_of(plots_frame({"crop": "lúa"}), records_frame(*records))
    assert problems and all((p.column, p.value) == (column, value) and words in p.expected + p.fix for p in problems), \
        problems  # a repeated season is reported on both its records


def test_a_rice_season_on_a_coffee_plot_is_refused():
    problem = only_problem(plots_frame({}), records_frame(rice_season()))
    assert problem.column == "activity" and "rice plot" in problem.expected


def test_crop_residue_returned_needs_its_n_content_and_no_product():
    residue = {"plot_id": "P1", "activity": "trả phụ phẩm về đất", "quantity": "4", "unit": "tấn"}
    problem = only_problem(plots_frame({}), records_frame(residue))
    assert (problem.column, problem.value) == ("n_content", "") and "no default" in problem.expected
    problem = only_problem(plots_frame({}), records_frame({**residue, "n_content": "1,2", "product": "urea"}))
    assert problem.column == "product" and "plot's crop" in problem.expected


def test_a_plot_soil_outside_the_catalogue_is_refused():
    problem = only_problem(plots_frame({"soil": "đất phù sa"}), records_frame(fertiliser()))
    assert (problem.file, problem.column, problem.value) == ("plots.csv", "soil", "đất phù sa")
    assert "soils.csv" in problem.fix


def test_coffee_bushes_need_no_wood_density():
    bushes = tree_inventory(product="cây cà phê", wood_density="", diameter_cm="6", height_m="2", quantity="1100")
    assert mrv.calculate(plots_frame({}), records_frame(bushes)).empty  # one inventory: no change to report yet


@pytest.mark.parametrize("typed", ["15/03/2026", "15-03-2026", "15.03.2026", "5/3/2026", "2026-03-15"])
def test_a_date_as_written_in_viet_nam_gives_the_records_year(typed):
    """Day first, as officers write it; the date is kept as typed, its year counts."""
    activity = mrv.normalize(plots_frame({}), records_frame(fertiliser(year="", date=typed)))
    assert activity["year"].tolist() == [2026]
