"""Storage layer (DESIGN.md §3): SQLModel tables and the functions that read and write
them. It may import `mrv` and `mrv.factors`; the engine never imports it."""

from mrv.models._db import DatabaseError, connect, database_url
from mrv.models._demo import demo_users, write_demo
from mrv.models._export import inventory_export
from mrv.models._import import ImportSummary, import_file
from mrv.models._province import province_year
from mrv.models._report import build_report
from mrv.models._review import ReviewError, audit_trail, check_year, review
from mrv.models._runs import calculate_year, official_run, recalculate_series, records_frames, run_results
from mrv.models._seed import official_communes, seed
from mrv.models._template import write_template
from mrv.models._uncertainty import year_uncertainty
from mrv.models._users import ROLES, UserError, add_user, list_users

__all__ = [
    "ROLES",
    "DatabaseError",
    "ImportSummary",
    "ReviewError",
    "UserError",
    "add_user",
    "audit_trail",
    "build_report",
    "calculate_year",
    "check_year",
    "connect",
    "database_url",
    "import_file",
    "inventory_export",
    "list_users",
    "official_communes",
    "official_run",
    "province_year",
    "recalculate_series",
    "records_frames",
    "review",
    "run_results",
    "seed",
    "demo_users",
    "write_demo",
    "write_template",
    "year_uncertainty",
]
