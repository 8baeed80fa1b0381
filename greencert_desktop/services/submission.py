"""The county side of reporting: build, check and export the submission workbook.

``preview`` gives a GUI what will be sent (indicators, counts by type, changes);
``check_before_export`` lists records that would make the submission wrong, with their ids
so a page can jump to each; ``export_submission`` writes the workbook (temp file, then
rename) with a progress callback and a cancel check, and records the export in the
history (``submissions`` table). A city install exports the city workbook the same way
(see :func:`greencert_desktop.services.consolidation.export_city_workbook`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from greencert_desktop import __version__
from greencert_desktop.domain.errors import Issue, UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.domain.validation import (
    validate_case,
    validate_certificate,
    validate_organisation,
    validate_subsidy,
)
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.submission_writer import (
    CancelCheck,
    Cover,
    Progress,
    SubmissionWriter,
    TableData,
)
from greencert_desktop.services import audit
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import effective_status_expr, statistics
from greencert_desktop.storage.models import (
    AuditEntry,
    CertBody,
    Certificate,
    CertType,
    Organisation,
    Submission,
    Subsidy,
    SupervisionCase,
    Unit,
)

STATUS_LABELS = {s.value: s.label for s in CertStatus}
PEOPLE_SETTINGS = {"filler": "submission_filler", "phone": "submission_phone",
                   "reviewer": "submission_reviewer", "head": "submission_head"}
CHANGE_KIND = {"create": "新增", "update": "修改", "surveillance": "修改", "reinstate": "修改",
               "suspend": "暂停", "revoke": "撤销", "cancel": "注销", "delete": "删除"}
CHANGE_ENTITY = {"organisation": "组织", "certificate": "证书", "subsidy": "奖补",
                 "case": "监督检查"}
CONTENT_MAX = 2000
ENTITY_LABELS = {"organisation": "组织", "certificate": "证书", "subsidy": "奖补记录",
                 "case": "监督检查记录"}


def _field_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for t in fmt.TABLES:
        for c in t.columns:
            labels.setdefault(c.key, c.header)
    labels.update({
        "unit_code": "所属区划", "org_id": "组织", "body_id": "认证机构", "type_code": "认证类别",
        "status": "证书状态", "amount_fen": "金额（分）", "certificate_id": "证书",
        "name": "名称", "notes": "备注", "kind": "检查类型", "year": "年度",
        "category": "类别", "granted_on": "日期", "inspected_on": "检查日期",
    })
    return labels


FIELD_LABELS = _field_labels()


# ---------------------------------------------------------------------------- basics


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: str
    scope: str
    """``unit`` (a county or zone) or ``city`` (the whole register)."""


def resolve_unit(reg: Register, unit: str | None = None) -> UnitChoice:
    code = (unit or reg.unit_code or "").strip().upper()
    if not code:
        raise UserError("尚未设置本单位区划代码，请先在设置中填写（如 greencert config unit_code "
                        "320706），或用 --unit 指定")
    city = reg.reference.city
    if code == city.code:
        return UnitChoice(city.code, city.name, "city")
    with reg.db.reading() as s:
        row = s.get(Unit, code)
    if row is None or row.kind == "city":
        raise UserError(f"区划代码“{code}”不在区划列表中")
    return UnitChoice(row.code, row.name, "unit")


def default_period(reg: Register, today: date | None = None) -> Period:
    """The last complete period of the configured type (报送周期)."""
    return Period.last_complete(today or date.today(), reg.get("period_type"))


def parse_period(reg: Register, text: str | None, today: date | None = None) -> Period:
    today = today or date.today()
    period = Period.parse(text) if text else default_period(reg, today)
    if period.start > today:
        raise UserError(f"报告期 {period.code}（{period.words}）尚未开始，不能报送")
    return period


@dataclass
class People:
    """填表人 / 联系电话 / 审核人 / 单位负责人, remembered between exports."""

    filler: str = ""
    phone: str = ""
    reviewer: str = ""
    head: str = ""


def remembered_people(reg: Register) -> People:
    return People(**{k: str(reg.settings.get(v) or "") for k, v in PEOPLE_SETTINGS.items()})


def remember_people(reg: Register, people: People) -> None:
    for attr, key in PEOPLE_SETTINGS.items():
        value = getattr(people, attr).strip()
        if reg.settings.get(key) != value:
            reg.settings.set(key, value)


def local_now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _local_bounds(period: Period, until: date) -> tuple[datetime, datetime]:
    """The period as naive-UTC instants [start, end) in this computer's time zone."""
    start = datetime.combine(period.start, time.min).astimezone()
    end = datetime.combine(min(period.end, until) + timedelta(days=1), time.min).astimezone()
    return _utc_naive(start), _utc_naive(end)


