"""The city side: verify the counties' workbooks for a period, show duplicates, conflicts and
completeness, then store them in the city register in one transaction, and export the city
workbook.

How a consolidation replaces a unit's data
------------------------------------------
Each county workbook is a complete snapshot of that unit's register (every organisation with
a record, and all their certificates, listings, subsidies and cases). The city register
holds, for each unit, the records of the latest submission consolidated for it. Consolidating
unit U's file for period P therefore *replaces* everything attributed to U: the organisations
whose ``unit_code`` is U are deleted with their certificates, subsidies and cases, and the
file's rows are inserted (new ids), all in one transaction after a backup of the database.
A file for an older period than the one already consolidated for U is refused (it would roll
the unit back); a corrected file for the same period replaces the earlier one. Certification
bodies are shared by all units and are never deleted: a body is matched by approval number,
else by name, and created when unknown. Each unit's replacement is one audit row (old and new
counts, the file and its hash) and one ``received`` row in the submission history. The
received file is archived under ``<home>/submissions/received/<period>/``; the city
workbook's 表4 (changes) is taken from those archived files.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.submission_writer import (
    CancelCheck,
    Cancelled,
    Progress,
    SubmissionWriter,
    TableData,
)
from greencert_desktop.services import audit
from greencert_desktop.services import submission as sub
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import statistics
from greencert_desktop.services.verification import Verification, verify_file
from greencert_desktop.storage import backup
from greencert_desktop.storage.models import (
    CertBody,
    Certificate,
    Organisation,
    Submission,
    Subsidy,
    SupervisionCase,
    Unit,
)

RECEIVED_DIR = Path("submissions") / "received"
STATUS_BY_LABEL = {s.label: s.value for s in CertStatus}

# file states in a plan
ACCEPTED = "accepted"
REFUSED = "refused"
SUPERSEDED = "superseded"
STATE_LABELS = {ACCEPTED: "已接收（校验通过）", REFUSED: "拒收", SUPERSEDED: "重复（未采用）"}


@dataclass
class FileEntry:
    path: Path
    verification: Verification
    state: str = ACCEPTED
    reason: str = ""

    @property
    def unit_code(self) -> str:
        return self.verification.unit_code

    @property
    def generated_at(self) -> datetime | None:
        return self.verification.generated_at

    def as_dict(self) -> dict[str, Any]:
        v = self.verification
        return {"file": str(self.path), "state": self.state, "state_label": STATE_LABELS[self.state],
                "reason": self.reason, "unit_code": v.unit_code, "unit_name": v.unit_name,
                "period": v.period, "generated_at": v.meta.get("generated_at", ""),
                "content_sha256": v.content_sha256, "counts": v.counts,
                "problems": [p.as_dict() for p in v.problems[:50]]}


@dataclass(frozen=True)
class Conflict:
    kind: str
    """``credit_code`` (claimed by two units) or ``certificate`` (same number, different data)."""
    key: str
    units: tuple[str, ...]
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "units": list(self.units),
                "message": self.message}


@dataclass(frozen=True)
class UnitState:
    code: str
    name: str
    state: str
    """``received`` (in this batch, clean), ``consolidated`` (stored earlier for the period),
    ``refused`` or ``missing``."""
    generated_at: str
    file: str
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Plan:
    period: Period
    files: list[FileEntry]
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    completeness: list[UnitState] = field(default_factory=list)

    @property
    def accepted(self) -> list[FileEntry]:
        return [f for f in self.files if f.state == ACCEPTED]

    @property
    def can_store(self) -> bool:
        return bool(self.accepted) and not self.conflicts

    @property
    def reported(self) -> int:
        return sum(1 for u in self.completeness if u.state in ("received", "consolidated"))

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period.code, "files": [f.as_dict() for f in self.files],
                "duplicates": self.duplicates,
                "conflicts": [c.as_dict() for c in self.conflicts],
                "completeness": [u.as_dict() for u in self.completeness],
                "reported": self.reported, "units": len(self.completeness),
                "can_store": self.can_store}


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder contributes its .xlsx files (not hidden, not temporary)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() == ".xlsx"
                              and not f.name.startswith((".", "~$")) and f.is_file()))
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def _cert_identity(body: str, approval: str, type_code: str, number: str) -> str:
    """Certificates are unique per body (approval number, else name); listings per type."""
    if approval:
        return f"{approval}|{number}"
    if body:
        return f"{body}|{number}"
    return f"[{type_code}]|{number}"


def plan_consolidation(reg: Register, paths: Sequence[str | Path], period: Period, *,
                       prefer: str = "newer", choices: Mapping[str, str | Path] | None = None,
                       progress: Progress | None = None,
                       cancel: CancelCheck | None = None) -> Plan:
    """Verify every file and work out what would be stored; nothing is written."""
    _require_city(reg)
    if prefer not in ("newer", "older"):
        raise ValueError(prefer)
    files = expand_paths(paths)
    if not files:
        raise UserError("没有找到要汇总的报送文件")
    verified: list[Verification] = []
    for n, path in enumerate(files):
        if cancel is not None and cancel():
            raise Cancelled()
        verified.append(verify_file(path, reg.reference, keep_rows=True))
        if progress is not None:
            progress(n + 1, len(files))
    return plan_verified(reg, verified, period, prefer=prefer, choices=choices)


def plan_verified(reg: Register, verified: Sequence[Verification], period: Period, *,
                  prefer: str = "newer", choices: Mapping[str, str | Path] | None = None,
                  ) -> Plan:
    """The plan for files verified already (``keep_rows=True``), so that a page verifies each
    file once and plans again when the period or a choice changes. No files: completeness
    only. ``choices`` maps a unit code to the file it wants among its duplicates."""
    _require_city(reg)
    plan = Plan(period, [_judge(reg, v, period) for v in verified])
    _duplicates(plan, prefer, choices or {})
    with reg.db.reading() as s:
        _older_than_stored(s, plan)
        plan.conflicts = _conflicts(s, plan.accepted)
        plan.completeness = _completeness(reg, s, plan)
    return plan


def _require_city(reg: Register) -> None:
    if not reg.is_city:
        raise UserError(f"汇总只能在市局的登记簿中进行（本登记簿的区划代码为“{reg.unit_code or '未设置'}”，"
                        f"市局应为 {reg.reference.city.code}）")


def _judge(reg: Register, v: Verification, period: Period) -> FileEntry:
    entry = FileEntry(v.path, v)
    units = {u.code: u for u in reg.reference.units}
    if not v.ok:
        first = v.errors[0].describe() if v.errors else "问题过多"
        entry.state, entry.reason = REFUSED, f"校验未通过：{first}"
    elif v.scope != "unit":
        entry.state, entry.reason = REFUSED, "这是市局汇总表，不是县区报送表"
    elif v.period != period.code:
        entry.state, entry.reason = REFUSED, f"报告期为 {v.period}，不是本次汇总的 {period.code}"
    elif v.unit_code not in units:
        entry.state, entry.reason = REFUSED, f"报送单位“{v.unit_code}”不在区划列表中"
    return entry


def _duplicates(plan: Plan, prefer: str, choices: Mapping[str, str | Path]) -> None:
    by_unit: dict[str, list[FileEntry]] = {}
    for e in plan.accepted:
        by_unit.setdefault(e.unit_code, []).append(e)
    for unit, group in by_unit.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda e: (e.generated_at or datetime.min.replace(tzinfo=UTC)))
        chosen = group[-1] if prefer == "newer" else group[0]
        how = "较新生成" if prefer == "newer" else "较早生成"
        wanted = choices.get(unit)
        picked = [e for e in group if wanted is not None and e.path == Path(wanted)]
        if picked:
            chosen, how = picked[0], "所选"
        for e in group:
            if e is not chosen:
                e.state = SUPERSEDED
                e.reason = f"与 {chosen.path.name} 是同一单位同一报告期；采用{how}的文件"
        plan.duplicates.append({
            "unit_code": unit, "chosen": str(chosen.path),
            "files": [{"file": str(e.path), "generated_at": e.verification.meta.get(
                "generated_at", "")} for e in group]})


def _period_of(code: str) -> Period | None:
    try:
        return Period.parse(code)
    except UserError:
        return None


def _older_than_stored(s: Session, plan: Plan) -> None:
    latest: dict[str, Period] = {}
    for unit, code in s.execute(select(Submission.unit_code, Submission.period)
                                .where(Submission.direction == "received")):
        p = _period_of(code)
        if p is not None and (unit not in latest or latest[unit] < p):
            latest[unit] = p
    for e in plan.accepted:
        stored = latest.get(e.unit_code)
        if stored is not None and plan.period < stored:
            e.state = REFUSED
            e.reason = (f"市局登记簿中已有该单位 {stored.code} 的数据，较早报告期的文件不会覆盖它")


def _conflicts(s: Session, entries: list[FileEntry]) -> list[Conflict]:
    replaced = {e.unit_code for e in entries}
    conflicts: list[Conflict] = []
    owner: dict[str, str] = {}
    for code, unit in s.execute(select(Organisation.credit_code, Organisation.unit_code)
                                .where(Organisation.unit_code.not_in(replaced))):
        owner[code] = unit
    certs: dict[str, tuple[str, tuple[Any, ...]]] = {}
    q = (select(Certificate.number, Certificate.type_code, CertBody.name,
                CertBody.approval_number, Organisation.unit_code, Organisation.credit_code)
         .join(Organisation, Certificate.org_id == Organisation.id)
         .outerjoin(CertBody, Certificate.body_id == CertBody.id)
         .where(Organisation.unit_code.not_in(replaced)))
    for number, type_code, body, approval, unit, credit in s.execute(q):
        certs[_cert_identity(body or "", approval or "", type_code, number)] = (
            unit, ("register", credit))
    claimed: dict[str, str] = dict(owner)
    t2, t3 = fmt.ORGANISATIONS, fmt.CERTIFICATES
    i_code = t2.index("credit_code")
    c = {k: t3.index(k) for k in ("number", "credit_code", "type_code", "body_name",
                                   "approval_number")}
    for e in entries:
        unit = e.unit_code
        for row in e.verification.rows.get("organisations", []):
            code = str(row[i_code]).strip()
            other = claimed.get(code)
            if other is not None and other != unit:
                conflicts.append(Conflict("credit_code", code, (other, unit),
                                          f"统一社会信用代码 {code} 同时出现在 {other} 和 {unit} 的数据中"))
            else:
                claimed[code] = unit
        for row in e.verification.rows.get("certificates", []):
            key = _cert_identity(str(row[c["body_name"]]).strip(),
                                 str(row[c["approval_number"]]).strip(),
                                 str(row[c["type_code"]]).strip(), str(row[c["number"]]).strip())
            data = tuple(fmt.canonical(v) for v in row[1:])
            found = certs.get(key)
            if found is None:
                certs[key] = (unit, data)
            elif found[0] != unit:
                same = found[1] == data
                what = "数据相同" if same else "数据不同"
                conflicts.append(Conflict(
                    "certificate", key, (found[0], unit),
                    f"证书编号 {row[c['number']]}（{key.split('|')[0]}）同时出现在 {found[0]} 和 "
                    f"{unit} 的数据中，{what}"))
    return conflicts


def _completeness(reg: Register, s: Session, plan: Plan) -> list[UnitState]:
    received = {e.unit_code: e for e in plan.accepted}
    refused: dict[str, FileEntry] = {}
    for e in plan.files:
        if e.state == REFUSED and e.unit_code:
            refused.setdefault(e.unit_code, e)
    stored: dict[str, Submission] = {}
    for row in s.scalars(select(Submission).where(Submission.direction == "received",
                                                  Submission.period == plan.period.code)
                         .order_by(Submission.recorded_at)):
        stored[row.unit_code] = row
    out = []
    for u in reg.reference.units:
        if not u.active and u.code not in received and u.code not in stored:
            continue
        if u.code in received:
            e = received[u.code]
            out.append(UnitState(u.code, u.name, "received", e.verification.meta.get(
                "generated_at", ""), str(e.path)))
        elif u.code in stored:
            r = stored[u.code]
            out.append(UnitState(u.code, u.name, "consolidated", _iso_local(r.generated_at),
                                 r.file_name))
        elif u.code in refused:
            e = refused[u.code]
            out.append(UnitState(u.code, u.name, "refused", e.verification.meta.get(
                "generated_at", ""), str(e.path), e.reason))
        else:
            out.append(UnitState(u.code, u.name, "missing", "", ""))
    return out


def _iso_local(utc_naive: datetime) -> str:
    return utc_naive.replace(tzinfo=UTC).astimezone().isoformat()


# ---------------------------------------------------------------------------- storing


@dataclass
class ConsolidationResult:
    period: str
    units: list[dict[str, Any]]
    backup: str | None


def consolidate(reg: Register, plan: Plan, *, progress: Progress | None = None,
                cancel: CancelCheck | None = None) -> ConsolidationResult:
    """Store the plan's accepted files: backup, then one transaction for all units."""
    if plan.conflicts:
        raise UserError(f"有 {len(plan.conflicts)} 处冲突，未汇总：{plan.conflicts[0].message}"
                        "。请让相关单位更正后重新报送，或把冲突的文件移出本次汇总")
    accepted = plan.accepted
    if not accepted:
        raise UserError("没有可汇总的文件（全部被拒收或重复）")
    safety = None
    if reg.db.path is not None and reg.db.path.exists():
        safety = backup.backup_database(reg.db.path, reg.home.backups_dir,
                                        reason="before-consolidate",
                                        keep=int(reg.settings.get("backup_keep")))
    archive_dir = reg.home.root / RECEIVED_DIR / plan.period.code
    archive_dir.mkdir(parents=True, exist_ok=True)
    archived: list[Path] = []
    total = sum(sum(e.verification.counts.get(k, 0) for k in (
        "organisations", "certificates", "subsidies", "cases")) for e in accepted)
    done = 0
    units_out = []
    try:
        for e in accepted:
            stamp = (e.generated_at or datetime.now(UTC)).astimezone(UTC).strftime(
                "%Y%m%dT%H%M%SZ")
            target = archive_dir / f"{stamp}_{e.path.name}"
            if e.path.resolve() != target.resolve():
                shutil.copyfile(e.path, target)
                archived.append(target)
        with reg.db.transaction() as s:
            bodies = _Bodies(s)
            for e in accepted:
                if cancel is not None and cancel():
                    raise Cancelled()
                counts = _replace_unit(reg, s, e, bodies)
                done += sum(counts["new"].values())
                units_out.append(counts)
                if progress is not None:
                    progress(done, total)
                stamp = (e.generated_at or datetime.now(UTC)).astimezone(UTC).strftime(
                    "%Y%m%dT%H%M%SZ")
                rel = (RECEIVED_DIR / plan.period.code / f"{stamp}_{e.path.name}").as_posix()
                sub.record_submission(reg, "received", e.unit_code, plan.period,
                                      e.generated_at or datetime.now(UTC), rel,
                                      e.verification.content_sha256,
                                      dict(e.verification.counts), session=s)
    except BaseException:
        for p in archived:
            with contextlib.suppress(OSError):
                p.unlink()
        raise
    return ConsolidationResult(plan.period.code, units_out, str(safety) if safety else None)


