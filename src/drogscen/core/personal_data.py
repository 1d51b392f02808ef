"""Guard against personal data in free text.

The mapping questionnaire asks about people at a scene, but the system must never store
personal data about them (docs/architecture.md#personal-data: "no personal identity
numbers in free text"). This module finds the kinds of personal data that have a recognisable shape:

* ``personal_identity_number`` — Swedish personnummer (Folkbokföringslagen 18 §):
  ``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYMMDDNNNN``, ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``
  (a single space is also accepted as separator), counted only when the date is a real
  calendar date and the last digit is the Luhn check digit of the ten-digit form.
* ``coordination_number`` — samordningsnummer (18 a §): the same, with 60 added to the day.
* ``phone_number`` — Swedish numbers written nationally (``070-123 45 67``,
  ``08-123 456 78``) or internationally (``+46 70 123 45 67``, ``0046 8 123 456 78``,
  ``+46 (0)70 …``), and other ``+<country code>`` numbers. Years, ISO dates, times of day,
  counts, amounts and postal codes never start with a trunk ``0`` followed by 8–10 digits,
  which is what keeps them out.
* ``email`` — e-mail addresses.

Names cannot be recognised reliably and are not looked for; the questionnaire's help text
asks people not to write them.

Only Python's ``re`` is used: the shapes are small and specific to Sweden, and no
well-kept library covers personnummer, Swedish phone formats and e-mail at once without
pulling in heavy dependencies.

Messages are English defaults keyed by a stable code (:class:`PersonalDataKind`), so the
Django layer can translate them (``gettext(MESSAGES[kind])``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "MESSAGES",
    "RULE_MESSAGE",
    "PersonalDataError",
    "PersonalDataFinding",
    "PersonalDataKind",
    "check_free_text",
    "find_personal_data",
    "is_valid_identity_number",
    "luhn_check_digit",
]


class PersonalDataKind(StrEnum):
    """Stable codes for the kinds of personal data that are detected."""

    PERSONAL_IDENTITY_NUMBER = "personal_identity_number"
    COORDINATION_NUMBER = "coordination_number"
    PHONE_NUMBER = "phone_number"
    EMAIL = "email"


#: English default message per kind; the Django layer translates these strings.
MESSAGES: dict[PersonalDataKind, str] = {
    PersonalDataKind.PERSONAL_IDENTITY_NUMBER: (
        "Remove the personal identity number (personnummer): "
        "free text must not contain personal data."
    ),
    PersonalDataKind.COORDINATION_NUMBER: (
        "Remove the coordination number (samordningsnummer): "
        "free text must not contain personal data."
    ),
    PersonalDataKind.PHONE_NUMBER: (
        "Remove the phone number: free text must not contain personal data."
    ),
    PersonalDataKind.EMAIL: (
        "Remove the e-mail address: free text must not contain personal data."
    ),
}

#: The rule in one sentence, for help texts and general notices.
RULE_MESSAGE = (
    "Do not write personal data: no names, personal identity numbers, phone numbers "
    "or e-mail addresses."
)


@dataclass(frozen=True, slots=True)
class PersonalDataFinding:
    """One piece of personal data found in a text.

    ``start``/``end`` index the text (``text[start:end]`` is the match); ``excerpt`` is the
    match with its digits and letters masked, safe to show in messages and logs.
    """

    kind: PersonalDataKind
    start: int
    end: int
    excerpt: str

    @property
    def code(self) -> str:
        return self.kind.value

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]


class PersonalDataError(ValueError):
    """Raised by :func:`check_free_text`; ``codes`` lists the kinds found, in text order."""

    def __init__(self, findings: list[PersonalDataFinding] | tuple[PersonalDataFinding, ...]):
        if not findings:
            raise ValueError("PersonalDataError needs at least one finding")
        self.findings: tuple[PersonalDataFinding, ...] = tuple(findings)
        kinds = tuple(dict.fromkeys(f.kind for f in self.findings))
        self.kinds: tuple[PersonalDataKind, ...] = kinds
        self.codes: tuple[str, ...] = tuple(k.value for k in kinds)
        self.code: str = self.codes[0]
        self.message: str = " ".join(MESSAGES[k] for k in kinds)
        super().__init__(self.message)


# --- personnummer / samordningsnummer ---------------------------------------------------

# Candidates are found with a zero-width lookahead at every position, so a failed
# candidate never hides a valid one that overlaps it. ``(?<![0-9])`` keeps the ten-digit
# form from matching the tail of a twelve-digit number. ASCII digits only: ``\d`` would
# also match other scripts' digits, which ``int()`` accepts but nobody writes a
# personnummer with.
_ID_12 = re.compile(
    r"(?<![0-9])(?=(?P<m>(?P<century>1[89]|20)(?P<date>[0-9]{6})(?P<sep>[-+ ]?)"
    r"(?P<serial>[0-9]{3})(?P<check>[0-9]))(?![0-9]))"
)
_ID_10 = re.compile(
    r"(?<![0-9])(?=(?P<m>(?P<date>[0-9]{6})(?P<sep>[-+ ]?)"
    r"(?P<serial>[0-9]{3})(?P<check>[0-9]))(?![0-9]))"
)


def luhn_check_digit(nine_digits: str) -> int:
    """Check digit of a personnummer: Luhn (mod 10) over ``YYMMDDNNN``, weights 2,1,2,…"""
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _date_exists(years: tuple[int, ...], month: int, day: int) -> bool:
    for year in years:
        try:
            datetime.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def _identity_kind(
    date_digits: str, serial: str, check: str, century: str | None
) -> PersonalDataKind | None:
    """Kind of a syntactically matched number, or None when date or check digit fail."""
    yymmdd = date_digits[-6:]
    if luhn_check_digit(yymmdd + serial) != int(check):
        return None
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if century is not None:
        years: tuple[int, ...] = (int(century + date_digits[:2]),)
    else:
        # Without a century any of the three plausible ones will do: this only decides
        # whether 29 February exists.
        years = (1800 + yy, 1900 + yy, 2000 + yy)
    if _date_exists(years, month, day):
        return PersonalDataKind.PERSONAL_IDENTITY_NUMBER
    if day > 60 and _date_exists(years, month, day - 60):
        return PersonalDataKind.COORDINATION_NUMBER
    return None


def is_valid_identity_number(value: str) -> bool:
    """Whether ``value`` (and nothing else) is a valid personnummer or samordningsnummer."""
    value = value.strip()
    for pattern, has_century in ((_ID_12, True), (_ID_10, False)):
        match = pattern.match(value)
        if match and match.end("m") == len(value):
            century = match["century"] if has_century else None
            if _identity_kind(match["date"], match["serial"], match["check"], century):
                return True
    return False


def _find_identity_numbers(text: str) -> list[tuple[PersonalDataKind, int, int]]:
    found = []
    for pattern, has_century in ((_ID_12, True), (_ID_10, False)):
        for match in pattern.finditer(text):
            kind = _identity_kind(
                match["date"],
                match["serial"],
                match["check"],
                match["century"] if has_century else None,
            )
            if kind is not None:
                found.append((kind, match.start("m"), match.end("m")))
    return found


# --- phone numbers ------------------------------------------------------------------------

# Not preceded by a character that would make the digits part of something else: another
# number, a word, a date ("2024-03-31"), a time ("22:00"), a decimal or an amount.
_NOT_AFTER = r"(?<![0-9A-Za-z\-+/.:,])"
# Nor the thousands groups of an amount: "1 012 345 678 kr" (a digit and a space before,
# then only three-digit groups), while "070 123 45 67 070 123 45 67" is two numbers.
_NOT_AMOUNT = r"(?!(?<=[0-9][ \u00a0])0[0-9]{2}(?:[ \u00a0][0-9]{3})+(?![0-9]|[ \u00a0][0-9]))"
_SEP = r"[ \-\u00a0]?"
_PHONE = re.compile(
    _NOT_AFTER
    + _NOT_AMOUNT
    + r"(?:"
    # International Swedish: +46 / 0046, optional "(0)", then 7–9 digits not starting with 0.
    + r"(?:\+|00)46[ \-\u00a0]*(?:\(0\)[ \-\u00a0]*)?[1-9](?:"
    + _SEP
    + r"[0-9]){6,8}"
    + r"|"
    # Other countries: "+", then 8–14 digits in all (country code included).
    + r"\+(?!46)[1-9](?:"
    + _SEP
    + r"[0-9]){7,13}"
    + r"|"
    # National: trunk 0, area code digit 1-9 right after it, 7–9 digits in all after that.
    # "(08) 123 45 67" is covered by allowing a parenthesised area code.
    # Excluded: dates written DD-MM-YYYY and times written HHMM-HHMM ("0800-1600").
    + r"(?!0[1-9]-(?:0[1-9]|1[0-2])-[0-9]{4}(?![0-9]))"
    + r"(?!(?:[01][0-9]|2[0-3])[0-5][0-9]-(?:[01][0-9]|2[0-4])[0-5][0-9](?![0-9]))"
    + r"(?:0[1-9]|\(0[1-9][0-9]{0,2}\))(?:"
    + _SEP
    + r"[0-9]){6,8}"
    + r")"
    + r"(?![0-9])"
)


# --- e-mail -------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]+@(?:[^\W_](?:[\w\-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w\-])"
)


# --- masking and the public functions -----------------------------------------------------


def _mask(kind: PersonalDataKind, matched: str) -> str:
    if kind is PersonalDataKind.EMAIL:
        local, _, domain = matched.partition("@")
        top_level = domain.rsplit(".", 1)[-1]
        return f"{local[:1]}***@***.{top_level}"
    # Keep the first two digits (enough to recognise the shape) and the separators.
    kept = 0
    out = []
    for ch in matched:
        if ch.isdigit():
            out.append(ch if kept < 2 else "*")
            kept += 1
        else:
            out.append(ch)
    return "".join(out)


# When matches overlap, the more specific kind wins: "0701011234" with a valid check digit
# is a personnummer, with an invalid one it is reported as a phone number.
_PRIORITY = {
    PersonalDataKind.PERSONAL_IDENTITY_NUMBER: 0,
    PersonalDataKind.COORDINATION_NUMBER: 0,
    PersonalDataKind.EMAIL: 1,
    PersonalDataKind.PHONE_NUMBER: 2,
}


def find_personal_data(text: str) -> list[PersonalDataFinding]:
    """All personal data found in ``text``, in text order, without overlaps."""
    if not text:
        return []
    candidates = _find_identity_numbers(text)
    candidates += [(PersonalDataKind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]
    candidates += [
        (PersonalDataKind.PHONE_NUMBER, m.start(), m.end()) for m in _PHONE.finditer(text)
    ]
    candidates.sort(key=lambda c: (_PRIORITY[c[0]], c[1], -(c[2] - c[1])))
    accepted: list[tuple[PersonalDataKind, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in accepted):
            accepted.append((kind, start, end))
    accepted.sort(key=lambda c: c[1])
    return [
        PersonalDataFinding(kind=kind, start=start, end=end, excerpt=_mask(kind, text[start:end]))
        for kind, start, end in accepted
    ]


def check_free_text(text: str) -> None:
    """Raise :class:`PersonalDataError` if ``text`` contains personal data."""
    findings = find_personal_data(text)
    if findings:
        raise PersonalDataError(findings)
