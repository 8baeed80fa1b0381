from hypothesis import given
from hypothesis import strategies as st

from greencert_desktop.domain.text import compact, normalize_text


def test_normalize_text_folds_full_width_and_collapses_spaces() -> None:
    assert normalize_text("\u3000 连云港　ＡＢＣ  有限公司\t\n") == "连云港 ABC 有限公司"


def test_normalize_text_none_and_blank() -> None:
    assert normalize_text(None) == ""
    assert normalize_text(" \u3000\t") == ""


def test_zero_width_characters_are_dropped() -> None:
    assert normalize_text("连云\u200b港\ufeff") == "连云港"
    assert compact("9137\u200b1323") == "91371323"


def test_compact_removes_all_whitespace_and_upper_cases() -> None:
    assert compact(" ９１３７ 13 23\u3000ma ") == "91371323MA"
    assert compact(None) == ""


@given(st.text())
def test_normalize_text_is_idempotent_and_trimmed(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.text())
def test_compact_has_no_whitespace(raw: str) -> None:
    assert not any(c.isspace() for c in compact(raw))
