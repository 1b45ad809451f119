"""The roles of the system's users (DESIGN.md §9b); what each may do is `PERMISSIONS`
in `_scope`. Kept apart so that the command line lists them without loading the database."""

from mrv import msg

#: role → what it may do.
ROLES = {
    "recorder": msg("commune officer: records and submits their commune's data"),
    "verifier": msg("verifier: verifies the data of their communes"),
    "province_officer": msg("province officer: locks, reopens, official runs, reports"),
    "inventory": msg("inventory compiler: reads the official runs and exports the inventory"),
    "admin": msg("admin: manages users"),
}
