"""Emission factors, catalogues and profiles as cited data files (DESIGN.md §4).

Every table is a CSV or TOML file under this package; this module only reads and
validates them. It imports nothing else of the project, so the data layer stays
independent of the engine that uses it.
"""

from mrv.factors._loader import (
    DATA_DIR,
    FactorFileError,
    FactorSet,
    Profile,
    factor_set_version,
    load_catalogue,
    load_crediting,
    load_criteria,
    load_profiles,
    load_set,
)

__all__ = [
    "DATA_DIR",
    "FactorFileError",
    "FactorSet",
    "Profile",
    "factor_set_version",
    "load_catalogue",
    "load_crediting",
    "load_criteria",
    "load_profiles",
    "load_set",
]
