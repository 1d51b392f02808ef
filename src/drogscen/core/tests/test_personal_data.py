"""The personal-data guard: real-format examples, negatives, and properties."""

import datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drogscen.core.personal_data import (
    MESSAGES,
    PersonalDataError,
    PersonalDataKind,
    check_free_text,
    find_personal_data,
    is_valid_identity_number,
    luhn_check_digit,
)

PIN = PersonalDataKind.PERSONAL_IDENTITY_NUMBER
COORDINATION = PersonalDataKind.COORDINATION_NUMBER
PHONE = PersonalDataKind.PHONE_NUMBER
EMAIL = PersonalDataKind.EMAIL
ID_KINDS = {PIN, COORDINATION}


def luhn(nine_digits: str) -> int:
    """Independent check-digit implementation, written the textbook way."""
    digits = [int(d) for d in nine_digits]
    doubled = [d * 2 if i % 2 == 0 else d for i, d in enumerate(digits)]
    return -sum(sum(divmod(d, 10)) for d in doubled) % 10


LEAP_DAY_2000 = "20000229-123" + str(luhn("000229123"))


def kinds(text: str) -> list[PersonalDataKind]:
    return [finding.kind for finding in find_personal_data(text)]


# --- examples -----------------------------------------------------------------------------


def test_luhn_matches_known_numbers():
    assert luhn_check_digit("121212121") == 2  # Skatteverket's 19121212-1212
    assert luhn_check_digit("701063239") == 1  # Skatteverket's coordination example
    assert luhn_check_digit("811218987") == 6  # 811218-9876, a common test number
    for nine in ("000000000", "999999999", "123456789", "640823323"):
        assert luhn_check_digit(nine) == luhn(nine)


@pytest.mark.parametrize(
    "text",
    [
        "19121212-1212",
        "191212121212",
        "121212-1212",
        "1212121212",
        "121212+1212",  # over 100 years old: '+' separator
        "19121212+1212",
        "121212 1212",
        "811218-9876",
        LEAP_DAY_2000,
    ],
)
def test_valid_personal_identity_numbers_are_found(text):
    findings = find_personal_data(f"Personen hade {text} på sig.")
    assert [f.kind for f in findings] == [PIN]
    assert f"Personen hade {text} på sig."[findings[0].start : findings[0].end] == text
    assert is_valid_identity_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "701063-2391",  # Skatteverket's example: born 3 October 1970
        "7010632391",
        "19701063-2391",
        "197010632391",
    ],
)
def test_coordination_numbers_are_found(text):
    assert kinds(f"samordningsnr {text}") == [COORDINATION]


@pytest.mark.parametrize(
    "text",
    [
        "19121212-1213",  # wrong check digit
        "121212-1211",
        "811218-9875",
        "811318-9870",  # month 13, check digit valid for the digits
        "810230-1238",  # 30 February
        "701093-2391",  # coordination day 93 → 33
    ],
)
def test_invalid_identity_numbers_are_not_identity_numbers(text):
    assert not set(kinds(text)) & ID_KINDS
    assert not is_valid_identity_number(text)


def test_check_digit_and_date_both_matter():
    nine = "811318987"  # 13th month: Luhn alone would accept it
    assert not is_valid_identity_number(nine[:6] + "-" + nine[6:] + str(luhn(nine)))
    nine = "700229123"  # no 29 February in 1870, 1970 or 2070
    assert not is_valid_identity_number(nine[:6] + "-" + nine[6:] + str(luhn(nine)))
    nine = "000229123"  # but 2000 had one
    assert is_valid_identity_number(nine[:6] + "-" + nine[6:] + str(luhn(nine)))


def test_ten_digit_number_with_wrong_check_digit_starting_with_zero_is_a_phone_number():
    nine = "070101123"
    wrong = (luhn(nine) + 1) % 10
    assert kinds(f"{nine}{wrong}") == [PHONE]
    assert kinds(f"{nine}{luhn(nine)}") == [PIN]


@pytest.mark.parametrize(
    "text",
    [
        "070-123 45 67",
        "0701234567",
        "070 123 45 67",
        "073-123 45 67",
        "08-123 456 78",
        "08-123 45 67",
        "08 123 456 78",
        "(08) 123 45 67",
        "031-123 45 67",
        "0910-123 45",
        "+46 70 123 45 67",
        "+46701234567",
        "+46 (0)70-123 45 67",
        "+46 8 123 456 78",
        "0046 70 123 45 67",
        "0046-8-123 456 78",
        "+47 912 34 567",
        "+358 40 123 4567",
    ],
)
def test_phone_numbers_are_found(text):
    sentence = f"Ring {text} om något händer."
    findings = find_personal_data(sentence)
    assert [f.kind for f in findings] == [PHONE]
    assert sentence[findings[0].start : findings[0].end] == text


