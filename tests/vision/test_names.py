"""ICAO transliteration and the name match, including TD1's cut-off long names."""

import pytest

from activities.vision.mrz import parse
from activities.vision.names import NameMatch, match_name, transliterate


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Müller-Lüdenscheidt", ["MUELLER", "LUEDENSCHEIDT"]),
        ("Jörg Groß", ["JOERG", "GROSS"]),
        ("Ærøskøbing", ["AEROESKOEBING"]),
        ("Zoë O'Neill", ["ZOE", "ONEILL"]),
        ("José  García", ["JOSE", "GARCIA"]),
    ],
)
def test_transliteration(name: str, tokens: list[str]) -> None:
    assert transliterate(name) == tokens


def names_line(text: str) -> list[str]:
    """A valid TD1 zone (German specimen) with another name line."""
    return ["IDD<<T220001293<<<<<<<<<<<<<<<", "6408125<2010315D<<<<<<<<<<<<<4", text.ljust(30, "<")]


def match(mrz_names: str, first: str, last: str) -> NameMatch:
    lines = names_line(mrz_names)
    data = parse(lines)
    assert data is not None
    return match_name(data, first, last, field_full=not lines[2].endswith("<"))


def test_exact_and_transliterated() -> None:
    assert match("MUELLER<LUEDENSCHEIDT<<ERIKA", "Erika", "Müller-Lüdenscheidt") is NameMatch.MATCH
    assert match("GROSS<<JOERG<ANDREAS", "Jörg Andreas", "Groß") is NameMatch.MATCH


def test_plain_umlaut_spelling_is_accepted() -> None:
    assert match("MULLER<<JURGEN", "Jürgen", "Müller") is NameMatch.MATCH


def test_order_may_name_only_the_first_given_name() -> None:
    assert match("GROSS<<JOERG<ANDREAS", "Jörg", "Groß") is NameMatch.MATCH


def test_truncated_td1_name_matches() -> None:
    # 37 characters cut to the field's 30: the second given name survives as "FR".
    assert match("MUELLER<LUEDENSCHEIDT<<KARL<FR", "Karl Friedrich", "Müller-Lüdenscheidt") is NameMatch.MATCH
    assert match("SCHWARZENBERGER<HOHENLOHE<<ANN", "Annemarie", "Schwarzenberger-Hohenlohe") is NameMatch.MATCH


def test_a_cut_only_counts_when_the_field_is_full() -> None:
    assert match("GROSS<<JOE", "Joerg", "Groß") is NameMatch.MISMATCH


def test_second_given_name_only_goes_to_review() -> None:
    assert match("GROSS<<JOERG<ANDREAS", "Andreas", "Groß") is NameMatch.PARTIAL


def test_one_letter_off_goes_to_review() -> None:
    # The name field has no check digit: an OCR slip or a typo in the order looks like this.
    assert match("MUSTERMANN<<ERIKA", "Erik", "Mustermann") is NameMatch.PARTIAL
    assert match("MUSTERNANN<<ERIKA", "Erika", "Mustermann") is NameMatch.PARTIAL


def test_other_people_do_not_match() -> None:
    assert match("MUELLER<<ERIKA", "Erika", "Mustermann") is NameMatch.MISMATCH
    assert match("MUSTERMANN<<ERIKA", "Erika", "Mustermann-Lang") is NameMatch.MISMATCH
    assert match("GROSS<<JOERG", "Erika", "Mustermann") is NameMatch.MISMATCH


def test_one_letter_misread_in_a_short_name_goes_to_a_person() -> None:
    # The recogniser took the I for an L: one letter in fourteen, not another person.
    assert match("SCHNELDER<<ANNA<LENA", "Anna", "Schneider") is NameMatch.PARTIAL
    assert match("SCHMIDT<<ANNA", "Anna", "Schneider") is NameMatch.MISMATCH
