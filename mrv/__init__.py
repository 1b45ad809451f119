"""MRV engine for low-emission crop production in Đắk Lắk.

Raw plots and records in, a long frame of emissions by plot, year, source and gas out;
IPCC equations on unit-checked arrays, every row traced to cited factors.

    >>> import mrv
    >>> plots = mrv.read_table("examples/plots.csv")
    >>> records = mrv.read_table("examples/records.csv")
    >>> results = mrv.calculate(plots, records, factors="ipcc2019", gwp="AR5")
"""

from mrv._calculate import calculate, calculate_activity, with_gwp
from mrv._cells import cell_value, safe_cells, safe_text
from mrv._catalogues import ids as catalogue_ids
from mrv._checks import FINDING_COLUMNS, implied_factors, occurrence, run_checks
from mrv._catalogues import table as catalogue
from mrv._errors import InputError, Problem, ProblemList
from mrv._estimate import (
    ProvinceYear, conventional_per_ha, missing_communes, per_hectare, pilot_reduction_per_ha, profile_emissions,
    profile_results, provincial_estimate,
)
from mrv._files import check_file
from mrv._factors import FactorProfile, factor_profile, used_factor_ids
from mrv._exchange import FORMATS as INVENTORY_FORMATS
from mrv._exchange import InventoryExport, parse_years, write_inventory
from mrv._exchange import suffix as inventory_suffix
from mrv._inventory import INVENTORY_COLUMNS, assign_lines, category_name, inventory_table, ipcc_worksheets
from mrv._numbers import MAX_TYPED
from mrv._normalize import RawTable, normalize, normalize_plots, read_table
from mrv._report import FORMATS as REPORT_FORMATS
from mrv._report import Report, write_report
from mrv._report import label as report_label
from mrv._text import text_key
from mrv._uncertainty import UNCERTAINTY_COLUMNS, FactorDraws, Uncertainty, draw_factors, line_uncertainty, uncertainty
from mrv._reductions import emissions_by_plot, pilot_reductions, production_by_plot, rollup

__all__ = [
    "FINDING_COLUMNS",
    "INVENTORY_COLUMNS",
    "INVENTORY_FORMATS",
    "MAX_TYPED",
    "REPORT_FORMATS",
    "UNCERTAINTY_COLUMNS",
    "FactorDraws",
    "FactorProfile",
    "InputError",
    "InventoryExport",
    "Problem",
    "ProblemList",
    "ProvinceYear",
    "RawTable",
    "Report",
    "Uncertainty",
    "assign_lines",
    "calculate",
    "calculate_activity",
    "catalogue",
    "category_name",
    "cell_value",
    "catalogue_ids",
    "check_file",
    "conventional_per_ha",
    "draw_factors",
    "emissions_by_plot",
    "factor_profile",
    "implied_factors",
    "inventory_suffix",
    "inventory_table",
    "ipcc_worksheets",
    "line_uncertainty",
    "missing_communes",
    "normalize",
    "normalize_plots",
    "occurrence",
    "parse_years",
    "per_hectare",
    "pilot_reduction_per_ha",
    "pilot_reductions",
    "production_by_plot",
    "profile_emissions",
    "profile_results",
    "provincial_estimate",
    "read_table",
    "report_label",
    "rollup",
    "safe_cells",
    "safe_text",
    "run_checks",
    "text_key",
    "uncertainty",
    "used_factor_ids",
    "with_gwp",
    "write_inventory",
    "write_report",
]
