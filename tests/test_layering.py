"""The layers of DESIGN.md §3: who may import whom, and never by folder name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: folder → (its package, the packages of ours it may import)
LAYERS = {
    "factors": ("mrv.factors", set()),
    "mrv": ("mrv", {"mrv.factors"}),
    "models": ("mrv.models", {"mrv", "mrv.factors"}),
    "cli": ("mrv.cli", {"mrv", "mrv.factors", "mrv.models", "mrv.web"}),
    "web": ("mrv.web", {"mrv", "mrv.factors", "mrv.models"}),
}
FOLDER_NAMES = {"factors", "models", "cli", "web"}


def _package_of(module: str) -> str:
    """The layer package a module name belongs to (mrv.sources.x → mrv)."""
    for package in ("mrv.factors", "mrv.models", "mrv.cli", "mrv.web"):
        if module == package or module.startswith(package + "."):
            return package
    return "mrv" if module == "mrv" or module.startswith("mrv.") else ""


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


@pytest.mark.parametrize("folder", sorted(LAYERS))
def test_layer_imports(folder):
    own, allowed = LAYERS[folder]
    faults = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in FOLDER_NAMES:
                faults.append(f"{path.relative_to(ROOT)}:{line} imports folder name {module!r}; use mrv.{module}")
            package = _package_of(module)
            if package and package != own and package not in allowed:
                faults.append(f"{path.relative_to(ROOT)}:{line} imports {module} ({package} is not allowed in {own})")
    assert not faults, "\n".join(faults)


def test_tests_use_package_names_too():
    faults = [f"{path.name}:{line} {module}" for path in (ROOT / "tests").rglob("*.py")
              for line, module in _imports(path) if module.split(".")[0] in FOLDER_NAMES]
    assert not faults


@pytest.mark.parametrize("folder", ["models", "cli", "web"])
def test_outer_layers_use_the_engines_public_api(folder):
    """Storage, the command and the server use what `mrv` exports, never its private modules."""
    faults = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + ([f"{node.module}.{a.name}" for a in node.names] if node.module == "mrv" else [])
            faults += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names
                       if name.startswith("mrv._")]
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("folder", ["cli", "web"])
def test_interfaces_use_the_storage_layers_public_api(folder):
    """The command and the server use what `mrv.models` exports (its scoped functions),
    never its private modules: a route cannot reach a table around the scope."""
    faults = [f"{path.relative_to(ROOT)}:{line} {module}" for path in sorted((ROOT / folder).rglob("*.py"))
              for line, module in _imports(path) if module.startswith("mrv.models._")]
    assert not faults, "\n".join(faults)


#: Libraries a command loads only when it needs them (`mrv --help` answers without them).
HEAVY = ("pandas", "numpy", "pint", "scipy", "sqlalchemy", "sqlmodel", "alembic", "matplotlib", "xhtml2pdf",
         "openpyxl", "fastapi")


def test_the_command_line_starts_without_the_heavy_libraries():
    import subprocess
    import sys
    script = ("import sys, mrv, mrv.cli\n"
              "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:]))))")
    loaded = subprocess.run([sys.executable, "-c", script, *HEAVY], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []
    # and a command that needs them still finds every public name on first use
    script = "import mrv; from mrv import models; print(mrv.calculate.__module__, mrv.say(models.ROLES['admin'])[:8])"
    used = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert used.stdout.split() == ["mrv._calculate", "quản", "trị"]
