import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from greencert_desktop.domain.text import compact, nfkc, normalize_text


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


_SPACES = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _reference_nfkc(raw: str) -> str:
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", raw))


@given(st.text() | st.text(alphabet=" \t\u3000\u00a0\u200bＡａ１aA1-_连", max_size=12))
def test_fast_paths_agree_with_the_plain_rules(raw: str) -> None:
    # nfkc / normalize_text / compact skip work for text that is already clean;
    # the result must be exactly that of the plain rule
    assert nfkc(raw) == _reference_nfkc(raw)
    assert normalize_text(raw) == _SPACES.sub(" ", _reference_nfkc(raw)).strip()
    assert compact(raw) == _SPACES.sub("", _reference_nfkc(raw)).upper()
