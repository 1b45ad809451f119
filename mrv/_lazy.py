"""Packages whose public names are imported on first use (PEP 562), so that `import mrv`
and `mrv --help` do not load pandas, SQLAlchemy, SciPy or matplotlib until a command
needs them.

A package lists its names as `{"name": "module:attribute"}` (`"module"` alone for a
submodule) and sets `__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)`."""

from __future__ import annotations

import importlib
import sys


def lazy_exports(package: str, exports: dict[str, str]):
    """The `__getattr__` and `__dir__` of `package` for its `exports`: a name is imported
    from its module at its first use, then kept in the package."""
    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = exports[name].partition(":")
        value = importlib.import_module(module)
        if attribute:
            value = getattr(value, attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(exports) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
