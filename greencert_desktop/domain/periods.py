"""Reporting periods with DHIS2-style codes: ``2026Q3``, ``202610``, ``2026``."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import Issue, ValidationError
from .text import compact

MIN_YEAR = 1900
MAX_YEAR = 2999

_QUARTER_WORDS = ("一", "二", "三", "四")
_QUARTER = re.compile(r"(\d{4})Q(\d+)")
_MONTH = re.compile(r"(\d{4})(\d{2})")
_YEAR = re.compile(r"\d{4}")


class PeriodType(StrEnum):
    QUARTER = "quarter"
    MONTH = "month"
    YEAR = "year"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {PeriodType.QUARTER: "季度", PeriodType.MONTH: "月度", PeriodType.YEAR: "年度"}


def _invalid(message: str) -> ValidationError:
    return ValidationError([Issue("period", message)])


@functools.total_ordering
@dataclass(frozen=True)
class Period:
    """One quarter, month or year; ``number`` is the quarter (1–4), month (1–12) or 0 for a year.

    Periods order by start date (then end date), so a mixed list sorts by time.
    """

    type: PeriodType
    year: int
    number: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", PeriodType(self.type))
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise _invalid(f"报告期的年份应在{MIN_YEAR}～{MAX_YEAR}之间，当前为{self.year}")
        allowed = {PeriodType.QUARTER: (1, 4), PeriodType.MONTH: (1, 12), PeriodType.YEAR: (0, 0)}
        low, high = allowed[self.type]
        if not low <= self.number <= high:
            if self.type is PeriodType.QUARTER:
                raise _invalid(f"季度应为1～4，当前为{self.number}")
            if self.type is PeriodType.MONTH:
                raise _invalid(f"月份应为01～12，当前为{self.number:02d}")
            raise _invalid("年度报告期的序号应为0")

    # ---- text ---------------------------------------------------------------

    @classmethod
    def parse(cls, text: str | None) -> Period:
        """Read ``2026Q3`` / ``2026q3``, ``202610`` or ``2026``; anything else is a ValidationError."""
        code = compact(text)
        shown = (text or "").strip()
        try:
            if match := _QUARTER.fullmatch(code):
                return cls(PeriodType.QUARTER, int(match[1]), int(match[2]))
            if match := _MONTH.fullmatch(code):
                return cls(PeriodType.MONTH, int(match[1]), int(match[2]))
            if _YEAR.fullmatch(code):
                return cls(PeriodType.YEAR, int(code), 0)
        except ValidationError as error:
            raise _invalid(f"报告期“{shown}”有误：{error.message}") from None
        raise _invalid(f"报告期“{shown}”无法识别：季度写作 2026Q3，月度写作 202610，年度写作 2026")

    @property
    def code(self) -> str:
        if self.type is PeriodType.QUARTER:
            return f"{self.year}Q{self.number}"
        if self.type is PeriodType.MONTH:
            return f"{self.year}{self.number:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.code

    @property
    def words(self) -> str:
        """Chinese name for titles: 2026年第三季度 / 2026年10月 / 2026年度."""
        if self.type is PeriodType.QUARTER:
            return f"{self.year}年第{_QUARTER_WORDS[self.number - 1]}季度"
        if self.type is PeriodType.MONTH:
            return f"{self.year}年{self.number}月"
        return f"{self.year}年度"

    # ---- dates --------------------------------------------------------------

    def _months(self) -> tuple[int, int]:
        if self.type is PeriodType.QUARTER:
            return 3 * self.number - 2, 3 * self.number
        if self.type is PeriodType.MONTH:
            return self.number, self.number
        return 1, 12

    @property
    def start(self) -> date:
        return date(self.year, self._months()[0], 1)

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        last_month = self._months()[1]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    # ---- navigation ---------------------------------------------------------

    def _shift(self, step: int) -> Period:
        if self.type is PeriodType.YEAR:
            return Period(self.type, self.year + step, 0)
        per_year = 4 if self.type is PeriodType.QUARTER else 12
        index = self.year * per_year + (self.number - 1) + step
        return Period(self.type, index // per_year, index % per_year + 1)

    def previous(self) -> Period:
        return self._shift(-1)

    def next(self) -> Period:
        return self._shift(1)

    def last_n(self, n: int) -> list[Period]:
        """The ``n`` periods ending with this one, oldest first."""
        if n < 0:
            raise ValueError(f"n must not be negative: {n}")
        return [self._shift(step) for step in range(1 - n, 1)]

    @classmethod
    def containing(cls, d: date, type: PeriodType | str) -> Period:
        kind = PeriodType(type)
        if kind is PeriodType.QUARTER:
            return cls(kind, d.year, (d.month - 1) // 3 + 1)
        if kind is PeriodType.MONTH:
            return cls(kind, d.year, d.month)
        return cls(kind, d.year, 0)

    @classmethod
    def last_complete(cls, today: date, type: PeriodType | str) -> Period:
        """The latest period of this type whose last day is before ``today``."""
        return cls.containing(today, type).previous()
