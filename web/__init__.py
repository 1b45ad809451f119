"""The commune–province server (DESIGN.md §9b): a JSON API over the same functions the
command line calls. It computes nothing itself; who may do what is decided by the scope of
`mrv.models` that every query takes.

    >>> from mrv import models, web
    >>> app = web.create_app(models.connect("sqlite:///mrv.sqlite"))
"""

from mrv import models
from mrv.web._app import create_app


def from_environment():
    """The server on the database of `MRV_DATABASE_URL` (how `mrv serve --workers N` starts
    each worker process)."""
    return create_app(models.connect())


__all__ = ["create_app", "from_environment"]
