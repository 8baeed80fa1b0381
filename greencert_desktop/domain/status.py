"""Certificate status codes (as the national certification platform uses them) and lifecycle.

A valid certificate whose expiry date has passed is expired without anyone
editing it, so screens and reports use :func:`effective_status`, never the
stored code alone.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from .errors import Issue, ValidationError, raise_if
from .text import compact, normalize_text


class CertStatus(StrEnum):
    VALID = "01"
    SUSPENDED = "02"
    REVOKED = "03"
    CANCELLED = "04"
    EXPIRED = "05"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @classmethod
    def parse(cls, text: str | None) -> CertStatus:
        """Read a code ("01", "1"), a label or a clerk's word (正常, 已过期, 撤消 …)."""
        key = compact(text)
        if not key:
            raise ValidationError([Issue("status", "证书状态不能为空")])
        if key.isdigit() and key.isascii():
            key = key.zfill(2)
        status = _STATUS_WORDS.get(key)
        if status is None:
            choices = "、".join(f"{s.value} {s.label}" for s in cls)
            raise ValidationError(
                [Issue("status", f"证书状态“{normalize_text(text)}”无法识别，应为 {choices}")]
            )
        return status


_STATUS_LABELS = {
    CertStatus.VALID: "有效",
    CertStatus.SUSPENDED: "暂停",
    CertStatus.REVOKED: "撤销",
    CertStatus.CANCELLED: "注销",
    CertStatus.EXPIRED: "过期失效",
}

_STATUS_WORDS: dict[str, CertStatus] = {
    **{s.value: s for s in CertStatus},
    "有效": CertStatus.VALID,
    "正常": CertStatus.VALID,
    "暂停": CertStatus.SUSPENDED,
    "撤销": CertStatus.REVOKED,
    "撤消": CertStatus.REVOKED,
    "注销": CertStatus.CANCELLED,
    "过期": CertStatus.EXPIRED,
    "已过期": CertStatus.EXPIRED,
    "过期失效": CertStatus.EXPIRED,
    "失效": CertStatus.EXPIRED,
}


def effective_status(stored: CertStatus | str, expiry: date | None, on: date,
                     status_date: date | None = None) -> CertStatus:
    """Status on day ``on``: VALID past its expiry date counts as EXPIRED.

    The expiry date itself is the last valid day. With ``status_date`` (the day the stored
    status was set) a certificate whose status changed only after ``on`` counts as it was
    before the change, i.e. valid (or expired, past its expiry date): a report for a closed
    period then shows the period's end, not the state of today. The SQL twin is
    ``services.stats.effective_status_expr``; ``stats.valid_on`` agrees with both.
    """
    status = CertStatus(stored)
    if status is not CertStatus.VALID and status_date is not None and status_date > on:
        status = CertStatus.VALID
    if status is CertStatus.VALID and expiry is not None and expiry < on:
        return CertStatus.EXPIRED
    return status


class LifecycleAction(StrEnum):
    SUSPEND = "suspend"
    REVOKE = "revoke"
    CANCEL = "cancel"
    REINSTATE = "reinstate"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    LifecycleAction.SUSPEND: "暂停",
    LifecycleAction.REVOKE: "撤销",
    LifecycleAction.CANCEL: "注销",
    LifecycleAction.REINSTATE: "恢复",
}

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[LifecycleAction, tuple[frozenset[CertStatus], CertStatus]] = {
    LifecycleAction.SUSPEND: (frozenset({CertStatus.VALID}), CertStatus.SUSPENDED),
    LifecycleAction.REVOKE: (
        frozenset({CertStatus.VALID, CertStatus.SUSPENDED}),
        CertStatus.REVOKED,
    ),
    LifecycleAction.CANCEL: (
        frozenset({CertStatus.VALID, CertStatus.SUSPENDED}),
        CertStatus.CANCELLED,
    ),
    LifecycleAction.REINSTATE: (frozenset({CertStatus.SUSPENDED}), CertStatus.VALID),
}


def _status_issue(action: LifecycleAction, current: CertStatus) -> Issue | None:
    sources, _ = TRANSITIONS[action]
    if current in sources:
        return None
    if current is CertStatus.EXPIRED:
        return Issue("status", f"证书已过期失效，不能再{action.label}")
    allowed = "或".join(f"“{s.label}”" for s in CertStatus if s in sources)
    return Issue(
        "status",
        f"只有{allowed}状态的证书才能{action.label}，该证书当前为“{current.label}”",
    )


def apply_lifecycle(
    action: LifecycleAction | str,
    current_effective: CertStatus | str,
    *,
    action_date: date | None,
    reason: str,
    issue_date: date | None,
    today: date,
) -> CertStatus:
    """New status after ``action``, or ValidationError listing every problem.

    ``current_effective`` must be the effective status (see :func:`effective_status`),
    so an expired certificate is refused even if its stored code is still 01.
    """
    act = LifecycleAction(action)
    current = CertStatus(current_effective)
    issues: list[Issue] = []
    if (problem := _status_issue(act, current)) is not None:
        issues.append(problem)
    if action_date is None:
        issues.append(Issue("action_date", f"{act.label}日期不能为空"))
    else:
        if issue_date is not None and action_date < issue_date:
            issues.append(
                Issue(
                    "action_date",
                    f"{act.label}日期（{action_date.isoformat()}）不能早于发证日期"
                    f"（{issue_date.isoformat()}）",
                )
            )
        if action_date > today:
            issues.append(
                Issue(
                    "action_date",
                    f"{act.label}日期（{action_date.isoformat()}）不能晚于今天"
                    f"（{today.isoformat()}）",
                )
            )
    if not normalize_text(reason):
        issues.append(Issue("reason", f"{act.label}原因不能为空"))
    raise_if(issues)
    return TRANSITIONS[act][1]