def _local_date(utc_naive: datetime) -> date:
    return utc_naive.replace(tzinfo=UTC).astimezone().date()


# ---------------------------------------------------------------------------- queries


def _has_records() -> Any:
    return or_(exists().where(Certificate.org_id == Organisation.id),
               exists().where(Subsidy.org_id == Organisation.id),
               exists().where(SupervisionCase.org_id == Organisation.id))


def _unit_where(q: Select[Any], unit: UnitChoice) -> Select[Any]:
    return q if unit.scope == "city" else q.where(Organisation.unit_code == unit.code)


def _stream(s: Session, q: Select[Any]) -> Iterator[Any]:
    """The rows of a select of columns, through the session's connection: Core rows, without
    the ORM's result processing (which costs more than the query on 100,000 rows)."""
    yield from s.connection().execution_options(yield_per=5000).execute(q)


def _unit_names(s: Session) -> dict[str, str]:
    return dict(s.execute(select(Unit.code, Unit.name)).tuples().all())


def _org_rows(s: Session, unit: UnitChoice) -> Iterator[list[Any]]:
    names = _unit_names(s)
    q = _unit_where(select(
        Organisation.credit_code, Organisation.name, Organisation.unit_code,
        Organisation.industry_section, Organisation.industry_code, Organisation.size,
        Organisation.credit_standing, Organisation.leader_type, Organisation.contact,
        Organisation.phone, Organisation.address, Organisation.notes, Organisation.specialised,
        Organisation.high_tech, Organisation.code_override_note,
    ).where(_has_records()).order_by(Organisation.credit_code), unit)
    for n, r in enumerate(_stream(s, q), start=1):
        yield [n, r[0], r[1], names.get(r[2], r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9],
               r[10], r[11], r[12], r[13], r[14]]


def _cert_query(unit: UnitChoice, today: date) -> Select[Any]:
    """表3 columns (effective status on ``today``, recorded status last), then the unit code."""
    return _unit_where(select(
        Certificate.number, Organisation.credit_code, Organisation.name, Certificate.type_code,
        CertType.name, CertBody.name, CertBody.approval_number, Certificate.basis,
        Certificate.scope, Certificate.first_issue_date, Certificate.issue_date,
        Certificate.expiry_date, effective_status_expr(today), Certificate.status_date,
        Certificate.last_surveillance_date, Certificate.notes, Certificate.batch_year,
        Certificate.issuer, Certificate.products, Certificate.surveillance_count,
        Certificate.recert_count, Certificate.status_reason, Certificate.status,
        Organisation.unit_code,
    ).select_from(Certificate)
        .join(Organisation, Certificate.org_id == Organisation.id)
        .join(CertType, Certificate.type_code == CertType.code)
        .outerjoin(CertBody, Certificate.body_id == CertBody.id)
        .order_by(Organisation.credit_code, CertType.sort, Certificate.type_code,
                  Certificate.number, Certificate.id), unit)


def _cert_rows(s: Session, unit: UnitChoice, today: date) -> Iterator[list[Any]]:
    """表3 rows; 证书状态 is the effective status on ``today`` (the export date), 登记状态 the
    recorded one. The city form has the unit's name after 序号."""
    labels = STATUS_LABELS
    names = _unit_names(s) if unit.scope == "city" else {}
    for n, r in enumerate(_stream(s, _cert_query(unit, today)), start=1):
        row = list(r)
        row[12] = labels.get(row[12], row[12])
        row[22] = labels.get(row[22], row[22])
        unit_code = row.pop()
        row.insert(0, n)
        if unit.scope == "city":
            row.insert(1, names.get(unit_code, unit_code))
        yield row


