"""The columns of the frames that flow through the engine, each with one canonical unit.

Raw input frames hold text as typed; `mrv.normalize` turns them into the activity frame
below (one row per record, float64 amounts in the units declared here); the sources turn
that into the long results frame. Species live in column names (`n_urea_kg` is kg of N in
urea form), never in unit strings (DESIGN.md §5).
"""

PLOT_COLUMNS = ("plot_id", "commune_code", "crop", "area", "area_unit")
PLOT_OPTIONAL = ("climate", "irrigation", "sao_variant", "planting_year", "rice_region", "soil", "intercrop",
                 "intercrop_share")
# by default: climate wet, irrigation none, rice region and soil class the ones their catalogues mark

RECORD_COLUMNS = ("plot_id", "year", "activity", "product", "quantity", "unit", "n_content")
RECORD_OPTIONAL = ("record_id", "date", "season", "use", "dry_matter", "evidence", "days", "water_regime", "pre_season",
                   "previous_practice", "diameter_cm", "height_m", "wood_density")

#: Float64 amounts of the activity frame and their canonical units.
AMOUNT_UNITS = {
    "plot_area_ha": "ha",          # area of the record's plot
    "product_kg": "kg",            # mass of fertiliser or lime product applied
    "n_urea_kg": "kg",             # N applied in urea form
    "n_ammonium_kg": "kg",         # N applied in ammonium form
    "n_nitrate_kg": "kg",          # N applied in nitrate form
    "n_organic_kg": "kg",          # N applied in organic form (F_ON)
    "urea_kg": "kg",               # mass of urea (Eq. 11.13 M)
    "limestone_kg": "kg",          # mass of limestone CaCO3 (Eq. 11.12)
    "dolomite_kg": "kg",           # mass of dolomite CaMg(CO3)2 (Eq. 11.12)
    "diesel_l": "L",               # diesel burnt
    "electricity_kwh": "kWh",      # grid electricity consumed
    "burnt_area_ha": "ha",         # area of crop residue burnt (Eq. 2.27 A)
    "harvest_kg": "kg",            # mass of harvested product, in the form `product` names
    "cleared_area_ha": "ha",       # area of perennial crop cleared (felled, uprooted) for replanting
    "rice_area_ha": "ha",          # area sown or transplanted in a rice season (Eq. 5.1 A)
    "straw_kg": "kg",              # rice straw incorporated, as weighed (Eq. 5.3 ROA, dry weight via dry_matter)
    "n_residue_kg": "kg",          # N of residue and straw records that give their N content (F_CR: _residues)
    "managed_area_ha": "ha",       # area whose soil management changed to the record's practice (Eq. 2.25)
    "trees": "tree",               # trees (or bushes) of a tree inventory record, of its mean diameter and height
}

#: The record's plot's planting year (float64, NaN where not given): the age of a perennial crop;
#: and its intercrop's share of the plot's area (a fraction, 0 where the plot has no intercrop).
PLOT_NUMBERS = ("planting_year", "intercrop_share")

#: Numbers of the activity frame as the record gives them, before any conversion: the
#: quantity in `unit_used` (the unit cell, or the unit written after the number), and the
#: N and dry-matter contents in %, a rice season's cultivation days, and a tree inventory
#: record's mean stem diameter (cm), height (m) and wood density (g/cm³) (NaN where not given).
ACTIVITY_AS_GIVEN = ("quantity_value", "unit_used", "n_content", "dry_matter", "days", "diameter_cm", "height_m",
                     "wood_density")

#: Text columns of the activity frame. `rice_season`, `water_regime` and `pre_season` are
#: catalogue ids: a rice season record's own, and on the fertiliser, straw and harvest
#: records of a rice plot those of the season they belong to; `rice_region` is the plot's
#: QĐ 2626 region (its commune's setting in the database); `soil` the plot's IPCC soil class;
#: `previous_practice` the soil practice a `soil_management` record's practice replaced;
#: `intercrop` the crop grown between the plot's main crop, on `intercrop_share` of its area.
ACTIVITY_TEXT = (
    "record_id", "plot_id", "year", "date", "season", "activity", "product", "use", "evidence",
    "quantity_text", "unit_text", "source_file", "source_row", "commune_code", "crop", "climate", "irrigation",
    "rice_season", "water_regime", "pre_season", "rice_region", "soil", "previous_practice", "intercrop",
)

#: N mass columns by form, and the IPCC N input each form belongs to.
N_FORM_COLUMNS = {"urea": "n_urea_kg", "ammonium": "n_ammonium_kg", "nitrate": "n_nitrate_kg", "organic": "n_organic_kg"}
SYNTHETIC_FORMS = ("urea", "ammonium", "nitrate")

RESULT_COLUMNS = (
    "plot_id", "year", "crop", "commune_code", "source", "gas", "mass_kg", "co2e_kg",
    "ipcc_category", "input_type", "season", "activity_amount", "activity_unit", "factor_value", "factor_unit",
    "tier", "factor_origin", "boundary", "factor_ids",
)
