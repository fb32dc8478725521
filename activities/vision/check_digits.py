"""ICAO 9303 check digits: characters weighted 7-3-1, summed modulo 10."""

_WEIGHTS = (7, 3, 1)


def char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"not an MRZ character: {char!r}")


def check_digit(field: str) -> str:
    total = sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field))
    return str(total % 10)


def is_valid(field: str, digit: str) -> bool:
    # A filler in place of the digit is allowed only for an empty optional field (ICAO 9303-3, 4.9).
    if digit == "<":
        return set(field) <= {"<"}
    return check_digit(field) == digit
