"""The server's application: the API routes, problem details for every error, and the
headers every answer carries. `mrv serve` runs it on Uvicorn."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

import mrv
from mrv import models
from mrv.factors import FactorFileError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from mrv.web import _api, _auth, _pages
from mrv.web._problems import problem

log = logging.getLogger("mrv.web")
#: The largest request body but an import file's (5 000 records are about 1.5 MB of JSON).
MAX_BODY = 20 * 1024 * 1024
#: What a page may load: its own scripts and styles (Leaflet sets inline styles), images
#: from itself or, for map tiles, over HTTPS; no frames, forms only to itself.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
TITLES = {400: "Bad request", 401: "Not logged in", 403: "Not allowed", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 413: "Too large", 422: "Bad input", 429: "Too many failed logins"}


def problem_of(error: Exception, lang: str = "en"):
    """The problem-details answer of an error raised while handling a request, its detail
    and problems in `lang`."""
    if isinstance(error, HTTPException):
        return problem(error.status_code, "http", TITLES.get(error.status_code, "Error"), str(error.detail),
                       headers=error.headers)
    if isinstance(error, models.OutOfScope):
        return problem(403, "out-of-scope", "Not allowed", f"{len(error.problems)} row(s) write outside your communes; "
                       "nothing was stored", error.said(lang))
    if isinstance(error, mrv.InputError):
        return problem(422, "bad-input", "Bad input", f"{len(error.problems)} problem(s); nothing was stored",
                       error.said(lang))
    if isinstance(error, models.ScopeError):
        return problem(403, "not-allowed", "Not allowed", mrv.said(error, lang))
    if isinstance(error, models.ReviewError):
        return problem(409, "review-step", "Step not allowed", mrv.said(error, lang))
    if isinstance(error, models.IdempotencyConflict):
        status = {"in_progress": 409, "reused": 422}.get(error.kind, 400)
        return problem(status, f"idempotency-{error.kind}", TITLES[status], mrv.said(error, lang))
    if isinstance(error, models.UserError):
        return problem(422, "bad-input", "Bad input", mrv.said(error, lang))
    if isinstance(error, LookupError):
        return problem(404, "not-found", "Not found", mrv.said(error, lang))
    if isinstance(error, _auth.ThrottledError):
        return problem(429, "throttled", TITLES[429], str(error), headers={"Retry-After": str(error.retry_after)})
    if isinstance(error, models.DatabaseError):
        log.error("database: %s", error)
        return problem(503, "database", "Database unavailable", "the database cannot be used now: tell the "
                       "province's system administrator")
    if isinstance(error, FactorFileError):
        log.error("factor file: %s", error)
        return problem(500, "factor-file", "Factor file error", "a factor file of the server is broken: tell the "
                       "province's system administrator")
    log.exception("unexpected error", exc_info=error)
    return problem(500, "internal", "Internal error", "the server failed on this request; it is logged: tell the "
                   "province's system administrator the time it happened")


def _api_lang(request: Request) -> str:
    """The API's language: Vietnamese when the request's first Accept-Language is, else English."""
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "vi" if first.startswith("vi") else "en"


def create_app(engine: Engine, *, throttle: _auth.LoginThrottle | None = None) -> FastAPI:
    """The server on `engine`: API v1 under /api/v1, OpenAPI at /openapi.json. No page or
    script is loaded from another site (no CDN documentation pages)."""
    app = FastAPI(title="MRV Đắk Lắk", version="1", openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  description="Phát thải và giảm phát thải khí nhà kính của sản xuất cây trồng phát thải thấp, "
                              "tỉnh Đắk Lắk (Emissions MRV of low-emission crop production, Đắk Lắk)")
    app.state.engine = engine
    app.state.throttle = throttle or _auth.LoginThrottle()
    app.state.problem_of = problem_of
    app.include_router(_auth.router)
    app.include_router(_api.router)
    app.include_router(_pages.router)
    app.mount("/static", StaticFiles(directory=_pages.HERE / "static"), name="static")

    def openapi() -> dict:
        """The OpenAPI document, saying how each operation is authenticated: a bearer token
        or the session cookie, except for logging in."""
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes)
            document.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "POST /api/v1/token"},
                "session": {"type": "apiKey", "in": "cookie", "name": _auth.SESSION_COOKIE,
                            "description": "POST /api/v1/session; state-changing requests also send X-CSRF-Token"}}
            for path, operations in document["paths"].items():
                for method, operation in operations.items():
                    login = method == "post" and path in ("/api/v1/token", "/api/v1/session")
                    operation["security"] = [] if login else [{"bearer": []}, {"session": []}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi

    def page(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/openapi.json"))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:20])
        if page(request):
            return _pages.error_page(request, 422, where)
        return problem(422, "invalid-request", "Bad input", where or "the request does not match the API")

    @app.exception_handler(_pages.LoginRequired)
    async def log_in_first(request: Request, error: _pages.LoginRequired):
        return RedirectResponse(f"/login?next={quote(error.next_path)}", 303)

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception):
        answer = problem_of(error, _pages.lang_of(request) if page(request) else _api_lang(request))
        if page(request):
            return _pages.error_page(request, answer.status_code, json.loads(answer.body)["detail"])
        return answer

    for kind in (HTTPException, mrv.InputError, models.ScopeError, models.ReviewError, models.IdempotencyConflict,
                 models.UserError, LookupError, _auth.ThrottledError, models.DatabaseError):
        app.add_exception_handler(kind, failed)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        limit = _api.MAX_UPLOAD + (1 << 20) if request.url.path == "/api/v1/imports" else MAX_BODY
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return problem(413, "too-large", TITLES[413], f"a request body of at most {limit >> 20} MB: send the "
                           "records in smaller batches, or as a file to /api/v1/imports")
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        elif response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        return response

    return app