@pytest.mark.parametrize(
    "text",
    ["anna.svensson@example.se", "a_b+tag@sub.example.com", "åsa@exempel.se", "X@Y.ORG"],
)
def test_email_addresses_are_found(text):
    sentence = f"Kontakt: {text}."
    findings = find_personal_data(sentence)
    assert [f.kind for f in findings] == [EMAIL]
    assert sentence[findings[0].start : findings[0].end] == text


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-31",
        "Kartläggningen gjordes 2023-11-15 och följdes upp 2024-02-10.",
        "Under 2024 identifierades 53 platser, 10 färre än 2023.",
        "år 2019-2023",
        "Handel pågår 22:00–02:00 och 22.00-02.00.",
        "kl 0800-1600 och kl. 08:00-16:00",
        "den 01-02-2024",
        "Helginsatser 40 av 52 helger.",
        "12 personer, ibland 15-20 personer",
        "250 000 kr",
        "1 250 000 kr och 1 012 345 678 kr",
        "20 000-30 000 kr per dag",
        "Sveavägen 12, 111 57 Stockholm",
        "Box 123, 123 45 Solna",
        "0,5 gram",
        "96 % av fallen",
        "SFS 1991:481",
        "Dnr 2024/1234-5",
        "Platsen har funnits sedan 19 juni 2021.",
        "",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert find_personal_data(text) == []
    check_free_text(text)  # does not raise


def test_several_findings_are_reported_in_text_order():
    text = "Ring 070-123 45 67 eller maila a@b.se, pnr 19121212-1212."
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == [PHONE, EMAIL, PIN]
    assert [text[f.start : f.end] for f in findings] == [
        "070-123 45 67",
        "a@b.se",
        "19121212-1212",
    ]


def test_phone_numbers_in_a_row_are_all_found_but_amount_groups_are_not():
    text = "070-123 45 67 08-123 456 78 070 123 45 67"
    assert kinds(text) == [PHONE, PHONE, PHONE]
    assert kinds("1 012 345 678 kr") == []
    assert kinds("kostade 12 050 123 456 kr") == []


def test_excerpts_are_masked():
    findings = find_personal_data("19121212-1212, 070-123 45 67, anna.svensson@example.se")
    excerpts = [f.excerpt for f in findings]
    assert excerpts == ["19******-****", "07*-*** ** **", "a***@***.se"]
    for excerpt in excerpts:
        assert "1212" not in excerpt and "svensson" not in excerpt


def test_check_free_text_raises_with_codes_and_message():
    with pytest.raises(PersonalDataError) as info:
        check_free_text("Säljaren heter något, nås på 0701234567 och har 121212-1212.")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.codes == ("phone_number", "personal_identity_number")
    assert error.code == "phone_number"
    assert MESSAGES[PHONE] in str(error) and MESSAGES[PIN] in str(error)
    assert [f.code for f in error.findings] == ["phone_number", "personal_identity_number"]


def test_every_kind_has_a_stable_code_and_message():
    assert {k.value for k in PersonalDataKind} == {
        "personal_identity_number",
        "coordination_number",
        "phone_number",
        "email",
    }
    assert set(MESSAGES) == set(PersonalDataKind)


# --- properties ---------------------------------------------------------------------------

dates = st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date(2030, 12, 31))


@st.composite
def identity_numbers(draw, coordination=False):
    """A valid personnummer/samordningsnummer in one of the accepted written forms."""
    date = draw(dates)
    day = date.day + (60 if coordination else 0)
    yymmdd = f"{date.year % 100:02d}{date.month:02d}{day:02d}"
    serial = f"{draw(st.integers(0, 999)):03d}"
    check = str(luhn(yymmdd + serial))
    form = draw(st.sampled_from(["10-", "10", "10+", "10 ", "12-", "12"]))
    sep = form[2:]
    if form.startswith("12"):
        return f"{date.year:04d}{yymmdd[2:]}{sep}{serial}{check}"
    return f"{yymmdd}{sep}{serial}{check}"


surrounding = st.text(max_size=30)


@settings(max_examples=300)
@given(number=identity_numbers(), before=surrounding, after=surrounding)
@example(number="19121212-1212", before="", after="")
@example(number="070101123" + str(luhn("070101123")), before="Ring", after="")
def test_any_valid_personal_identity_number_in_text_is_found(number, before, after):
    text = f"{before} {number} {after}"
    start = len(before) + 1
    findings = find_personal_data(text)
    assert any(
        f.kind is PIN and (f.start, f.end) == (start, start + len(number)) for f in findings
    ), (text, findings)


