"""The one error every workbook reader raises for a file it cannot read."""

from __future__ import annotations

from greencert_desktop.domain.errors import UserError


class UnreadableWorkbook(UserError):
    """The file cannot be read as a workbook; ``message`` says why, in Chinese."""
