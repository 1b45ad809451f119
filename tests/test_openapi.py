"""Schemathesis against /openapi.json: requests generated from the schema, for every
operation, as a province officer and as a commune officer, never get a server error, and
every answer matches the schema (status, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from mrv import models, web
from tests.helpers import two_years_of_examples

PEOPLE = {"province_officer": ("Lê Văn Chi", None), "recorder": ("Nguyễn Văn An", "24133")}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The examples (2024, 2025), the 2025 official run, and a bearer header per role."""
    folder = tmp_path_factory.mktemp("openapi")
    engine = models.connect(f"sqlite:///{folder / 'mrv.sqlite'}")
    models.seed(engine)
    two_years_of_examples(engine, folder)
    models.calculate_year(engine, 2025, official=True)
    headers = {}
    for role, (name, commune) in PEOPLE.items():
        user = models.add_user(engine, name, role, commune, by=models.LOCAL)
        headers[role] = {"Authorization": f"Bearer {models.issue_token(engine, user, 'bearer')[0]}"}
    return web.create_app(engine), headers


def test_the_api_keeps_to_its_schema(served):
    app, headers = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(app.openapi()["paths"]) + 6  # paths with two or three methods

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def keeps_to_schema(case):
            for role_headers in headers.values():
                case.call_and_validate(headers=role_headers)

        try:
            keeps_to_schema()
        except Exception as error:
            raise AssertionError(f"{operation.label}: {error}") from error
