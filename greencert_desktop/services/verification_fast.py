"""Column-wise proof that a clean table is clean: verification's fast path.

``verify_file`` holds every row of a submission against the data-entry rules. Row by row in
Python that costs as much as reading the file (100,000 certificates: ~3 s on top of a ~6 s
read). Nearly every file a unit sends is clean, so the two big tables are first checked
column by column — sets of distinct values, ``map``/``zip`` in C, a few passes over a
column — by functions that answer only "certainly clean" (``True``) or "not sure"
(``False``). On "not sure" the row-by-row checks in :mod:`verification` run and name each
problem, so no message ever comes from here.

Each check is at least as strict as its row-by-row twin: a table called clean here would
have produced no problem there (``tests/services/test_verification_fast.py`` damages every
column of a clean file in many ways and holds this module to it), and on success the same
state for the later cross-checks (organisations by credit code, certificate numbers by
organisation, the rows 表1 is recounted from) is left in the context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from itertools import chain, compress, repeat
from operator import and_, eq, gt, lt, ne, not_
from typing import TYPE_CHECKING, Any

from greencert_desktop.domain import approval, credit_code
from greencert_desktop.domain.records import CERT_KINDS, CREDIT_STANDINGS, LEADER_TYPES, SIZES
from greencert_desktop.domain.status import CertStatus, effective_status
from greencert_desktop.domain.text import all_clean, compact, normalize_text
from greencert_desktop.domain.validation import (
    FIRST_BATCH_YEAR,
    NAME_MAX,
    industry_issues,
    phones_all_valid,
)
from greencert_desktop.excel import submission_format as fmt

if TYPE_CHECKING:
    from greencert_desktop.services.verification import _Context

Rows = list[list[Any]]
Columns = list[list[Any]]


class Cells:
    """A table's cells row by row in one flat list, and (cut once, when first asked) column
    by column.

    The objects read from a sheet lie in memory in row order, so a pass over a column costs
    a cache miss per cell: the checks below touch each column they need as few times as they
    can, with C-level ``map``/``compress``/``set`` rather than Python loops, and look at the
    distinct values of a column where that is enough.
    """

    def __init__(self, rows: Rows, width: int) -> None:
        self.width = width
        self.count = len(rows)
        self.flat: list[Any] = list(chain.from_iterable(rows))
        if len(self.flat) != width * self.count:
            raise ValueError("rows of unequal width")

    @cached_property
    def columns(self) -> Columns:
        return [self.flat[i::self.width] for i in range(self.width)]


def _dates(col: Sequence[Any]) -> set[date] | None:
    """The distinct dates of a column of date cells and empty text; None for anything else."""
    distinct = set(col)
    distinct.discard("")
    if not set(map(type, distinct)) <= {date}:
        return None
    return distinct


def _whole_numbers(col: Sequence[Any]) -> dict[Any, int | None] | None:
    """Distinct cell → its integer (None for empty), or None when a cell is not a whole number."""
    if not set(map(type, col)) <= {float, int, str}:  # True == 1 == 1.0 in a set of values
        return None
    out: dict[Any, int | None] = {}
    for n in set(col):
        if n.__class__ is str and n == "":
            out[n] = None
        elif n.__class__ is int:
            out[n] = n
        elif n.__class__ is float and n.is_integer():
            out[n] = int(n)
        else:
            return None
    return out


def _seq_ok(col: Sequence[Any]) -> bool:
    return col == list(range(1, len(col) + 1))


def _units(ctx: _Context, col: Sequence[Any]) -> dict[Any, str] | None:
    """Distinct 所属区划 cell → unit code, or None when one is unknown or not this unit."""
    out: dict[Any, str] = {}
    for raw in set(col):
        unit = ctx.unit_of(raw)
        if unit is None or (ctx.scope == "unit" and unit != ctx.unit_code):
            return None
        out[raw] = unit
    return out


def _guarded(check: Callable[[_Context, fmt.Table, Cells], bool]
             ) -> Callable[[_Context, fmt.Table, Cells], bool]:
    """A cell of an unexpected type (a number typed into a text column, say) makes a str
    method or a lookup fail: that too only means "not sure"."""

    def run(ctx: _Context, t: fmt.Table, cells: Cells) -> bool:
        try:
            return check(ctx, t, cells)
        except (TypeError, AttributeError, KeyError):
            return False

    run.__doc__ = check.__doc__
    return run


@_guarded
def organisations_clean(ctx: _Context, t: fmt.Table, cells: Cells) -> bool:
    """表2: see the module doc. On success ``ctx.orgs`` holds every organisation."""
    n = cells.count
    c = dict(zip((col.key for col in t.columns), cells.columns, strict=True))
    if not n or not _seq_ok(c["seq"]):
        return False
    codes, names = c["credit_code"], c["name"]
    if not set(map(type, codes)) <= {str} or len(set(codes)) != n:
        return False
    if not credit_code.all_valid(codes) or not all_clean(names, NAME_MAX):
        return False
    units = _units(ctx, c["unit"])
    if units is None:
        return False
    for section, code in set(zip(c["industry_section"], c["industry_code"], strict=True)):
        if industry_issues(compact(section), compact(code), ctx.sections):
            return False
    choices: list[tuple[str, tuple[str, ...], bool]] = [
        ("size", SIZES, True), ("credit_standing", CREDIT_STANDINGS, False),
        ("leader_type", LEADER_TYPES, True)]
    for key, allowed, optional in choices:
        for value in set(c[key]):
            text = normalize_text(value)
            if text not in allowed and not (optional and not text):
                return False
    if not set(c["specialised"]) | set(c["high_tech"]) <= {fmt.YES, fmt.NO, ""}:
        return False
    if not phones_all_valid(list(set(c["phone"]))):
        return False
    org_units = map(units.__getitem__, c["unit"])
    ctx.orgs.update(zip(codes, zip(map(str.strip, names), org_units, strict=True), strict=True))
    return True


@_guarded
def certificates_clean(ctx: _Context, t: fmt.Table, cells: Cells) -> bool:
    """表3: see the module doc. On success the certificate numbers and the columns 表1 is
    recounted from are in ``ctx`` as the row-by-row checks would have put them."""
    n = cells.count
    c = dict(zip((col.key for col in t.columns), cells.columns, strict=True))
    if not n or not _seq_ok(c["seq"]):
        return False
    credits, numbers, types = c["credit_code"], c["number"], c["type_code"]
    bodies, approvals = c["body_name"], c["approval_number"]
    recorded, shown = c["recorded_status"], c["status"]
    issue, expiry = c["issue_date"], c["expiry_date"]
    first, changed, watched = c["first_issue_date"], c["status_date"], c["last_surveillance_date"]
    today = ctx.today

    # organisation (by exact credit code), its name and (city workbook) unit as in 表2
    orgs = ctx.orgs
    names = {code: org[0] for code, org in orgs.items()}
    if list(map(names.__getitem__, credits)) != c["org_name"]:
        return False
    if "unit" in c:
        units = _units(ctx, c["unit"])
        if units is None:
            return False
        unit_of_org = {code: org[1] for code, org in orgs.items()}
        if list(map(units.__getitem__, c["unit"])) != list(map(unit_of_org.__getitem__,
                                                               credits)):
            return False
    # type code and its name; a certificate needs a body and both dates, a listing a batch year
    catalogue = {code: ct for code, ct in ctx.types.items() if ct.kind in CERT_KINDS}
    type_names = {code: ct.name for code, ct in catalogue.items()}
    if list(map(type_names.__getitem__, types)) != c["type_name"]:
        return False
    is_cert = list(map({code: ct.kind == "certificate" for code, ct in catalogue.items()}
                       .__getitem__, types))
    for col in (bodies, issue, expiry):
        if any(map(and_, is_cert, map(not_, col))):
            return False
    if any(b != b.strip() for b in set(bodies)):
        return False
    # cells of the right kind
    dates = {key: _dates(c[key]) for key in ("first_issue_date", "issue_date", "expiry_date",
                                              "status_date", "last_surveillance_date")}
    ints = {key: _whole_numbers(c[key]) for key in ("batch_year", "surveillance_count",
                                                     "recert_count")}
    if any(found is None for found in (*dates.values(), *ints.values())):
        return False
    batch = ints["batch_year"]
    assert batch is not None
    counts = (*ints["surveillance_count"].values(), *ints["recert_count"].values())  # type: ignore[union-attr]
    if any(v is not None and v < 0 for v in counts):
        return False
    last_batch = ctx.today.year + 1
    for year in set(compress(c["batch_year"], map(not_, is_cert))):
        if batch[year] is None or not FIRST_BATCH_YEAR <= batch[year] <= last_batch:  # type: ignore[operator]
            return False
    # numbers, approval numbers; one number per body (or, without a body, per type)
    if not approval.numbers_all_clean(numbers):
        return False
    for number in set(approvals):
        if number != number.strip() or (number and approval.validate_approval_number(number)[1]):
            return False
    if len(set(numbers)) != n:
        keys = zip([a or b for a, b in zip(approvals, bodies, strict=True)],
                   ["" if b else code for code, b in zip(types, bodies, strict=True)], numbers,
                   strict=True)
        if len(set(keys)) != n:
            return False
    # dates in order (where both are given) and not after the generation date
    issued = list(map(bool, issue))
    for later, earlier, before in ((expiry, issue, lt), (first, issue, gt), (watched, issue, lt)):
        both = list(map(and_, map(bool, later), issued))
        if any(map(before, compress(later, both), compress(earlier, both))):
            return False
    for key in ("issue_date", "last_surveillance_date", "status_date"):
        distinct = dates[key]
        if distinct and max(distinct) > today:  # type: ignore[type-var]
            return False
    # statuses: known labels; a recorded 有效 is shown as of the generation date (status dates
    # are not after it), any other status as recorded
    labels = {s.label: s for s in CertStatus}
    if not set(shown) <= labels.keys() or not set(recorded) <= labels.keys():
        return False
    valid, expired = CertStatus.VALID.label, CertStatus.EXPIRED.label
    differ = list(map(ne, recorded, shown))
    if set(compress(recorded, differ)) - {valid} or set(compress(shown, differ)) - {expired}:
        return False
    shown_expired = set(compress(expiry, differ))
    if "" in shown_expired or (shown_expired and effective_status(
            CertStatus.VALID, max(shown_expired), today).label != expired):
        return False
    still_valid = set(compress(expiry, map(eq, shown, repeat(valid))))
    still_valid.discard("")
    if still_valid and effective_status(CertStatus.VALID, min(still_valid), today).label != valid:
        return False

    ctx.add_certificates(
        credits, numbers, types, list(map({s.label: s.value for s in CertStatus}.__getitem__,
                                          recorded)),
        issue, expiry, list(map(batch.__getitem__, c["batch_year"])), changed)
    return True


FAST_CHECKS: dict[str, Callable[[_Context, fmt.Table, Cells], bool]] = {
    "organisations": organisations_clean,
    "certificates": certificates_clean,
}