class _Bodies:
    """Certification bodies by approval number and by name; unknown ones are created."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.by_approval: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for body_id, name, approval in s.execute(select(CertBody.id, CertBody.name,
                                                        CertBody.approval_number)):
            self.by_name[name] = body_id
            if approval:
                self.by_approval[approval] = body_id

    def id(self, name: str, approval: str) -> int | None:
        if not name and not approval:
            return None
        if approval and approval in self.by_approval:
            return self.by_approval[approval]
        if name in self.by_name:
            return self.by_name[name]
        row = CertBody(name=name or approval, approval_number=approval or None,
                       notes="由县区报送汇总时登记")
        self.s.add(row)
        self.s.flush()
        self.by_name[row.name] = row.id
        if approval:
            self.by_approval[approval] = row.id
        return int(row.id)


def _s(value: Any) -> str:
    return value.strip() if isinstance(value, str) else fmt.canonical(value)


def _d(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _i(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _replace_unit(reg: Register, s: Session, e: FileEntry, bodies: _Bodies) -> dict[str, Any]:
    unit = e.unit_code
    rows = e.verification.rows
    org_ids = select(Organisation.id).where(Organisation.unit_code == unit).scalar_subquery()
    old = {
        "organisations": s.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.unit_code == unit)) or 0,
        "certificates": s.scalar(select(func.count()).select_from(Certificate).where(
            Certificate.org_id.in_(org_ids))) or 0,
        "subsidies": s.scalar(select(func.count()).select_from(Subsidy).where(
            Subsidy.org_id.in_(org_ids))) or 0,
        "cases": s.scalar(select(func.count()).select_from(SupervisionCase).where(
            SupervisionCase.org_id.in_(org_ids))) or 0,
    }
    s.execute(delete(SupervisionCase).where(SupervisionCase.org_id.in_(org_ids)))
    s.execute(delete(Subsidy).where(Subsidy.org_id.in_(org_ids)))
    s.execute(delete(Certificate).where(Certificate.org_id.in_(org_ids)))
    s.execute(delete(Organisation).where(Organisation.unit_code == unit))
    now = audit.utcnow()
    t2 = fmt.ORGANISATIONS
    o = {c.key: i for i, c in enumerate(t2.columns)}
    org_rows = []
    for r in rows.get("organisations", []):
        org_rows.append({
            "credit_code": _s(r[o["credit_code"]]).upper(), "name": _s(r[o["name"]]),
            "unit_code": unit, "address": _s(r[o["address"]]),
            "industry_section": _s(r[o["industry_section"]]) or None,
            "industry_code": _s(r[o["industry_code"]]), "size": _s(r[o["size"]]),
            "contact": _s(r[o["contact"]]), "phone": _s(r[o["phone"]]),
            "credit_standing": _s(r[o["credit_standing"]]) or "正常",
            "leader_type": _s(r[o["leader_type"]]),
            "specialised": _s(r[o["specialised"]]) == fmt.YES,
            "high_tech": _s(r[o["high_tech"]]) == fmt.YES,
            "code_override_note": _s(r[o["code_override_note"]]), "notes": _s(r[o["notes"]]),
            "created_at": now, "updated_at": now})
    for chunk in _chunks(org_rows):
        s.execute(insert(Organisation), chunk)
    ids = dict(s.execute(select(Organisation.credit_code, Organisation.id).where(
        Organisation.unit_code == unit)).tuples().all())
    t3 = fmt.CERTIFICATES
    c = {col.key: i for i, col in enumerate(t3.columns)}
    cert_rows = []
    for r in rows.get("certificates", []):
        cert_rows.append({
            "number": _s(r[c["number"]]), "org_id": ids[_s(r[c["credit_code"]]).upper()],
            "type_code": _s(r[c["type_code"]]),
            "body_id": bodies.id(_s(r[c["body_name"]]), _s(r[c["approval_number"]])),
            "status": STATUS_BY_LABEL[_s(r[c["recorded_status"]])],
            "issue_date": _d(r[c["issue_date"]]), "expiry_date": _d(r[c["expiry_date"]]),
            "first_issue_date": _d(r[c["first_issue_date"]]),
            "status_date": _d(r[c["status_date"]]), "status_reason": _s(r[c["status_reason"]]),
            "last_surveillance_date": _d(r[c["last_surveillance_date"]]),
            "surveillance_count": _i(r[c["surveillance_count"]]) or 0,
            "recert_count": _i(r[c["recert_count"]]) or 0,
            "basis": _s(r[c["basis"]]), "scope": _s(r[c["scope"]]),
            "products": _s(r[c["products"]]), "batch_year": _i(r[c["batch_year"]]),
            "issuer": _s(r[c["issuer"]]), "notes": _s(r[c["notes"]]),
            "created_at": now, "updated_at": now})
    for chunk in _chunks(cert_rows):
        s.execute(insert(Certificate), chunk)
    cert_ids: dict[tuple[int, str], int] = {}
    for cert_id, org_id, number in s.execute(
            select(Certificate.id, Certificate.org_id, Certificate.number)
            .where(Certificate.org_id.in_(org_ids)).order_by(Certificate.id)):
        cert_ids.setdefault((org_id, number), cert_id)
    t5 = fmt.SUBSIDIES
    b = {col.key: i for i, col in enumerate(t5.columns)}
    sub_rows = [{
        "year": _i(r[b["year"]]), "org_id": ids[_s(r[b["credit_code"]]).upper()],
        "category": _s(r[b["category"]]),
        "amount_fen": int(Decimal(fmt.canonical(r[b["amount"]])) * 100),
        "doc_number": _s(r[b["doc_number"]]), "granted_on": _d(r[b["granted_on"]]),
        "notes": _s(r[b["notes"]])} for r in rows.get("subsidies", [])]
    for chunk in _chunks(sub_rows):
        s.execute(insert(Subsidy), chunk)
    t6 = fmt.CASES
    k = {col.key: i for i, col in enumerate(t6.columns)}
    case_rows = []
    for r in rows.get("cases", []):
        org_id = ids[_s(r[k["credit_code"]]).upper()]
        number = _s(r[k["certificate_number"]])
        case_rows.append({
            "inspected_on": _d(r[k["inspected_on"]]), "org_id": org_id,
            "certificate_id": cert_ids.get((org_id, number)) if number else None,
            "kind": _s(r[k["kind"]]), "finding": _s(r[k["finding"]]),
            "action": _s(r[k["action"]]), "blacklisted": _s(r[k["blacklisted"]]) == fmt.YES,
            "notes": _s(r[k["notes"]])})
    for chunk in _chunks(case_rows):
        s.execute(insert(SupervisionCase), chunk)
    new = {"organisations": len(org_rows), "certificates": len(cert_rows),
           "subsidies": len(sub_rows), "cases": len(case_rows)}
    name = e.verification.unit_name
    audit.record(s, reg.operator, action="consolidate", entity="register", entity_id=None,
                 key=f"{unit} {e.verification.period}", name=name,
                 changes={key: [old[key], new[key]] for key in new},
                 note=f"汇总：以 {e.path.name}（生成于 {e.verification.meta.get('generated_at')}，"
                      f"内容校验值 {e.verification.content_sha256}）替换{name}的全部数据")
    return {"unit_code": unit, "unit_name": name, "file": str(e.path), "old": old, "new": new}


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


# ---------------------------------------------------------------------------- city workbook


def _received_changes(reg: Register, period: Period) -> tuple[list[list[Any]], list[str]]:
    """表4 rows of the latest consolidated file of each unit (from the archive)."""
    from greencert_desktop.excel.submission_reader import WorkbookReader

    warnings: list[str] = []
    latest: dict[str, Submission] = {}
    with reg.db.reading() as s:
        for row in s.scalars(select(Submission).where(Submission.direction == "received",
                                                      Submission.period == period.code)
                             .order_by(Submission.recorded_at, Submission.id)):
            latest[row.unit_code] = row
        names = dict(s.execute(select(Unit.code, Unit.name)).tuples().all())
    rows: list[list[Any]] = []
    width = len(fmt.CHANGES.columns)
    for unit in sorted(latest):
        path = reg.home.root / latest[unit].file_name
        try:
            with WorkbookReader(path) as reader:
                raw = reader.rows(fmt.SHEET_4)
        except UserError as exc:
            warnings.append(f"{names.get(unit, unit)}的报送文件无法读取，表4 中缺少该单位的变动：{exc}")
            continue
        for values in raw[1:]:
            values = (list(values) + [""] * width)[:width]
            values[4] = _d(values[4]) if values[4] != "" else None
            rows.append([names.get(unit, unit), *[None if v == "" else v for v in values]])
    date_at = 1 + fmt.CHANGES.index("date")
    rows.sort(key=lambda r: (r[date_at] or date.min))
    return rows, warnings


def _unit_summary(reg: Register, period: Period, stats: dict[str, Any]) -> list[list[Any]]:
    by_unit = {u["code"]: u for u in stats["by_unit"]}
    with reg.db.reading() as s:
        latest: dict[str, Submission] = {}
        for row in s.scalars(select(Submission).where(Submission.direction == "received",
                                                      Submission.period == period.code)
                             .order_by(Submission.recorded_at, Submission.id)):
            latest[row.unit_code] = row
    out = []
    for u in reg.reference.units:
        if not u.active and u.code not in latest:
            continue
        r = latest.get(u.code)
        counts = json.loads(r.counts_json) if r else {}
        figures = by_unit.get(u.code, {})
        out.append([u.code, u.name, "已汇总" if r else "未报送",
                    _iso_local(r.generated_at) if r else None,
                    counts.get("organisations", 0) if r else figures.get("organisations", 0),
                    counts.get("certificates", 0) if r else figures.get("certificates", 0),
                    figures.get("valid", 0), counts.get("changes", 0) if r else 0,
                    counts.get("subsidies", 0) if r else 0, counts.get("cases", 0) if r else 0,
                    r.sha256 if r else None])
    return out


def export_city_workbook(reg: Register, out: str | Path, *, period: Period | None = None,
                         people: sub.People | None = None, progress: Progress | None = None,
                         cancel: CancelCheck | None = None, now: datetime | None = None,
                         ) -> sub.ExportResult:
    """The city workbook: the same shape over the whole register, with 所属区划 and 各单位汇总."""
    now = (now or sub.local_now()).replace(microsecond=0)
    today = now.date()
    period = period or sub.default_period(reg, today)
    city = reg.reference.city
    choice = sub.UnitChoice(city.code, city.name, "city")
    people = people or sub.remembered_people(reg)
    path = sub.target_path(out, fmt.file_name(city.code, city.name, period.code, city=True))
    stats = statistics(reg, period=period, today=today)
    changes, _warnings = _received_changes(reg, period)
    summary = _unit_summary(reg, period, stats)
    tables = {t.id: t for t in fmt.tables_for("city")}
    writer = SubmissionWriter(progress=progress, cancel=cancel)
    with reg.db.reading() as s:
        counts = sub._counts(s, choice)
        data = [
            TableData(tables["indicators"], sub.indicator_rows(reg, stats),
                      len(stats["indicators"])),
            TableData(tables["types"], sub.type_rows(stats), len(stats["by_type"])),
            TableData(tables["organisations"], sub._org_rows(s, choice), counts["organisations"]),
            TableData(tables["certificates"], sub._cert_rows(s, choice, today),
                      counts["certificates"]),
            TableData(tables["changes"], changes, len(changes)),
            TableData(tables["subsidies"], sub._subsidy_rows(s, choice), counts["subsidies"]),
            TableData(tables["cases"], sub._case_rows(s, choice), counts["cases"]),
            TableData(tables["units"], summary, len(summary)),
        ]
        reported = sum(1 for r in summary if r[2] == "已汇总")
        cover = sub._cover(reg, choice, period, now, people, stats, counts, len(changes),
                           scope_note=f"全市各报送单位经校验后汇总的数据（{reported}/{len(summary)} "
                                      "个单位已报送，见“各单位汇总”）；表1 为全市合计。")
        meta = sub.base_meta(choice, period, now, scope="city")
        meta["units"] = ",".join(r[0] for r in summary if r[2] == "已汇总")
        result = writer.write(path, cover=cover, tables=data, meta=meta,
                              sheet_order=fmt.CITY_SHEETS)
    sub_id = sub.record_submission(reg, "export", city.code, period, now, path.name,
                                   result.content_sha256, dict(result.counts))
    sub.remember_people(reg, people)
    return sub.ExportResult(path, city.code, city.name, period.code, now.isoformat(),
                            result.content_sha256, dict(result.counts), sub_id)
