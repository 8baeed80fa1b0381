"""Verification's fast path: a clean table is proved clean column by column, and it never calls
clean a table in which the row-by-row checks find a problem.

Each test damages one cell of a clean export's 表2 or 表3 in memory (many columns, many kinds
of bad value), then runs both: whenever the row-by-row checks report a problem the fast path
must answer "not sure" (False). A clean file must be proved clean (True), so the fast path is
really used, and leave the same state behind as the row-by-row checks.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest

from greencert_desktop.domain.periods import Period
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.submission_reader import WorkbookReader
from greencert_desktop.services import demo, submission
from greencert_desktop.services import verification as v
from greencert_desktop.services import verification_fast as fast

PERIOD = Period.last_complete(date.today(), "quarter")
UNIT = "320722"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """(reference, generation date, {table id: rows}) of a clean 300-certificate export."""
    from greencert_desktop.home import Home
    from greencert_desktop.services.register import Register

    root = tmp_path_factory.mktemp("fast")
    reg = Register.open(Home(root / "home"))
    reg.set("unit_code", UNIT)
    demo.generate_demo(reg, certs=300, seed=11, units=[UNIT])
    path = submission.export_submission(reg, root, period=PERIOD).path
    result = v.verify_file(path, reg.reference, keep_rows=True)
    assert result.ok, [p.describe() for p in result.problems]
    with WorkbookReader(path) as reader:
        assert reader.rows(fmt.SHEET_3)[1:] == result.rows["certificates"]
    yield reg.reference, result.generated_at.date(), result.rows
    reg.close()


def context(reference, today):
    result = v.Verification(path=None)  # type: ignore[arg-type]
    return v._Context(reference, "unit", UNIT, PERIOD, today, v._Checker(result))


def slow(ctx, table, rows):
    v._VALIDATORS[table.id](ctx, table, list(enumerate(rows, start=2)))
    return ctx.check.result.problems


def run_both(clean, table, rows):
    """(problems found row by row, the fast path's answer), 表2 first for 表3."""
    reference, today, tables = clean
    answers = []
    for use_fast in (False, True):
        ctx = context(reference, today)
        if table is fmt.CERTIFICATES:
            orgs = tables["organisations"]
            assert fast.organisations_clean(ctx, fmt.ORGANISATIONS,
                                            fast.Cells(orgs, len(fmt.ORGANISATIONS.columns)))
        if use_fast:
            answers.append(fast.FAST_CHECKS[table.id](
                ctx, table, fast.Cells(rows, len(table.columns))))
        else:
            answers.append(slow(ctx, table, rows))
    return answers[0], answers[1]


def test_a_clean_export_is_proved_clean_with_the_same_state(clean):
    reference, today, tables = clean
    by_fast, by_rows = context(reference, today), context(reference, today)
    for table in (fmt.ORGANISATIONS, fmt.CERTIFICATES):
        rows = tables[table.id]
        assert fast.FAST_CHECKS[table.id](by_fast, table, fast.Cells(rows, len(table.columns)))
        assert slow(by_rows, table, rows) == []
    assert by_fast.orgs == by_rows.orgs and len(by_fast.orgs) == len(tables["organisations"])
    assert by_fast.certificate_keys == by_rows.certificate_keys
    none_for_empty = [[value or None for value in column] for column in by_fast.certificates]
    assert none_for_empty == [list(column) for column in by_rows.certificates]


BAD_TEXT = ["", " ", "  padded ", "X", "=1+1", "\u200b", "全角（）", 12345.0, 0.5, True,
            date(2020, 1, 1), datetime(2020, 1, 1, 8, 30)]
BAD_DATES = ["", "2024-01-01", 45000.0, datetime(2024, 1, 1), date(1900, 1, 1),
             date.today() + timedelta(days=400), date(2099, 1, 1)]
BAD_NUMBERS = ["", -1.0, 1.5, "3", True, 0.0, 1e9, date(2024, 1, 1)]


def bad_values(table, key):
    column = table.columns[table.index(key)]
    if column.kind == "date":
        return BAD_DATES
    if column.kind in ("int", "seq"):
        return BAD_NUMBERS
    return BAD_TEXT


def damaged(rows, index, position, value):
    out = copy.copy(rows)
    out[index] = list(rows[index])
    out[index][position] = value
    return out


@pytest.mark.parametrize("table", [fmt.ORGANISATIONS, fmt.CERTIFICATES], ids=lambda t: t.id)
def test_one_bad_cell_is_never_called_clean(clean, table):
    _, _, tables = clean
    rows = tables[table.id]
    faults = clean_answers = 0
    for position, column in enumerate(table.columns):
        for index in (0, len(rows) // 2, len(rows) - 1):
            others = [rows[i][position] for i in (1, len(rows) // 3)]
            for value in [*bad_values(table, column.key), *others]:
                problems, proved = run_both(clean, table, damaged(rows, index, position, value))
                if problems:
                    faults += 1
                    assert proved is False, (column.key, index, value, problems[0].describe())
                elif proved:
                    clean_answers += 1
    assert faults > 100 and clean_answers > 0  # both sides of the rule were exercised


def test_swapped_and_duplicated_rows(clean):
    _, _, tables = clean
    rows = tables["certificates"]
    twice = [*rows[:-1], list(rows[0])]
    twice[-1][0] = float(len(rows))
    problems, proved = run_both(clean, fmt.CERTIFICATES, twice)
    assert problems and proved is False
    swapped = [rows[1], rows[0], *rows[2:]]
    problems, proved = run_both(clean, fmt.CERTIFICATES, swapped)
    assert problems and proved is False


def test_two_cells_that_only_agree_with_each_other_are_caught(clean):
    """Type code and type name changed together, dates moved out of order together."""
    _, _, tables = clean
    rows = tables["certificates"]
    t = fmt.CERTIFICATES
    row = next(i for i, r in enumerate(rows) if r[t.index("issue_date")])
    both = damaged(rows, row, t.index("type_code"), "ZZZ")
    both[row][t.index("type_name")] = "不存在的类别"
    problems, proved = run_both(clean, t, both)
    assert problems and proved is False
    issued = rows[row][t.index("issue_date")]
    order = damaged(rows, row, t.index("expiry_date"), issued - timedelta(days=1))
    problems, proved = run_both(clean, t, order)
    assert problems and proved is False


@pytest.mark.parametrize("cells", [
    ["文本", 1.0, 2.5, date(2024, 2, 29), ""],
    ["", True, 1.0, datetime(2024, 1, 1, 12, 0), "x"],
    [None, False, 0.0, -3.0, 1e21],
    ["=HYPERLINK(\"http://x\",\"y\")", 1, 1.0, True, datetime(2024, 1, 1)],
])
def test_the_column_hash_equals_the_row_hash(cells):
    table = fmt.Table("t", "表", "sheet", tuple(
        fmt.Column(f"c{i}", f"列{i}", "text" if i == 0 else "number")
        for i in range(len(cells))))
    rows = [cells, list(reversed(cells)), cells]
    by_rows, by_columns = fmt.ContentHash(), fmt.ContentHash()
    for row in rows:
        by_rows.row(row)
    v._hash_cells(by_columns, table, fast.Cells(rows, len(cells)))
    assert by_columns.hexdigest() == by_rows.hexdigest()
