"""The `mrv` command: wires the engine to files; computes nothing itself."""

from mrv.cli._app import app


def main() -> None:
    """Entry point of the `mrv` console script."""
    app()


__all__ = ["app", "main"]
