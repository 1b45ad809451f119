"""Errors that tell a person what is wrong, where, and how to fix it (DESIGN.md §9)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mrv._i18n import DEFAULT_LANG, msg, say


@dataclass(frozen=True)
class Problem:
    """One rejected value: where it is, what it was, what was expected, how to fix it.
    The texts may be messages (`mrv._i18n.msg`), said in the reader's language by `text`
    and `said`; `str()` gives the English."""

    file: str
    row: int | None
    column: str
    value: str
    expected: str
    fix: str

    def said(self, lang: str = DEFAULT_LANG) -> Problem:
        """This problem with its texts in `lang`."""
        return replace(self, file=say(self.file, lang), value=say(self.value, lang),
                       expected=say(self.expected, lang), fix=say(self.fix, lang))

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The problem as one line in `lang`."""
        file = say(self.file, lang)
        where = (msg("{file}, column '{column}'", file=file, column=self.column) if self.row is None else
                 msg("{file}, row {row}, column '{column}'", file=file, row=self.row, column=self.column))
        return say(msg("{where}: {value}: expected {expected}. Fix: {fix}", where=where,
                       value=repr(say(self.value, lang)), expected=self.expected, fix=self.fix), lang)

    def __str__(self) -> str:
        return self.text("en")


class InputError(ValueError):
    """Input that cannot be used as it is. Nothing is computed or written when it is raised;
    `problems` lists every bad value, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column))
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the input:\n{shown}{more}")

    def said(self, lang: str = DEFAULT_LANG) -> list[Problem]:
        """The problems with their texts in `lang`."""
        return [problem.said(lang) for problem in self.problems]


class ProblemList:
    """Collects problems while every check runs, then raises them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str, value, expected: str, fix: str) -> None:
        self.problems.append(Problem(file, row, column, "" if value is None else value if isinstance(value, str)
                                     else str(value), expected, fix))

    def add_rows(self, file: str, rows, column: str, values, expected: str, fix: str) -> None:
        """The same problem on several rows (`rows` and `values` are aligned sequences)."""
        for row, value in zip(rows, values):
            self.add(file, int(row), column, value, expected, fix)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
