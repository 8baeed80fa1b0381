from datetime import date

import pytest

from greencert_desktop.domain.errors import ValidationError
from greencert_desktop.domain.status import (
    CertStatus,
    LifecycleAction,
    apply_lifecycle,
    effective_status,
)

TODAY = date(2026, 5, 20)
ISSUED = date(2025, 3, 1)


def test_labels() -> None:
    assert [s.label for s in CertStatus] == ["有效", "暂停", "撤销", "注销", "过期失效"]
    assert [a.label for a in LifecycleAction] == ["暂停", "撤销", "注销", "恢复"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01", CertStatus.VALID),
        ("1", CertStatus.VALID),
        (" 05 ", CertStatus.EXPIRED),
        ("０２", CertStatus.SUSPENDED),
        ("有效", CertStatus.VALID),
        ("正常", CertStatus.VALID),
        ("暂停", CertStatus.SUSPENDED),
        ("撤销", CertStatus.REVOKED),
        ("撤消", CertStatus.REVOKED),
        ("注销", CertStatus.CANCELLED),
        ("过期", CertStatus.EXPIRED),
        ("已过期", CertStatus.EXPIRED),
        ("过期失效", CertStatus.EXPIRED),
        ("失效", CertStatus.EXPIRED),
        ("\u3000暂停 ", CertStatus.SUSPENDED),
    ],
)
def test_parse(text: str, expected: CertStatus) -> None:
    assert CertStatus.parse(text) is expected


@pytest.mark.parametrize("text", ["06", "0", "00", "001", "valid", "作废", "", None])
def test_parse_rejects(text: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        CertStatus.parse(text)
    assert [i.field for i in caught.value.issues] == ["status"]


def test_every_label_and_code_parses_back() -> None:
    for status in CertStatus:
        assert CertStatus.parse(status.label) is status
        assert CertStatus.parse(status.value) is status


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 2, 27), CertStatus.VALID),
        (date(2026, 2, 28), CertStatus.VALID),
        (date(2026, 3, 1), CertStatus.EXPIRED),
    ],
)
def test_effective_status_around_expiry(on: date, expected: CertStatus) -> None:
    assert effective_status(CertStatus.VALID, date(2026, 2, 28), on) is expected


def test_effective_status_keeps_other_statuses_and_missing_expiry() -> None:
    late = date(2030, 1, 1)
    assert effective_status("02", date(2026, 2, 28), late) is CertStatus.SUSPENDED
    assert effective_status(CertStatus.REVOKED, date(2026, 2, 28), late) is CertStatus.REVOKED
    assert effective_status(CertStatus.VALID, None, late) is CertStatus.VALID


ALLOWED = {
    (LifecycleAction.SUSPEND, CertStatus.VALID): CertStatus.SUSPENDED,
    (LifecycleAction.REVOKE, CertStatus.VALID): CertStatus.REVOKED,
    (LifecycleAction.REVOKE, CertStatus.SUSPENDED): CertStatus.REVOKED,
    (LifecycleAction.CANCEL, CertStatus.VALID): CertStatus.CANCELLED,
    (LifecycleAction.CANCEL, CertStatus.SUSPENDED): CertStatus.CANCELLED,
    (LifecycleAction.REINSTATE, CertStatus.SUSPENDED): CertStatus.VALID,
}
ALL_PAIRS = [(a, s) for a in LifecycleAction for s in CertStatus]


def _apply(action: LifecycleAction, current: CertStatus, **changes: object) -> CertStatus:
    arguments: dict = {
        "action_date": date(2026, 5, 1),
        "reason": "监督审核发现问题",
        "issue_date": ISSUED,
        "today": TODAY,
    }
    arguments.update(changes)
    return apply_lifecycle(action, current, **arguments)


@pytest.mark.parametrize(("action", "current"), [p for p in ALL_PAIRS if p in ALLOWED])
def test_allowed_transitions(action: LifecycleAction, current: CertStatus) -> None:
    assert _apply(action, current) is ALLOWED[(action, current)]


@pytest.mark.parametrize(("action", "current"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_refused_transitions(action: LifecycleAction, current: CertStatus) -> None:
    with pytest.raises(ValidationError) as caught:
        _apply(action, current)
    issues = caught.value.issues
    assert [i.field for i in issues] == ["status"]
    assert action.label in issues[0].message
    if current is CertStatus.EXPIRED:
        assert "过期" in issues[0].message


def test_action_accepts_plain_strings() -> None:
    assert _apply("suspend", "01") is CertStatus.SUSPENDED  # type: ignore[arg-type]


def test_action_date_required() -> None:
    with pytest.raises(ValidationError) as caught:
        _apply(LifecycleAction.SUSPEND, CertStatus.VALID, action_date=None)
    assert [i.message for i in caught.value.for_field("action_date")] == ["暂停日期不能为空"]


def test_action_date_not_before_issue_date() -> None:
    _apply(LifecycleAction.SUSPEND, CertStatus.VALID, action_date=ISSUED)
    with pytest.raises(ValidationError) as caught:
        _apply(LifecycleAction.SUSPEND, CertStatus.VALID, action_date=date(2025, 2, 28))
    assert "发证日期" in caught.value.for_field("action_date")[0].message


def test_action_date_not_after_today() -> None:
    _apply(LifecycleAction.REVOKE, CertStatus.VALID, action_date=TODAY)
    with pytest.raises(ValidationError) as caught:
        _apply(LifecycleAction.REVOKE, CertStatus.VALID, action_date=date(2026, 5, 21))
    assert "今天" in caught.value.for_field("action_date")[0].message


def test_missing_issue_date_skips_that_comparison() -> None:
    assert (
        _apply(
            LifecycleAction.CANCEL, CertStatus.VALID, issue_date=None, action_date=date(2000, 1, 1)
        )
        is CertStatus.CANCELLED
    )


@pytest.mark.parametrize("reason", ["", "  \u3000"])
def test_reason_required(reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _apply(LifecycleAction.REINSTATE, CertStatus.SUSPENDED, reason=reason)
    assert [i.message for i in caught.value.issues] == ["恢复原因不能为空"]


def test_all_problems_reported_together() -> None:
    with pytest.raises(ValidationError) as caught:
        _apply(LifecycleAction.SUSPEND, CertStatus.EXPIRED, action_date=None, reason="")
    assert {i.field for i in caught.value.issues} == {"status", "action_date", "reason"}


def test_status_on_a_day_before_the_change_was_valid():
    june, march = date(2026, 6, 1), date(2026, 3, 31)
    assert effective_status("02", date(2027, 2, 28), march, june) is CertStatus.VALID
    assert effective_status("02", date(2027, 2, 28), june, june) is CertStatus.SUSPENDED
    assert effective_status("03", date(2026, 1, 31), march, june) is CertStatus.EXPIRED
    assert effective_status("02", date(2027, 2, 28), march) is CertStatus.SUSPENDED
