"""Errors as RFC 9457 problem details (`application/problem+json`): a type, a title, the
HTTP status, a detail a person can act on, and for bad input every problem with its file,
row, column, value, what was expected and the fix."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel

import mrv

MEDIA_TYPE = "application/problem+json"


class ProblemDetails(BaseModel):
    """An error (RFC 9457); for bad input, every rejected value (`mrv.Problem`)."""

    type: str
    title: str
    status: int
    detail: str
    problems: list[mrv.Problem] | None = None


#: status → what it means here, for the OpenAPI document.
MEANINGS = {
    400: "A malformed request",
    401: "Not logged in, or the session or token has ended",
    403: "Outside what the user's role and communes allow, or a missing CSRF token",
    404: "No such commune, run, or year with an official run",
    409: "A review step that the commune-year's status does not allow, or the same request still being applied",
    413: "A file larger than the server takes",
    422: "Bad input: every problem with its row, column, value, expected value and fix; nothing was stored",
    429: "Too many failed logins: wait for the time in Retry-After",
}


def documented(*statuses: int) -> dict:
    """The `responses` of a route that can answer with these problem statuses."""
    return {status: {"description": MEANINGS[status], "model": ProblemDetails,
                     "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
            for status in statuses}


def problem(status: int, kind: str, title: str, detail: str, problems: list | None = None,
            headers: dict | None = None) -> JSONResponse:
    body = ProblemDetails(type=f"urn:mrv:problem:{kind}", title=title, status=status, detail=detail, problems=problems)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=MEDIA_TYPE,
                        headers=headers)
