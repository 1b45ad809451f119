"""Storage layer (DESIGN.md §3): SQLModel tables and the functions that read and write
them. It may import `mrv` and `mrv.factors`; the engine never imports it."""

from mrv.models._accounts import (
    authenticate, change_own_password, issue_token, revoke_token, revoke_user, set_password, token_scope,
)
from mrv.models._db import DatabaseError, check_integrity, connect, database_url
from mrv.models._demo import demo_users, write_demo
from mrv.models._export import contribution_report, inventory_export
from mrv.models._files import SPECS as TABLE_SPECS
from mrv.models._idempotency import MAX_KEY as MAX_IDEMPOTENCY_KEY
from mrv.models._idempotency import IdempotencyConflict, claim, release, remember
from mrv.models._import import ImportSummary, import_file, import_tables
from mrv.models._province import province_year
from mrv.models._queries import GROUPS, MAX_PAGE, read_communes, read_occurrence, read_plots, read_records, read_run, read_runs, record_years, run_totals
from mrv.models._report import build_report
from mrv.models._review import CommuneYear, ReviewError, audit_trail, check_year, commune_year, review
from mrv.models._runs import calculate_year, official_run, recalculate_series, records_frames, run_results
from mrv.models._scope import ACTION_NAMES, LOCAL, PERMISSIONS, OutOfScope, Scope, ScopeError, scope_of
from mrv.models._seed import official_communes, seed
from mrv.models._files import vietnamese_headers as column_labels
from mrv.models._template import input_lists, write_template
from mrv.models._uncertainty import year_uncertainty
from mrv.models._users import ROLES, UserError, add_user, list_users, person_key

__all__ = [
    "ACTION_NAMES",
    "GROUPS",
    "LOCAL",
    "MAX_IDEMPOTENCY_KEY",
    "MAX_PAGE",
    "PERMISSIONS",
    "ROLES",
    "TABLE_SPECS",
    "add_user",
    "audit_trail",
    "change_own_password",
    "check_integrity",
    "claim",
    "column_labels",
    "authenticate",
    "build_report",
    "calculate_year",
    "check_year",
    "commune_year",
    "CommuneYear",
    "connect",
    "database_url",
    "DatabaseError",
    "demo_users",
    "IdempotencyConflict",
    "input_lists",
    "import_file",
    "import_tables",
    "ImportSummary",
    "contribution_report",
    "inventory_export",
    "issue_token",
    "list_users",
    "official_communes",
    "official_run",
    "person_key",
    "OutOfScope",
    "province_year",
    "read_communes",
    "read_occurrence",
    "read_plots",
    "read_records",
    "read_run",
    "read_runs",
    "recalculate_series",
    "record_years",
    "records_frames",
    "remember",
    "release",
    "review",
    "ReviewError",
    "revoke_token",
    "revoke_user",
    "run_results",
    "run_totals",
    "Scope",
    "scope_of",
    "ScopeError",
    "seed",
    "set_password",
    "token_scope",
    "UserError",
    "write_demo",
    "write_template",
    "year_uncertainty",
]
