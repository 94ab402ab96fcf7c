"""Errors that stop a build early with a message a maintainer can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input: where it is and which rule it breaks."""

    file: str
    rule: str
    message: str
    row: int | None = None  # 1-based line number in the file (the header is line 1)
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{', '.join(where)}: [{self.rule}] {self.message}{shown}"


class InputError(Exception):
    """Bad input (data or parameters): every problem found, not just the first."""

    def __init__(self, problems: list[Problem], what: str = "input"):
        self.problems = problems
        self.what = what
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the {what}:\n{lines}")

    def __reduce__(self):
        # Rebuilt from its problems when it crosses a process boundary (the briefs are
        # made in a process of their own), not from its message.
        return _rebuild, (type(self), self.problems, self.what)


def _rebuild(cls: type, problems: list[Problem], what: str) -> InputError:
    error = InputError.__new__(cls)
    InputError.__init__(error, problems, what)
    return error


class DataError(InputError):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "data")


class ParamsError(InputError):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "parameters")
