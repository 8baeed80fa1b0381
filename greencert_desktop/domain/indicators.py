"""Progress toward the 2025 indicators.

Targets are city-wide; the city may split one into per-county quotas. A
county's progress is measured against its quota when one is set, otherwise
against the city target. Targets themselves are reference data, not code.
"""

from __future__ import annotations

from dataclasses import dataclass


def format_number(value: float | None) -> str:
    """``150.0`` → "150", ``62.5`` → "62.5", ``None`` → ""; at most two decimals."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator's count against its target; ``measure`` is the unit (张, 家, %)."""

    code: str
    name: str
    measure: str
    count: float | None
    target: float | None
    quota: float | None

    @property
    def ratio(self) -> float | None:
        """count ÷ (quota if set, else target); ``None`` when either side is missing or zero."""
        goal = self.quota if self.quota else self.target
        if self.count is None or not goal:
            return None
        return self.count / goal

    @property
    def target_text(self) -> str:
        """City target with its unit, e.g. "150张" or "75%"; "" when there is none."""
        if self.target is None:
            return ""
        return f"{format_number(self.target)}{self.measure}"

    @property
    def ratio_text(self) -> str:
        """Completion as a percentage with one decimal, e.g. "62.5%"; "" when not computable."""
        ratio = self.ratio
        return "" if ratio is None else f"{ratio * 100:.1f}%"
