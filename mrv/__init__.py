"""MRV engine for low-emission crop production in Đắk Lắk.

Raw plots and records in, a long frame of emissions by plot, year, source and gas out;
IPCC equations on unit-checked arrays, every row traced to cited factors.

    >>> import mrv
    >>> plots = mrv.read_table("examples/plots.csv")
    >>> records = mrv.read_table("examples/records.csv")
    >>> results = mrv.calculate(plots, records, factors="ipcc2019", gwp="AR5")
"""

from mrv._lazy import lazy_exports

#: Public names and where each lives (imported on first use: `mrv._lazy`).
EXPORTS = {
    "lazy_exports": "mrv._lazy:lazy_exports",
    "calculate": "mrv._calculate:calculate",
    "calculate_activity": "mrv._calculate:calculate_activity",
    "with_gwp": "mrv._calculate:with_gwp",
    "cell_value": "mrv._cells:cell_value",
    "safe_cells": "mrv._cells:safe_cells",
    "safe_text": "mrv._cells:safe_text",
    "catalogue_ids": "mrv._catalogues:ids",
    "FINDING_COLUMNS": "mrv._checks:FINDING_COLUMNS",
    "implied_factors": "mrv._checks:implied_factors",
    "occurrence": "mrv._checks:occurrence",
    "run_checks": "mrv._checks:run_checks",
    "catalogue": "mrv._catalogues:table",
    "LANGS": "mrv._i18n:LANGS",
    "Message": "mrv._i18n:Message",
    "msg": "mrv._i18n:msg",
    "say": "mrv._i18n:say",
    "said": "mrv._i18n:said",
    "InputError": "mrv._errors:InputError",
    "Problem": "mrv._errors:Problem",
    "ProblemList": "mrv._errors:ProblemList",
    "ProvinceYear": "mrv._estimate:ProvinceYear",
    "conventional_per_ha": "mrv._estimate:conventional_per_ha",
    "missing_communes": "mrv._estimate:missing_communes",
    "per_hectare": "mrv._estimate:per_hectare",
    "pilot_reduction_per_ha": "mrv._estimate:pilot_reduction_per_ha",
    "profile_emissions": "mrv._estimate:profile_emissions",
    "profile_results": "mrv._estimate:profile_results",
    "provincial_estimate": "mrv._estimate:provincial_estimate",
    "estimate_status": "mrv._estimate:estimate_status",
    "estimate_coverage": "mrv._estimate:estimate_coverage",
    "age_class_results": "mrv._estimate:age_class_results",
    "AGE_CLASS_COLUMNS": "mrv._estimate:AGE_CLASS_COLUMNS",
    "check_file": "mrv._files:check_file",
    "FactorProfile": "mrv._factors:FactorProfile",
    "factor_profile": "mrv._factors:factor_profile",
    "used_factor_ids": "mrv._factors:used_factor_ids",
    "INVENTORY_FORMATS": "mrv._formats:INVENTORY_FORMATS",
    "InventoryExport": "mrv._exchange:InventoryExport",
    "parse_years": "mrv._exchange:parse_years",
    "write_inventory": "mrv._exchange:write_inventory",
    "inventory_suffix": "mrv._exchange:suffix",
    "INVENTORY_COLUMNS": "mrv._inventory:INVENTORY_COLUMNS",
    "assign_lines": "mrv._inventory:assign_lines",
    "category_name": "mrv._inventory:category_name",
    "inventory_table": "mrv._inventory:inventory_table",
    "ipcc_worksheets": "mrv._inventory:ipcc_worksheets",
    "MAX_TYPED": "mrv._numbers:MAX_TYPED",
    "unit_table": "mrv._quantities:unit_table",
    "RawTable": "mrv._normalize:RawTable",
    "normalize": "mrv._normalize:normalize",
    "normalize_plots": "mrv._normalize:normalize_plots",
    "read_table": "mrv._normalize:read_table",
    "row_numbers": "mrv._normalize:row_numbers",
    "REPORT_FORMATS": "mrv._formats:REPORT_FORMATS",
    "Report": "mrv._report:Report",
    "write_report": "mrv._report:write_report",
    "report_label": "mrv._report:label",
    "report_number": "mrv._report:number",
    "figure": "mrv._report:figure",
    "Letterhead": "mrv._letterhead:Letterhead",
    "letterhead": "mrv._letterhead:letterhead",
    "province_time": "mrv._letterhead:province_time",
    "text_key": "mrv._text:text_key",
    "UNCERTAINTY_COLUMNS": "mrv._uncertainty:UNCERTAINTY_COLUMNS",
    "FactorDraws": "mrv._uncertainty:FactorDraws",
    "Uncertainty": "mrv._uncertainty:Uncertainty",
    "draw_factors": "mrv._uncertainty:draw_factors",
    "line_uncertainty": "mrv._uncertainty:line_uncertainty",
    "uncertainty": "mrv._uncertainty:uncertainty",
    "crop_intensities": "mrv._reductions:crop_intensities",
    "crop_production": "mrv._reductions:crop_production",
    "emissions_by_plot": "mrv._reductions:emissions_by_plot",
    "pilot_reductions": "mrv._reductions:pilot_reductions",
    "production_by_plot": "mrv._reductions:production_by_plot",
    "rollup": "mrv._reductions:rollup",
}
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
__all__ = list(EXPORTS)
