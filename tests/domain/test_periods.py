from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greencert_desktop.domain.errors import ValidationError
from greencert_desktop.domain.periods import Period, PeriodType

Q = PeriodType.QUARTER
M = PeriodType.MONTH
Y = PeriodType.YEAR

quarters = st.builds(Period, st.just(Q), st.integers(1950, 2900), st.integers(1, 4))
months = st.builds(Period, st.just(M), st.integers(1950, 2900), st.integers(1, 12))
years = st.builds(Period, st.just(Y), st.integers(1950, 2900), st.just(0))
periods = st.one_of(quarters, months, years)
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2900, 12, 31))


def test_type_labels() -> None:
    assert [t.label for t in PeriodType] == ["季度", "月度", "年度"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026Q3", Period(Q, 2026, 3)),
        ("2026q3", Period(Q, 2026, 3)),
        (" 2026Q3 ", Period(Q, 2026, 3)),
        ("202610", Period(M, 2026, 10)),
        ("202601", Period(M, 2026, 1)),
        ("2026", Period(Y, 2026, 0)),
        ("２０２６Ｑ３", Period(Q, 2026, 3)),
    ],
)
def test_parse(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["202613", "202600", "2026Q5", "2026Q0", "2026-10", "26Q3", "2026W3", "", None, "abc"]
)
def test_parse_rejects(text: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        Period.parse(text)
    assert [i.field for i in caught.value.issues] == ["period"]
    assert "报告期" in caught.value.message


def test_month_13_message_names_month() -> None:
    with pytest.raises(ValidationError, match="月份应为01～12"):
        Period.parse("202613")


def test_constructor_rejects_bad_numbers() -> None:
    with pytest.raises(ValidationError):
        Period(Y, 2026, 1)
    with pytest.raises(ValidationError):
        Period(M, 2026, 0)


def test_type_given_as_string_is_coerced() -> None:
    assert Period("quarter", 2026, 3).type is Q  # type: ignore[arg-type]


@given(periods)
def test_code_round_trip(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert Period.parse(period.code.lower()) == period


def test_codes() -> None:
    assert str(Period(Q, 2026, 3)) == "2026Q3"
    assert Period(M, 2026, 1).code == "202601"
    assert Period(Y, 2026, 0).code == "2026"


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (Period(Q, 2026, 1), "2026年第一季度"),
        (Period(Q, 2026, 3), "2026年第三季度"),
        (Period(M, 2026, 10), "2026年10月"),
        (Period(M, 2026, 1), "2026年1月"),
        (Period(Y, 2026, 0), "2026年度"),
    ],
)
def test_words(period: Period, words: str) -> None:
    assert period.words == words


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(Q, 2026, 3), date(2026, 7, 1), date(2026, 9, 30)),
        (Period(Q, 2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
        (Period(M, 2024, 2), date(2024, 2, 1), date(2024, 2, 29)),
        (Period(M, 2026, 2), date(2026, 2, 1), date(2026, 2, 28)),
        (Period(Y, 2026, 0), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_start_end(period: Period, start: date, end: date) -> None:
    assert (period.start, period.end) == (start, end)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


@pytest.mark.parametrize(
    ("period", "before", "after"),
    [
        (Period(Q, 2026, 1), Period(Q, 2025, 4), Period(Q, 2026, 2)),
        (Period(Q, 2026, 4), Period(Q, 2026, 3), Period(Q, 2027, 1)),
        (Period(M, 2026, 1), Period(M, 2025, 12), Period(M, 2026, 2)),
        (Period(M, 2026, 12), Period(M, 2026, 11), Period(M, 2027, 1)),
        (Period(Y, 2026, 0), Period(Y, 2025, 0), Period(Y, 2027, 0)),
    ],
)
def test_previous_next(period: Period, before: Period, after: Period) -> None:
    assert period.previous() == before
    assert period.next() == after


@given(periods)
def test_neighbours_touch(period: Period) -> None:
    assert period.next().previous() == period
    assert period.previous().end + timedelta(days=1) == period.start
    assert period.end + timedelta(days=1) == period.next().start


@given(dates, st.sampled_from(list(PeriodType)))
def test_containing(d: date, kind: PeriodType) -> None:
    period = Period.containing(d, kind)
    assert period.type is kind
    assert period.contains(d)


@given(dates, st.sampled_from(list(PeriodType)))
def test_last_complete_is_latest_ended(today: date, kind: PeriodType) -> None:
    period = Period.last_complete(today, kind)
    assert period.end < today
    assert period.next().end >= today


@pytest.mark.parametrize(
    ("today", "kind", "expected"),
    [
        (date(2026, 7, 1), Q, Period(Q, 2026, 2)),
        (date(2026, 6, 30), Q, Period(Q, 2026, 1)),
        (date(2026, 1, 15), Q, Period(Q, 2025, 4)),
        (date(2026, 1, 1), M, Period(M, 2025, 12)),
        (date(2026, 12, 31), Y, Period(Y, 2025, 0)),
        (date(2027, 1, 1), Y, Period(Y, 2026, 0)),
    ],
)
def test_last_complete_examples(today: date, kind: PeriodType, expected: Period) -> None:
    assert Period.last_complete(today, kind) == expected


def test_last_n() -> None:
    assert Period(Q, 2026, 2).last_n(3) == [
        Period(Q, 2025, 4),
        Period(Q, 2026, 1),
        Period(Q, 2026, 2),
    ]
    assert Period(M, 2026, 1).last_n(1) == [Period(M, 2026, 1)]
    assert Period(Y, 2026, 0).last_n(0) == []
    with pytest.raises(ValueError):
        Period(Y, 2026, 0).last_n(-1)


def test_sorting_is_by_start_date() -> None:
    mixed = [Period(Y, 2026, 0), Period(M, 2025, 11), Period(Q, 2026, 1), Period(Q, 2025, 4)]
    assert [p.code for p in sorted(mixed)] == ["2025Q4", "202511", "2026Q1", "2026"]
    assert Period(Q, 2025, 4) < Period(M, 2026, 1) <= Period(M, 2026, 1)
    assert Period(Y, 2027, 0) > Period(Q, 2026, 4)


@given(periods, periods)
def test_order_agrees_with_start(a: Period, b: Period) -> None:
    if a.start < b.start:
        assert a < b and not b < a


def test_periods_are_hashable() -> None:
    assert len({Period.parse("2026Q3"), Period(Q, 2026, 3)}) == 1
