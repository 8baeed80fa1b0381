import pytest

from greencert_desktop.domain.indicators import IndicatorProgress, format_number


def progress(count: float | None, target: float | None, quota: float | None, measure: str = "张"):
    return IndicatorProgress("ems", "环境管理体系认证证书", measure, count, target, quota)


@pytest.mark.parametrize(
    ("count", "target", "quota", "ratio"),
    [
        (500, 1000, None, 0.5),
        (30, 1000, 60, 0.5),
        (30, 1000, 0, 0.03),
        (60, 75, None, 0.8),
        (None, 1000, None, None),
        (10, None, None, None),
        (10, 0, None, None),
        (10, None, 20, 0.5),
    ],
)
def test_ratio(count, target, quota, ratio) -> None:
    assert progress(count, target, quota).ratio == ratio


def test_texts() -> None:
    assert progress(500, 1000.0, None).target_text == "1000张"
    assert progress(60, 75, None, "%").target_text == "75%"
    assert progress(1, None, None).target_text == ""
    assert progress(5, 8, None).ratio_text == "62.5%"
    assert progress(None, 8, None).ratio_text == ""


@pytest.mark.parametrize(
    ("value", "text"), [(150.0, "150"), (62.5, "62.5"), (0.126, "0.13"), (0, "0"), (None, "")]
)
def test_format_number(value: float | None, text: str) -> None:
    assert format_number(value) == text
