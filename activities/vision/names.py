"""Does the name in the MRZ belong to the person on the order? ICAO 9303-3 transliteration and truncation.

The order says "Jürgen Groß"; the MRZ says "GROSS<<JUERGEN". Both are turned into MRZ spelling first:
upper case, Ä→AE, Ö→OE, Ü→UE, ß→SS (and ICAO's other ligatures), other accents dropped, hyphens and
spaces become name separators. Some states print Ä as A, so that spelling is accepted too.
A TD1 name field has 30 characters: a long name is cut, given names first, down to the last character
of the field, so when the field is full the last printed name may be a prefix of the real one.
"""

import re
import unicodedata
from difflib import SequenceMatcher
from enum import StrEnum

from activities.vision.mrz import MrzData

_ICAO = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Å": "AA", "Æ": "AE", "Ø": "OE", "Œ": "OE", "Þ": "TH", "Ð": "D"}
_PLAIN = {"Ä": "A", "Ö": "O", "Ü": "U"}


class NameMatch(StrEnum):
    MATCH = "match"
    # A person decides: the order's given name is on the document but not first, or the names differ by
    # about one letter (the name field has no check digit, so an OCR slip there is not caught).
    PARTIAL = "partial"
    MISMATCH = "mismatch"


def transliterate(name: str, *, plain_umlauts: bool = False) -> list[str]:
    """Name → its MRZ tokens, e.g. "Müller-Lüdenscheidt" → ["MUELLER", "LUEDENSCHEIDT"]."""
    table = {**_ICAO, **_PLAIN} if plain_umlauts else _ICAO
    upper = "".join(c if c == "ß" else c.upper() for c in name)
    spelled = "".join(table.get(c, c) for c in upper)
    ascii_only = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    ascii_only = ascii_only.replace("'", "")  # O'Neill → ONEILL
    return [token for token in re.split(r"[^A-Z]+", ascii_only) if token]


def _prefix_of(expected: list[str], printed: list[str], cut: bool) -> bool:
    """`printed` spells `expected`, allowing for a cut after the last printed character."""
    if not printed:
        return not expected or cut
    for i, token in enumerate(expected):
        if i >= len(printed):
            return cut
        is_last = i == len(printed) - 1
        if token != printed[i] and not (cut and is_last and token.startswith(printed[i])):
            return False
    return True


def match_name(mrz: MrzData, first_name: str, last_name: str, *, field_full: bool) -> NameMatch:
    """`field_full`: the MRZ name field has no filler left at its end, so names may have been cut."""
    best = NameMatch.MISMATCH
    for plain in (False, True):
        surname = transliterate(last_name, plain_umlauts=plain)
        given = transliterate(first_name, plain_umlauts=plain)
        printed_surname = mrz.surname.split()
        surname_cut = field_full and not mrz.given_names
        if not _prefix_of(surname, printed_surname, surname_cut) or len(printed_surname) > len(surname):
            continue
        # Customers often enter only the name they go by: fewer given names than the document is fine.
        printed_given = mrz.given_names[: len(given)]
        cut = field_full and len(mrz.given_names) <= len(given)
        if _prefix_of(given, printed_given, cut):
            return NameMatch.MATCH
        if given and given[0] in mrz.given_names:
            best = NameMatch.PARTIAL
    if best is NameMatch.MISMATCH and _one_slip_apart(mrz, first_name, last_name):
        best = NameMatch.PARTIAL
    return best


def _one_slip_apart(mrz: MrzData, first_name: str, last_name: str) -> bool:
    expected = transliterate(last_name) + transliterate(first_name)[:1]
    printed = mrz.surname.split() + mrz.given_names[:1]
    if len(expected) != len(printed):
        return False
    # One letter read or typed differently: "SCHNELDER ANNA" for "SCHNEIDER ANNA" (ratio 0.929).
    return SequenceMatcher(None, " ".join(expected), " ".join(printed)).ratio() >= 0.92
