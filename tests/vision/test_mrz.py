"""ICAO 9303 check digits and MRZ parsing, on the specimens printed in the standard and on OCR slips."""

from datetime import date

import pytest

from activities.vision.check_digits import check_digit, is_valid
from activities.vision.mrz import TD1, TD3, parse, to_date

# Specimens from ICAO Doc 9303 (Utopia) and the German ID card specimen.
TD3_SPECIMEN = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1_SPECIMEN = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
GERMAN_ID = ["IDD<<T220001293<<<<<<<<<<<<<<<", "6408125<2010315D<<<<<<<<<<<<<4", "MUSTERMANN<<ERIKA<<<<<<<<<<<<<"]


@pytest.mark.parametrize(
    ("field", "digit"), [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("ZE184226B<<<<<", "1")]
)
def test_check_digit_weights_7_3_1(field: str, digit: str) -> None:
    assert check_digit(field) == digit


def test_filler_stands_for_an_empty_optional_field_only() -> None:
    assert is_valid("<<<<<<<<<<<<<<", "<")
    assert not is_valid("ZE184226B<<<<<", "<")


@pytest.mark.parametrize("lines", [TD3_SPECIMEN, TD1_SPECIMEN, GERMAN_ID], ids=["td3", "td1", "german-id"])
def test_specimens_validate(lines: list[str]) -> None:
    data = parse(lines)
    assert data is not None and data.checks_pass, data


def test_td3_fields() -> None:
    data = parse(TD3_SPECIMEN)
    assert data is not None
    assert (data.layout, data.document_code, data.document_number) == (TD3, "P<", "L898902C3")
    assert (data.surname, data.given_names) == ("ERIKSSON", ["ANNA", "MARIA"])
    assert (data.birth_date, data.expiry_date, data.nationality) == ("740812", "120415", "UTO")


def test_td1_fields() -> None:
    data = parse(GERMAN_ID)
    assert data is not None
    assert (data.layout, data.document_code, data.issuing_state) == (TD1, "ID", "D<<")
    assert (data.surname, data.given_names, data.birth_date) == ("MUSTERMANN", ["ERIKA"], "640812")


@pytest.mark.parametrize(
    ("line", "position", "replacement", "failed"),
    [
        (1, 6, "3", "birth_date"),  # the birth date's check digit
        (1, 10, "9", "expiry_date"),  # a digit of the expiry date
        (0, 9, "X", "document_number"),
        (1, 29, "0", "composite"),
    ],
)
def test_every_check_digit_is_verified(line: int, position: int, replacement: str, failed: str) -> None:
    lines = list(GERMAN_ID)
    lines[line] = lines[line][:position] + replacement + lines[line][position + 1 :]
    data = parse(lines)
    assert data is not None
    assert failed in data.failed_checks


def test_ocr_letter_digit_slips_are_corrected_by_position() -> None:
    slipped = ["1DD<<T220001293<<<<<<<<<<<<<<<", "64O8I25<2O1O315D<<<<<<<<<<<<<4", "MUSTERMANN<<ER1KA<<<<<<<<<<<<<"]
    data = parse(slipped)
    assert data is not None and data.checks_pass
    assert (data.document_code, data.birth_date, data.given_names) == ("ID", "640812", ["ERIKA"])


def test_lines_of_the_wrong_shape_are_not_an_mrz() -> None:
    assert parse(["IDD<<T220001293<<<<", "6408125<2010315D<<<<<<<<<<<<<4"]) is None
    assert parse([]) is None


def test_two_digit_years() -> None:
    today = date(2026, 11, 25)
    assert to_date("640812", pivot=today, past=True) == date(1964, 8, 12)
    assert to_date("100101", pivot=today, past=True) == date(2010, 1, 1)
    assert to_date("311031", pivot=today, past=False) == date(2031, 10, 31)
    assert to_date("991231", pivot=today, past=False) == date(2099, 12, 31)
    assert to_date("640231", pivot=today, past=True) is None  # no 31 February


def test_a_z_read_as_2_in_the_document_number_is_repaired_where_both_check_digits_hold() -> None:
    # A passport of the labelled set: its number ZJ14M8FF6 was read 2J14M8FF6 on both photos of the page.
    printed = ["P<D<<BAECKER<<LUKAS<<<<<<<<<<<<<<<<<<<<<<<<<", "ZJ14M8FF61D<<0112307M3012110<<<<<<<<<<<<<<<4"]
    read = [printed[0], "2" + printed[1][1:]]

    data = parse(read)

    assert data is not None and data.checks_pass, data
    assert data.document_number == "ZJ14M8FF6"


def test_a_broken_number_check_digit_is_not_repaired_by_a_look_alike() -> None:
    # ZJ14M8FF6 with its check digit altered: no reading of Z or 2 makes both the number and the composite hold.
    altered = ["P<D<<BAECKER<<LUKAS<<<<<<<<<<<<<<<<<<<<<<<<<", "ZJ14M8FF66D<<0112307M3012110<<<<<<<<<<<<<<<4"]

    data = parse(altered)

    assert data is not None and not data.checks_pass
