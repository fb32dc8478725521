"""The machine-readable zone of a TD1 ID card (3 x 30) or a TD3 passport (2 x 44), per ICAO 9303.

Parsing starts from OCR text. OCR confuses letters and digits that look alike (O/0, I/1, S/5, B/8),
and an MRZ field is either numeric or alphabetic by position, so each field is read with the
alphabet its position allows. The check digits then decide whether the reading can be trusted.
"""

from dataclasses import dataclass, field
from datetime import date

from activities.vision.check_digits import is_valid

TD1 = "TD1"
TD3 = "TD3"
LAYOUTS = {TD1: (3, 30), TD3: (2, 44)}

_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"})


@dataclass
class MrzData:
    layout: str
    document_code: str
    issuing_state: str
    document_number: str
    surname: str
    given_names: list[str]
    birth_date: str  # YYMMDD as printed
    expiry_date: str  # YYMMDD as printed
    nationality: str
    failed_checks: list[str] = field(default_factory=list)  # names of fields whose check digit is wrong

    @property
    def checks_pass(self) -> bool:
        return not self.failed_checks


def to_digits(text: str) -> str:
    """Letters that OCR takes for digits, turned back into the digits: for fields that hold only digits."""
    return text.translate(_TO_DIGIT)


def _letters(text: str) -> str:
    return text.translate(_TO_LETTER)


def _names(text: str) -> tuple[str, list[str]]:
    surname, _, given = _letters(text).partition("<<")
    return surname.replace("<", " ").strip(), [g for g in given.replace("<<", "<").split("<") if g]


def parse(lines: list[str]) -> MrzData | None:
    """Reads OCR'd MRZ lines; None when they do not have the shape of a TD1 or TD3 zone."""
    shape = (len(lines), len(lines[0]) if lines else 0)
    if shape == LAYOUTS[TD1] and all(len(line) == 30 for line in lines):
        l1, l2, l3 = lines
        readings = [_parse_td1(l1[:5] + number + l1[14:], l2, l3) for number in number_readings(l1[5:14])]
    elif shape == LAYOUTS[TD3] and all(len(line) == 44 for line in lines):
        l1, l2 = lines
        readings = [_parse_td3(l1, number + l2[9:]) for number in number_readings(l2[:9])]
    else:
        return None
    return next((data for data in readings if data.checks_pass), readings[0])


_Z_OR_2 = {"Z": "2", "2": "Z"}


def number_readings(number: str) -> list[str]:
    """The document number as read, then with look-alikes taken the other way. O and 0 are nearly
    one glyph to OCR and a number may hold both: all of them at once. A Z of OCR-B is sometimes read
    as a 2 (German numbers hold both): one position at a time, as a slip is one glyph.

    A variant only shifts the sums of the number's check digit and of the composite alike, so a
    check digit that was altered on the document is never repaired by one; a misread number whose
    variant passes by chance is still the only field that could be wrong, and no other is compared
    against it."""
    variants = [number, number.replace("O", "0"), number.replace("0", "O")]
    for position, char in enumerate(number):
        if char in _Z_OR_2:
            variants.append(number[:position] + _Z_OR_2[char] + number[position + 1 :])
    return list(dict.fromkeys(variants))


def _parse_td1(l1: str, l2: str, l3: str) -> MrzData:
    # Line 1: code(2) state(3) number(9) check(1) optional(15)
    l1 = _letters(l1[:5]) + l1[5:14] + to_digits(l1[14]) + l1[15:]  # the composite covers the check digit too
    # Line 2: birth(6) check sex expiry(6) check nationality(3) optional(11) composite
    l2 = to_digits(l2[:7]) + l2[7] + to_digits(l2[8:15]) + _letters(l2[15:18]) + l2[18:29] + to_digits(l2[29])
    number, number_check = l1[5:14], to_digits(l1[14])
    checks = {
        "document_number": (number, number_check),
        "birth_date": (l2[0:6], l2[6]),
        "expiry_date": (l2[8:14], l2[14]),
        "composite": (l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]),
    }
    surname, given = _names(l3)
    return MrzData(
        layout=TD1,
        document_code=l1[0:2],
        issuing_state=l1[2:5],
        document_number=number.rstrip("<"),
        surname=surname,
        given_names=given,
        birth_date=l2[0:6],
        expiry_date=l2[8:14],
        nationality=l2[15:18],
        failed_checks=[name for name, (data, digit) in checks.items() if not is_valid(data, digit)],
    )


def _parse_td3(l1: str, l2: str) -> MrzData:
    # Line 1: code(2) state(3) names(39)
    # Line 2: number(9) check nationality(3) birth(6) check sex expiry(6) check personal(14) check composite
    l1 = _letters(l1[:5]) + l1[5:]
    l2 = (
        l2[:9] + to_digits(l2[9]) + _letters(l2[10:13]) + to_digits(l2[13:20]) + l2[20] + to_digits(l2[21:28])
        + l2[28:42] + to_digits(l2[42:44])
    )  # fmt: skip
    checks = {
        "document_number": (l2[0:9], l2[9]),
        "birth_date": (l2[13:19], l2[19]),
        "expiry_date": (l2[21:27], l2[27]),
        "personal_number": (l2[28:42], l2[42]),
        "composite": (l2[0:10] + l2[13:20] + l2[21:43], l2[43]),
    }
    surname, given = _names(l1[5:44])
    return MrzData(
        layout=TD3,
        document_code=l1[0:2],
        issuing_state=l1[2:5],
        document_number=l2[0:9].rstrip("<"),
        surname=surname,
        given_names=given,
        birth_date=l2[13:19],
        expiry_date=l2[21:27],
        nationality=l2[10:13],
        failed_checks=[name for name, (data, digit) in checks.items() if not is_valid(data, digit)],
    )


def to_date(yymmdd: str, *, pivot: date, past: bool) -> date | None:
    """The MRZ has two-digit years: a birth date lies in the past of `pivot`, an expiry date near it."""
    if not yymmdd.isdigit():
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    century = pivot.year // 100 * 100
    year = century + yy
    if past and year > pivot.year:
        year -= 100
    if not past and year < pivot.year - 50:
        year += 100
    try:
        return date(year, mm, dd)
    except ValueError:
        return None
