"""Errors that carry a Chinese message for the user.

Services raise them; the UI and the command line show them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem with one field: ``field`` is the attribute name, ``message`` is Chinese."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class UserError(Exception):
    """A failure the user caused or can fix; shown as one line, never as a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """Input that breaks a rule; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__("；".join(i.message for i in self.issues) or "数据校验未通过")

    def for_field(self, field: str) -> list[Issue]:
        return [i for i in self.issues if i.field == field]


def raise_if(issues: Iterable[Issue]) -> None:
    found = list(issues)
    if found:
        raise ValidationError(found)