def _scoped(s: Session, unit: UnitChoice, rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Rows whose last value is the unit code: dropped, or (city form) its name put first."""
    if unit.scope != "city":
        for r in rows:
            yield r[:-1]
        return
    names = _unit_names(s)
    for r in rows:
        yield [names.get(r[-1], r[-1]), *r[:-1]]


def _subsidy_rows(s: Session, unit: UnitChoice) -> Iterator[list[Any]]:
    q = _unit_where(select(
        Subsidy.year, Organisation.credit_code, Organisation.name, Subsidy.category,
        Subsidy.amount_fen, Subsidy.doc_number, Subsidy.granted_on, Subsidy.notes,
        Organisation.unit_code,
    ).join(Organisation, Subsidy.org_id == Organisation.id)
        .order_by(Subsidy.year, Organisation.credit_code, Subsidy.granted_on, Subsidy.id), unit)
    yield from _scoped(s, unit, ([r[0], r[1], r[2], r[3], _yuan(r[4]), r[5], r[6], r[7], r[8]]
                                 for r in _stream(s, q)))


def _yuan(fen: int) -> float | int:
    return fen // 100 if fen % 100 == 0 else float(Decimal(fen) / 100)


def _case_rows(s: Session, unit: UnitChoice) -> Iterator[list[Any]]:
    q = _unit_where(select(
        SupervisionCase.inspected_on, Organisation.credit_code, Organisation.name,
        Certificate.number, SupervisionCase.kind, SupervisionCase.finding,
        SupervisionCase.action, SupervisionCase.blacklisted, SupervisionCase.notes,
        Organisation.unit_code,
    ).select_from(SupervisionCase)
        .join(Organisation, SupervisionCase.org_id == Organisation.id)
        .outerjoin(Certificate, SupervisionCase.certificate_id == Certificate.id)
        .order_by(SupervisionCase.inspected_on, Organisation.credit_code, SupervisionCase.id),
        unit)
    yield from _scoped(s, unit, (list(r) for r in _stream(s, q)))


def _counts(s: Session, unit: UnitChoice) -> dict[str, int]:
    def n(q: Select[Any]) -> int:
        return int(s.scalar(q) or 0)

    return {
        "organisations": n(_unit_where(select(func.count()).select_from(Organisation)
                                       .where(_has_records()), unit)),
        "certificates": n(_unit_where(select(func.count()).select_from(Certificate).join(
            Organisation, Certificate.org_id == Organisation.id), unit)),
        "subsidies": n(_unit_where(select(func.count()).select_from(Subsidy).join(
            Organisation, Subsidy.org_id == Organisation.id), unit)),
        "cases": n(_unit_where(select(func.count()).select_from(SupervisionCase).join(
            Organisation, SupervisionCase.org_id == Organisation.id), unit)),
    }


# ---------------------------------------------------------------------------- 表1


def indicator_rows(reg: Register, stats: dict[str, Any]) -> list[list[Any]]:
    new_by_type = {t["code"]: t["new"] for t in stats["by_type"]}
    rows = []
    for ind in stats["indicators"]:
        ref = reg.reference.indicator(ind["code"])
        new: int | None = None
        if ref is not None and ref.source == "certificates":
            new = sum(new_by_type.get(t.code, 0) for t in reg.reference.types_for_indicator(
                ind["code"]))
        rows.append([ind["name"], ind["measure"], new, ind["count"], ind["target"],
                     ind["quota"], ind["ratio"]])
    return rows


def type_rows(stats: dict[str, Any]) -> list[list[Any]]:
    return [[t["name"], t["new"], t["valid"], t["by_status"]["02"], t["by_status"]["03"],
             t["by_status"]["04"], t["by_status"]["05"]] for t in stats["by_type"]]


# ---------------------------------------------------------------------------- 表4


@dataclass
class _Owners:
    """Which unit each record belongs to, for attributing audit entries."""

    org_unit: dict[int, str]
    cert_org: dict[int, int]
    subsidy_org: dict[int, int]
    case_org: dict[int, int]


def _owners(s: Session) -> _Owners:
    return _Owners(
        dict(s.execute(select(Organisation.id, Organisation.unit_code)).tuples().all()),
        dict(s.execute(select(Certificate.id, Certificate.org_id)).tuples().all()),
        dict(s.execute(select(Subsidy.id, Subsidy.org_id)).tuples().all()),
        dict(s.execute(select(SupervisionCase.id, SupervisionCase.org_id)).tuples().all()))


def _entry_unit(e: AuditEntry, changes: dict[str, Any], owners: _Owners,
                deleted_org_units: dict[int, str]) -> str | None:
    def org_unit(org_id: Any) -> str | None:
        if not isinstance(org_id, int):
            return None
        return owners.org_unit.get(org_id) or deleted_org_units.get(org_id)

    def old(key: str) -> Any:
        pair = changes.get(key)
        return pair[0] if isinstance(pair, list) and pair else None

    def new(key: str) -> Any:
        pair = changes.get(key)
        return pair[-1] if isinstance(pair, list) and pair else None

    if e.entity == "organisation":
        return (owners.org_unit.get(e.entity_id or 0) or new("unit_code") or old("unit_code"))
    table = {"certificate": owners.cert_org, "subsidy": owners.subsidy_org,
             "case": owners.case_org}[e.entity]
    org_id = table.get(e.entity_id or 0)
    return org_unit(org_id) or org_unit(new("org_id")) or org_unit(old("org_id"))


def _describe_value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if key == "status" and value in STATUS_LABELS:
        return STATUS_LABELS[value]
    if key == "amount_fen" and isinstance(value, int):
        return f"{Decimal(value) / 100}元"
    if isinstance(value, bool):
        return fmt.YES if value else fmt.NO
    return str(value)


def _describe_changes(action: str, changes: dict[str, Any], note: str) -> str:
    parts = []
    for key, pair in changes.items():
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        label = FIELD_LABELS.get(key, key)
        before, after = pair
        if action == "create":
            parts.append(f"{label}：{_describe_value(key, after)}")
        elif action == "delete":
            parts.append(f"{label}：{_describe_value(key, before)}")
        else:
            parts.append(f"{label}：{_describe_value(key, before)} → {_describe_value(key, after)}")
    text = "；".join(parts)
    if note:
        text = f"{text}（{note}）" if text else note
    return text[:CONTENT_MAX]


def change_rows(reg: Register, s: Session, unit: UnitChoice, period: Period,
                today: date) -> list[list[Any]]:
    """Every change inside the period: audited changes, and certificates that expired."""
    start, end = _local_bounds(period, today)
    entries = s.scalars(select(AuditEntry).where(
        AuditEntry.at >= start, AuditEntry.at < end,
        AuditEntry.entity.in_(list(CHANGE_ENTITY)), AuditEntry.action.in_(list(CHANGE_KIND)))
        .order_by(AuditEntry.at, AuditEntry.id)).all()
    owners = _owners(s) if entries else None
    deleted_org_units: dict[int, str] = {}
    if owners is not None:
        for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "organisation",
                                                    AuditEntry.action == "delete")):
            pair = json.loads(e.changes_json or "{}").get("unit_code")
            if e.entity_id is not None and isinstance(pair, list) and pair:
                deleted_org_units[e.entity_id] = pair[0]
    names = _unit_names(s)
    rows: list[tuple[date, int, list[Any]]] = []
    for e in entries:
        changes = json.loads(e.changes_json or "{}")
        assert owners is not None
        entry_unit = _entry_unit(e, changes, owners, deleted_org_units) or ""
        if unit.scope == "unit" and entry_unit != unit.code:
            continue
        day = _local_date(e.at)
        row = [CHANGE_KIND[e.action], CHANGE_ENTITY[e.entity], e.entity_key, e.entity_name,
               day, _describe_changes(e.action, changes, e.note)]
        if unit.scope == "city":
            row.insert(0, names.get(entry_unit, entry_unit))
        rows.append((day, 0, row))
    # a valid certificate whose expiry date passed inside the period expired that day
    last = min(period.end, today)
    q = _unit_where(select(Certificate.number, Organisation.name, Certificate.expiry_date,
                           Organisation.unit_code)
                    .join(Organisation, Certificate.org_id == Organisation.id)
                    .where(Certificate.status == CertStatus.VALID.value,
                           Certificate.expiry_date >= period.start - timedelta(days=1),
                           Certificate.expiry_date < last)
                    .order_by(Certificate.expiry_date, Certificate.number), unit)
    for number, org_name, expiry, unit_code in s.execute(q):
        day = expiry + timedelta(days=1)
        row = ["过期", "证书", number, org_name, day,
               f"有效期至 {expiry.isoformat()} 届满，证书过期失效"]
        if unit.scope == "city":
            row.insert(0, names.get(unit_code, unit_code))
        rows.append((day, 1, row))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


# ---------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class RecordProblem:
    """A stored record that would make the submission wrong; ``record_id`` lets a page open it."""

    entity: str
    record_id: int
    field: str
    label: str
    message: str

    def describe(self) -> str:
        return f"{ENTITY_LABELS.get(self.entity, self.entity)} {self.label}：{self.message}"


def check_before_export(reg: Register, unit: str | None = None, *, today: date | None = None,
                        limit: int | None = None) -> list[RecordProblem]:
    """Every exported record against the data-entry rules (the verifier applies the same)."""
    today = today or date.today()
    choice = resolve_unit(reg, unit)
    problems: list[RecordProblem] = []

    def add(entity: str, record_id: int, label: str, issues: Iterable[Issue]) -> bool:
        for issue in issues:
            problems.append(RecordProblem(entity, record_id, issue.field, label, issue.message))
        return limit is not None and len(problems) >= limit

    with reg.db.reading() as s:
        units = set(s.scalars(select(Unit.code).where(Unit.kind != "city")))
        sections = reg.reference.section_ranges()
        kinds = dict(s.execute(select(CertType.code, CertType.kind)).tuples().all())
        org_fields = [Organisation.id, *(getattr(Organisation, f) for f in (
            "credit_code", "name", "unit_code", "address", "industry_section", "industry_code",
            "size", "contact", "phone", "credit_standing", "leader_type", "specialised",
            "high_tech", "code_override_note", "notes"))]
        for r in _stream(s, _unit_where(select(*org_fields).where(_has_records()), choice)):
            data = OrganisationData(*r[1:5], r[5] or "", *r[6:])
            if add("organisation", r[0], f"{r[1]} {r[2]}", validate_organisation(
                    data, unit_codes=units, sections=sections)):
                return problems
        cert_fields = ("number", "org_id", "type_code", "body_id", "status", "issue_date",
                       "expiry_date", "first_issue_date", "status_date", "status_reason",
                       "last_surveillance_date", "surveillance_count", "recert_count", "basis",
                       "scope", "products", "batch_year", "issuer", "notes")
        q = select(Certificate.id, *(getattr(Certificate, f) for f in cert_fields)).join(
            Organisation, Certificate.org_id == Organisation.id)
        for r in _stream(s, _unit_where(q, choice)):
            data = CertificateData(*r[1:])
            if add("certificate", r[0], str(r[1]), validate_certificate(
                    data, type_kind=kinds.get(r[3]), today=today)):
                return problems
        q = select(Subsidy.id, Subsidy.year, Subsidy.org_id, Subsidy.category, Subsidy.amount_fen,
                   Subsidy.doc_number, Subsidy.granted_on, Organisation.name).join(
            Organisation, Subsidy.org_id == Organisation.id)
        for r in _stream(s, _unit_where(q, choice)):
            data = SubsidyData(year=r[1], org_id=r[2], category=r[3],
                               amount=Decimal(r[4]) / 100, doc_number=r[5], granted_on=r[6])
            if add("subsidy", r[0], f"{r[7]} {r[1]}年", validate_subsidy(data, today=today)):
                return problems
        q = select(SupervisionCase.id, SupervisionCase.inspected_on, SupervisionCase.org_id,
                   SupervisionCase.kind, Organisation.name).join(
            Organisation, SupervisionCase.org_id == Organisation.id)
        for r in _stream(s, _unit_where(q, choice)):
            data = CaseData(inspected_on=r[1], org_id=r[2], kind=r[3])
            if add("case", r[0], f"{r[4]} {r[1]}", validate_case(data, today=today)):
                return problems
    return problems


# ---------------------------------------------------------------------------- preview


def preview(reg: Register, period: Period, unit: str | None = None, *,
            today: date | None = None) -> dict[str, Any]:
    """What the submission will contain, for the 报送 page before exporting."""
    today = today or date.today()
    choice = resolve_unit(reg, unit)
    stats = statistics(reg, unit=None if choice.scope == "city" else choice.code,
                       period=period, today=today)
    with reg.db.reading() as s:
        counts = _counts(s, choice)
        changes = change_rows(reg, s, choice, period, today)
    counts["changes"] = len(changes)
    return {
        "unit": {"code": choice.code, "name": choice.name, "scope": choice.scope},
        "period": {"code": period.code, "words": period.words},
        "as_of": stats["as_of"],
        "indicators": [dict(zip([c.key for c in fmt.INDICATORS.columns], r, strict=True))
                       for r in indicator_rows(reg, stats)],
        "types": [dict(zip([c.key for c in fmt.TYPES.columns], r, strict=True))
                  for r in type_rows(stats)],
        "changes": [dict(zip([c.key for c in fmt.CHANGES.columns], r[-6:], strict=True))
                    for r in changes[:500]],
        "counts": counts,
        "file_name": fmt.file_name(choice.code, choice.name, period.code,
                                   city=choice.scope == "city"),
    }


# ---------------------------------------------------------------------------- export


class ExportBlocked(UserError):
    """Records would make the submission wrong; ``problems`` lists them."""

    def __init__(self, problems: list[RecordProblem]) -> None:
        first = "；".join(p.describe() for p in problems[:3])
        more = f"等 {len(problems)} 个问题" if len(problems) > 3 else ""
        super().__init__(f"有记录不符合填报规则，未导出：{first}{more}。请修改后再导出")
        self.problems = problems


@dataclass
class ExportResult:
    path: Path
    unit_code: str
    unit_name: str
    period: str
    generated_at: str
    content_sha256: str
    counts: dict[str, int]
    submission_id: int | None = None
    problems: list[RecordProblem] = field(default_factory=list)


def target_path(out: str | Path, file_name: str) -> Path:
    """A folder gets the standard file name; a path ending in .xlsx is used as given."""
    path = Path(out)
    if path.suffix.lower() == ".xlsx" and not path.is_dir():
        if not path.parent.is_dir():
            raise UserError(f"文件夹不存在：{path.parent}")
        return path
    if not path.is_dir():
        raise UserError(f"文件夹不存在：{path}（导出文件应为 .xlsx，或给出一个已有的文件夹）")
    return path / file_name


def export_submission(reg: Register, out: str | Path, *, period: Period | None = None,
                      unit: str | None = None, people: People | None = None,
                      progress: Progress | None = None, cancel: CancelCheck | None = None,
                      allow_problems: bool = False, now: datetime | None = None,
                      ) -> ExportResult:
    """Export the standard workbook for ``period`` (default: last complete period)."""
    now = (now or local_now()).replace(microsecond=0)
    today = now.date()
    choice = resolve_unit(reg, unit)
    if choice.scope == "city":
        from greencert_desktop.services.consolidation import export_city_workbook

        return export_city_workbook(reg, out, period=period, people=people, progress=progress,
                                    cancel=cancel, now=now)
    period = period or default_period(reg, today)
    if period.start > today:
        raise UserError(f"报告期 {period.code}（{period.words}）尚未开始，不能报送")
    problems = check_before_export(reg, choice.code, today=today)
    if problems and not allow_problems:
        raise ExportBlocked(problems)
    people = people or remembered_people(reg)
    path = target_path(out, fmt.file_name(choice.code, choice.name, period.code))
    stats = statistics(reg, unit=choice.code, period=period, today=today)
    writer = SubmissionWriter(progress=progress, cancel=cancel)
    with reg.db.reading() as s:
        counts = _counts(s, choice)
        changes = change_rows(reg, s, choice, period, today)
        tables = [
            TableData(fmt.INDICATORS, indicator_rows(reg, stats), len(stats["indicators"])),
            TableData(fmt.TYPES, type_rows(stats), len(stats["by_type"])),
            TableData(fmt.ORGANISATIONS, _org_rows(s, choice), counts["organisations"]),
            TableData(fmt.CERTIFICATES, _cert_rows(s, choice, today),
                      counts["certificates"]),
            TableData(fmt.CHANGES, changes, len(changes)),
            TableData(fmt.SUBSIDIES, _subsidy_rows(s, choice), counts["subsidies"]),
            TableData(fmt.CASES, _case_rows(s, choice), counts["cases"]),
        ]
        cover = _cover(reg, choice, period, now, people, stats, counts, len(changes),
                       scope_note=f"{choice.name}登记簿中有证书、名单、奖补或监督检查记录的全部组织"
                                  "及其记录；表1 统计截至报告期末（报告期未结束时截至填报日期）。")
        meta = base_meta(choice, period, now, scope="unit")
        result = writer.write(path, cover=cover, tables=tables, meta=meta,
                              sheet_order=fmt.SHEETS)
    counts = {**result.counts}
    submission_id = record_submission(reg, "export", choice.code, period, now, path.name,
                                      result.content_sha256, counts)
    remember_people(reg, people)
    return ExportResult(path, choice.code, choice.name, period.code, now.isoformat(),
                        result.content_sha256, counts, submission_id, problems)


def base_meta(choice: UnitChoice, period: Period, now: datetime, *, scope: str) -> dict[str, str]:
    return {
        "format": fmt.FORMAT_KEY,
        "template_version": str(fmt.TEMPLATE_VERSION),
        "scope": scope,
        "unit_code": choice.code,
        "unit_name": choice.name,
        "period": period.code,
        "period_words": period.words,
        "generated_at": now.isoformat(),
        "app_version": __version__,
    }


def _cover(reg: Register, choice: UnitChoice, period: Period, now: datetime, people: People,
           stats: dict[str, Any], counts: dict[str, int], changes: int, *,
           scope_note: str) -> Cover:
    return Cover(
        unit_code=choice.code, unit_name=choice.name, period_code=period.code,
        period_words=period.words, doc_number=str(reg.get("doc_number") or ""),
        filler=people.filler, phone=people.phone, reviewer=people.reviewer, head=people.head,
        filled_on=now.date(), generated_at=now.isoformat(), scope_note=scope_note,
        summary=[
            ("获证组织", f"{counts['organisations']} 家"),
            ("证书/名单", f"{counts['certificates']} 张（截至 {stats['as_of']} 有效 "
                         f"{stats['totals']['valid']} 张）"),
            ("本期变动", f"{changes} 条"),
            ("奖补与引领", f"{counts['subsidies']} 条"),
            ("监督检查", f"{counts['cases']} 条"),
        ])


def record_submission(reg: Register, direction: str, unit_code: str, period: Period | str,
                      generated_at: datetime, file_name: str, sha256: str,
                      counts: dict[str, int], *, session: Session | None = None) -> int:
    """Add a history row (and its audit row); inside ``session`` when given."""
    code = period.code if isinstance(period, Period) else period

    def add(s: Session) -> int:
        row = Submission(direction=direction, unit_code=unit_code, period=code,
                         generated_at=_utc_naive(generated_at), recorded_at=audit.utcnow(),
                         operator=reg.operator, file_name=file_name, sha256=sha256,
                         template_version=fmt.TEMPLATE_VERSION,
                         counts_json=json.dumps(counts, ensure_ascii=False))
        s.add(row)
        s.flush()
        audit.record(s, reg.operator, action=direction, entity="submission",
                     entity_id=row.id, key=code, name=file_name,
                     changes={k: [None, v] for k, v in counts.items()},
                     note=f"内容校验值 {sha256}")
        return int(row.id)

    if session is not None:
        return add(session)
    with reg.db.transaction() as s:
        return add(s)


def submission_history(reg: Register, *, direction: str | None = None,
                       unit: str | None = None, period: str | None = None,
                       limit: int = 500) -> list[dict[str, Any]]:
    """Exported (or received) submissions, newest first, as plain data."""
    q = select(Submission).order_by(Submission.recorded_at.desc(), Submission.id.desc())
    if direction:
        q = q.where(Submission.direction == direction)
    if unit:
        q = q.where(Submission.unit_code == unit)
    if period:
        q = q.where(Submission.period == period)
    with reg.db.reading() as s:
        rows = s.scalars(q.limit(limit)).all()
        return [{
            "id": r.id, "direction": r.direction, "unit_code": r.unit_code, "period": r.period,
            "generated_at": r.generated_at.replace(tzinfo=UTC).astimezone().isoformat(),
            "recorded_at": r.recorded_at.replace(tzinfo=UTC).astimezone().isoformat(),
            "operator": r.operator, "file_name": r.file_name, "sha256": r.sha256,
            "template_version": r.template_version, "counts": json.loads(r.counts_json or "{}"),
        } for r in rows]
