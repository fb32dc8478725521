"""What the MRZ says, checked: check digits, document type, expiry, and the order's name and birth date."""

from dataclasses import dataclass, field
from datetime import date

from activities.vision import mrz
from activities.vision.names import NameMatch, match_name
from activities.vision.reasons import Reason
from orderflow.contract.photo_ident import ExpectedIdentity

# ID cards in the TD1 format and passports in TD3; visas, residence permits and the like are not accepted.
ACCEPTED_CODES = {mrz.TD1: "I", mrz.TD3: "P"}


@dataclass
class DocumentCheck:
    readable: bool
    layout: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)  # names of the fields, for the findings


def check(lines: list[str], expected: ExpectedIdentity, valid_on: date) -> DocumentCheck:
    data = mrz.parse(lines)
    if data is None:
        return DocumentCheck(readable=False)
    result = DocumentCheck(readable=True, layout=data.layout, failed_checks=list(data.failed_checks))
    if not data.checks_pass:
        # Misread or forged, the data cannot be trusted: nothing else is compared.
        result.reasons.append(Reason.MRZ_CHECK_DIGIT)
        return result
    if not data.document_code.startswith(ACCEPTED_CODES[data.layout]):
        result.reasons.append(Reason.DOCUMENT_TYPE_NOT_ACCEPTED)
    expiry = mrz.to_date(data.expiry_date, pivot=valid_on, past=False)
    if expiry is None or expiry < valid_on:
        result.reasons.append(Reason.DOCUMENT_EXPIRED)
    if mrz.to_date(data.birth_date, pivot=valid_on, past=True) != expected.date_of_birth:
        result.reasons.append(Reason.DATE_OF_BIRTH_MISMATCH)
    name_line = lines[2] if data.layout == mrz.TD1 else lines[0]
    match = match_name(data, expected.first_name, expected.last_name, field_full=not name_line.endswith("<"))
    if match is NameMatch.MISMATCH:
        result.reasons.append(Reason.NAME_MISMATCH)
    elif match is NameMatch.PARTIAL:
        result.reasons.append(Reason.NAME_PARTIAL_MATCH)
    return result
