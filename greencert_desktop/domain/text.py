"""Text clean-up shared by every input rule.

Clerks paste from web pages, Word files and WPS sheets, so input arrives with
full-width characters, ideographic spaces (U+3000), stray line breaks and
invisible zero-width characters copied along with the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import compress, repeat
from operator import not_

_WHITESPACE = re.compile(r"\s+")
# Zero-width space/joiners, word joiner and BOM: invisible, not matched by \s.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def nfkc(raw: str) -> str:
    """NFKC (full-width → half-width) and drop zero-width characters; nothing else."""
    if raw.isascii():  # ASCII is NFKC-stable and holds no zero-width characters
        return raw
    if not unicodedata.is_normalized("NFKC", raw):
        raw = unicodedata.normalize("NFKC", raw)
    return _INVISIBLE.sub("", raw) if _INVISIBLE.search(raw) else raw


def _clean_spaces(text: str) -> bool:
    """True when ``text`` has no whitespace but single inner ASCII spaces (fast path).

    ``str.isprintable`` is false for every whitespace character except the ASCII space.
    """
    return (text.isprintable() and "  " not in text
            and not text.startswith(" ") and not text.endswith(" "))


def normalize_text(raw: str | None) -> str:
    """NFKC (full-width → half-width), strip, and collapse inner whitespace runs to one space.

    NFKC already maps U+3000 to an ordinary space; ``\\s`` also covers tabs,
    line breaks and the other Unicode spaces.
    """
    if raw is None:
        return ""
    text = nfkc(raw)
    if _clean_spaces(text):
        return text
    return _WHITESPACE.sub(" ", text).strip()


def compact(raw: str | None) -> str:
    """NFKC, remove all whitespace and upper-case: the canonical form of a code."""
    if raw is None:
        return ""
    if raw.isascii() and raw.isalnum():  # the common case: a code as typed
        return raw.upper()
    text = nfkc(raw)
    if text.isprintable() and " " not in text:
        return text.upper()
    return _WHITESPACE.sub("", text).upper()


def all_clean(values: Iterable[str], max_length: int) -> bool:
    """True when ``normalize_text`` of every value is 1…``max_length`` characters long, checked
    for a whole column at once: a printable (no line breaks, tabs, Unicode spaces or zero-width
    characters), non-blank, NFKC-stable value cannot get longer or empty, so only the others
    (full-width brackets in names, say) are normalised one by one.
    """
    values = values if isinstance(values, list | tuple) else list(values)
    if not values:
        return True
    if not all(map(str.isprintable, values)) or not all(map(str.strip, values)):
        return False
    stable = list(map(unicodedata.is_normalized, repeat("NFKC"), values))
    if max(map(len, compress(values, stable)), default=0) > max_length:
        return False
    return all(0 < len(normalize_text(v)) <= max_length
               for v in compress(values, map(not_, stable)))