@settings(max_examples=150)
@given(number=identity_numbers(coordination=True), before=surrounding, after=surrounding)
def test_any_valid_coordination_number_in_text_is_found(number, before, after):
    text = f"{before} {number} {after}"
    start = len(before) + 1
    assert any(
        f.kind is COORDINATION and (f.start, f.end) == (start, start + len(number))
        for f in find_personal_data(text)
    )


@settings(max_examples=300)
@given(
    number=st.one_of(identity_numbers(), identity_numbers(coordination=True)),
    shift=st.integers(1, 9),
    words=st.text(alphabet=st.characters(categories=("L", "Zs")), max_size=20),
)
def test_altered_check_digit_is_not_an_identity_number(number, shift, words):
    altered = number[:-1] + str((int(number[-1]) + shift) % 10)
    for text in (altered, f"{words} {altered} {words}"):
        assert not set(kinds(text)) & ID_KINDS, text
    assert not is_valid_identity_number(altered)


@given(st.text(alphabet=st.characters(categories=("L",)) | st.just(" "), max_size=200))
def test_letters_and_spaces_are_never_flagged(text):
    assert find_personal_data(text) == []


@st.composite
def swedish_phone_numbers(draw):
    mobile = draw(st.booleans())
    if mobile:
        area = "7" + draw(st.sampled_from("02369"))
        subscriber = draw(st.from_regex(r"[0-9]{7}", fullmatch=True))
        groups = [subscriber[:3], subscriber[3:5], subscriber[5:]]
    else:
        area = "8"
        subscriber = draw(st.from_regex(r"[1-9][0-9]{6,7}", fullmatch=True))
        groups = [subscriber[:3], subscriber[3:5], subscriber[5:]]
    sep = draw(st.sampled_from([" ", "-", ""]))
    prefix = draw(st.sampled_from(["0", "+46 ", "+46", "0046 ", "+46 (0)"]))
    return f"{prefix}{area}{'-' if sep else ''}{sep.join(groups)}"


@settings(max_examples=200)
@given(number=swedish_phone_numbers(), before=st.text(alphabet="abc åäö.,", max_size=20))
def test_swedish_phone_numbers_are_found(number, before):
    text = f"{before} {number} efter"
    start = len(before) + 1
    findings = find_personal_data(text)
    assert any(f.start == start and f.end == start + len(number) for f in findings), (
        text,
        findings,
    )
    # A ten-digit mobile number can also be a valid personnummer or samordningsnummer.
    assert all(f.kind in (PHONE, PIN, COORDINATION) for f in findings)


@given(date=dates)
def test_dates_are_never_flagged(date):
    for text in (
        date.isoformat(),
        date.strftime("%Y%m%d"),
        date.strftime("%d/%m/%Y"),
        date.strftime("%d-%m-%Y"),
        date.strftime("%d.%m.%Y"),
        f"den {date.day} {date.month} {date.year}",
        f"{date.isoformat()} – {date.isoformat()}",
    ):
        assert find_personal_data(text) == [], text


@given(
    start=st.times(),
    end=st.times(),
    style=st.sampled_from(
        [
            "{:%H:%M}–{:%H:%M}",
            "{:%H:%M}-{:%H:%M}",
            "{:%H.%M}-{:%H.%M}",
            "kl {:%H%M}-{:%H%M}",
            "{:%H:%M} - {:%H:%M}",
        ]
    ),
)
def test_times_of_day_are_never_flagged(start, end, style):
    assert find_personal_data(style.format(start, end)) == []


@given(
    amount=st.integers(0, 10**10),
    count=st.integers(0, 10_000),
    total=st.integers(0, 10_000),
    year=st.integers(1900, 2100),
    postal=st.integers(10000, 98499),
)
def test_counts_amounts_years_and_postal_codes_are_never_flagged(
    amount, count, total, year, postal
):
    amount_text = f"{amount:,}".replace(",", " ")
    postal_text = f"{postal // 100} {postal % 100:02d}"
    text = (
        f"{count} personer, {count} av {total} helger, {amount_text} kr, år {year}, "
        f"{year}-{year + 1}, {postal_text} Stockholm"
    )
    assert find_personal_data(text) == [], text


@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_and_spans_are_consistent(text):
    findings = find_personal_data(text)
    previous_end = 0
    for finding in findings:
        assert previous_end <= finding.start < finding.end <= len(text)
        previous_end = finding.end
    if findings:
        with pytest.raises(PersonalDataError):
            check_free_text(text)
    else:
        check_free_text(text)
