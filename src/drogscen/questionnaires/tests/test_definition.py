"""Questionnaire definitions: loading and checking them, and validating answers."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drogscen.questionnaires.definition import (
    BUILTIN_DEFINITIONS_DIR,
    PROBLEM_MESSAGES,
    AnswersError,
    DefinitionError,
    LocalizedText,
    QuestionnaireDefinition,
    QuestionType,
    ValidationProblem,
    clean_answers,
    load_builtin_definition,
    load_definition,
    relevant_questions,
    validate_answers,
)

V1_PATH = BUILTIN_DEFINITIONS_DIR / "v1.json"


@pytest.fixture(scope="module")
def v1() -> QuestionnaireDefinition:
    return load_definition(V1_PATH)


def codes_of(problems: dict[str, list[ValidationProblem]]) -> dict[str, list[str]]:
    return {code: [p.code for p in items] for code, items in problems.items()}


# --- the shipped v1 definition ------------------------------------------------------------

# The codes docs/contracts.md#mappings-file fixes for the mapping import format.
DESIGN_CODES = {
    "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
    "symptoms": [
        "discomfort",
        "perceived_unsafe",
        "crime_hotspot",
        "attracts_vulnerable",
        "youth_discouraged",
        "public_avoids",
        "tolerance_zone",
    ],
    "main_substance": [
        "cannabis",
        "cocaine",
        "amphetamine",
        "opioids",
        "benzodiazepines",
        "pregabalin",
        "synthetic_cannabinoids",
        "ecstasy",
        "other",
        "unknown",
    ],
    "sellers_origin": ["local", "travelled", "mixed", "unknown"],
    "buyers_origin": ["local", "travelled", "mixed", "unknown"],
    "police_methods": [
        "visible_patrolling",
        "focused_operations",
        "buy_bust",
        "intelligence_led",
        "camera_surveillance",
        "exclusion_orders",
        "collaboration",
        "other",
    ],
}


def test_v1_loads_with_the_expected_questions(v1):
    assert v1.version == "2023.1"
    assert v1.valid_from_year == 2023
    assert load_builtin_definition("v1") == v1
    expected = {
        "criteria": QuestionType.MULTIPLE_CHOICE,
        "symptoms": QuestionType.MULTIPLE_CHOICE,
        "place_type": QuestionType.SINGLE_CHOICE,
        "near_transit": QuestionType.YES_NO_UNKNOWN,
        "lighting_visibility_problems": QuestionType.YES_NO_UNKNOWN,
        "place_description": QuestionType.TEXT,
        "sellers_origin": QuestionType.SINGLE_CHOICE,
        "buyers_origin": QuestionType.SINGLE_CHOICE,
        "minors_present": QuestionType.YES_NO_UNKNOWN,
        "sellers_peak_count": QuestionType.NUMBER,
        "buyers_peak_count": QuestionType.NUMBER,
        "active_times": QuestionType.MULTIPLE_CHOICE,
        "main_substance": QuestionType.SINGLE_CHOICE,
        "other_substances": QuestionType.MULTIPLE_CHOICE,
        "main_substance_other": QuestionType.TEXT,
        "police_methods": QuestionType.MULTIPLE_CHOICE,
        "police_methods_result": QuestionType.TEXT,
        "partner_types": QuestionType.MULTIPLE_CHOICE,
        "partner_names": QuestionType.TEXT,
        "severity": QuestionType.SINGLE_CHOICE,
        "overall_assessment": QuestionType.TEXT,
    }
    assert {q.code: q.type for q in v1.questions} == expected


def test_v1_uses_the_design_codes(v1):
    for code, options in DESIGN_CODES.items():
        assert list(v1.question(code).option_codes) == options, code
    assert (
        v1.question("other_substances").option_codes == v1.question("main_substance").option_codes
    )
    assert v1.question("place_type").option_codes == (
        "square",
        "park",
        "station_or_stop",
        "shopping_centre",
        "school_surroundings",
        "residential_courtyard",
        "other",
    )
    assert v1.question("active_times").option_codes == (
        "weekday_daytime",
        "weekday_evening",
        "weekday_night",
        "weekend_daytime",
        "weekend_evening",
        "weekend_night",
    )
    assert v1.question("partner_types").option_codes == (
        "property_owners",
        "businesses",
        "schools",
        "public_transport",
        "social_services",
        "health_services",
        "associations",
        "other",
    )
    assert v1.question("severity").option_codes == ("level_1", "level_2", "level_3")


def test_v1_texts(v1):
    symptoms = v1.question("symptoms")
    assert symptoms.option("youth_discouraged").label.sv == (
        "Unga avråds från att vistas på platsen"
    )
    assert "bestående plats där bruk och försäljning av narkotika sker offentligt" in (
        v1.question("criteria").help.sv
    )
    for question in v1.questions:
        assert question.label.sv and question.label.en
        for option in question.options:
            assert option.label.sv and option.label.en
        if question.type is QuestionType.TEXT:
            assert "Skriv inte personuppgifter" in question.help.sv, question.code
            assert "personal data" in question.help.en, question.code
    assert "not of people" in v1.question("partner_names").help.en


def test_v1_required_and_relevance(v1):
    required = {q.code for q in v1.questions if q.required}
    assert required == {
        "criteria",
        "symptoms",
        "main_substance",
        "sellers_origin",
        "buyers_origin",
        "overall_assessment",
    }
    assert v1.question("near_transit").prefill == "nearest_station"
    assert v1.question("sellers_peak_count").integer
    assert v1.question("sellers_peak_count").min == 0


FULL_ANSWERS = {
    "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
    "symptoms": ["discomfort", "perceived_unsafe", "crime_hotspot", "public_avoids"],
    "place_type": "station_or_stop",
    "near_transit": "yes",
    "lighting_visibility_problems": "unknown",
    "place_description": (
        "Torget vid tunnelbanans östra uppgång och gångtunneln mot centrumhuset. "
        "Mest aktivitet kl. 22:00–02:00, 40 av 52 helger."
    ),
    "sellers_origin": "travelled",
    "buyers_origin": "mixed",
    "minors_present": "yes",
    "sellers_peak_count": 6,
    "buyers_peak_count": "25",
    "active_times": ["weekday_evening", "weekend_evening", "weekend_night"],
    "main_substance": "cannabis",
    "other_substances": ["cocaine", "pregabalin"],
    "police_methods": ["visible_patrolling", "focused_operations", "collaboration"],
    "police_methods_result": (
        "Helginsatser 2024-03-01 till 2024-06-30; 14 narkotikabrott upptäckta."
    ),
    "partner_types": ["property_owners", "public_transport", "social_services"],
    "partner_names": "Bostadsbolaget, SL och socialtjänstens uppsökande team.",
    "severity": "level_2",
    "overall_assessment": "Handeln har minskat något sedan 2023 men platsen är fortsatt otrygg.",
}


def test_full_realistic_answers_are_valid(v1):
    assert validate_answers(v1, FULL_ANSWERS) == {}
    cleaned = clean_answers(v1, FULL_ANSWERS)
    assert cleaned["buyers_peak_count"] == 25
    assert list(cleaned) == [code for code in v1.codes if code in FULL_ANSWERS]
    assert "main_substance_other" not in relevant_questions(v1, FULL_ANSWERS)
    assert set(relevant_questions(v1, FULL_ANSWERS)) == set(v1.codes) - {"main_substance_other"}


def test_a_place_that_is_no_longer_a_scene_needs_no_seller_answers(v1):
    answers = {
        "criteria": ["persistent", "perceived_problematic"],
        "symptoms": [],  # explicitly none
        "overall_assessment": "Ingen handel har observerats under året.",
    }
    assert validate_answers(v1, answers) == {}
    relevant = relevant_questions(v1, answers)
    for code in ("sellers_origin", "buyers_origin", "main_substance", "severity"):
        assert code not in relevant
    assert "police_methods" in relevant
    # No criterion met at all is an answer too.
    assert validate_answers(v1, answers | {"criteria": []}) == {}


def test_required_questions(v1):
    problems = validate_answers(v1, {"criteria": ["public_sale"]})
    assert codes_of(problems) == {
        "symptoms": ["required"],
        "sellers_origin": ["required"],
        "buyers_origin": ["required"],
        "main_substance": ["required"],
        "overall_assessment": ["required"],
    }
    # A missing criteria answer is not the same as an empty one.
    assert "criteria" in validate_answers(v1, {})
    assert codes_of(validate_answers(v1, {"criteria": None}))["criteria"] == ["required"]
    assert (
        "required"
        in codes_of(validate_answers(v1, {"overall_assessment": "  "}))["overall_assessment"]
    )


def test_answers_to_irrelevant_questions_are_errors_on_validation_and_dropped_on_clean(v1):
    answers = {
        "criteria": ["persistent"],
        "symptoms": ["discomfort"],
        "sellers_origin": "local",
        "main_substance": "other",
        "main_substance_other": "Ketamin",
        "police_methods_result": "Inget arbete.",
        "overall_assessment": "Lugnt.",
    }
    problems = codes_of(validate_answers(v1, answers))
    assert problems == {
        "sellers_origin": ["not_relevant"],
        "main_substance": ["not_relevant"],
        "main_substance_other": ["not_relevant"],  # cascades: main_substance is not asked
        "police_methods_result": ["not_relevant"],
    }
    assert clean_answers(v1, answers) == {
        "criteria": ["persistent"],
        "symptoms": ["discomfort"],
        "overall_assessment": "Lugnt.",
    }


def test_relevance_follows_answers(v1):
    base = FULL_ANSWERS | {"main_substance": "other"}
    assert "main_substance_other" in relevant_questions(v1, base)
    assert validate_answers(v1, base | {"main_substance_other": "Ketamin"}) == {}
    assert "police_methods_result" not in relevant_questions(v1, base | {"police_methods": []})
    assert "partner_names" not in relevant_questions(v1, base | {"partner_types": None})
    three_criteria = base | {"criteria": ["persistent", "public_use", "public_sale"]}
    assert "severity" not in relevant_questions(v1, three_criteria)


def test_unknown_questions_and_bad_values(v1):
    answers = FULL_ANSWERS | {
        "notes": "x",
        "main_substance": "heroin",
        "symptoms": ["discomfort", "nuisance"],
        "near_transit": "maybe",
        "sellers_peak_count": -1,
        "buyers_peak_count": 2.5,
    }
    problems = validate_answers(v1, answers)
    assert codes_of(problems) == {
        "symptoms": ["invalid_option"],
        "near_transit": ["invalid_option"],
        "sellers_peak_count": ["min_value"],
        "buyers_peak_count": ["not_integer"],
        "main_substance": ["invalid_option"],
        "notes": ["unknown_question"],
    }
    assert str(problems["notes"][0]) == (
        "There is no question notes in questionnaire version 2023.1."
    )
    assert str(problems["symptoms"][0]) == "nuisance is not one of the options of this question."
    with pytest.raises(AnswersError) as info:
        clean_answers(v1, answers)
    assert set(info.value.problems) == set(problems)


def test_personal_data_in_free_text_is_rejected(v1):
    answers = FULL_ANSWERS | {
        "partner_names": "Kontakt Anna på 070-123 45 67 eller anna@example.se",
        "overall_assessment": "Säljaren har personnummer 19121212-1212.",
    }
    problems = validate_answers(v1, answers)
    assert [(p.code, p.params["kind"]) for p in problems["partner_names"]] == [
        ("personal_data", "phone_number"),
        ("personal_data", "email"),
    ]
    [problem] = problems["overall_assessment"]
    assert problem.params == {"kind": "personal_identity_number", "excerpt": "19******-****"}
    assert "personnummer" in str(problem)
    assert "1212" not in str(problem)


def test_answers_must_be_a_mapping(v1):
    with pytest.raises(TypeError):
        validate_answers(v1, [("criteria", [])])  # type: ignore[arg-type]


# --- loading and checking definitions -----------------------------------------------------

T = {"sv": "Text", "en": "Text"}


def opt(code):
    return {"code": code, "label": T}


def minimal(*questions):
    return {
        "version": "2030.1",
        "title": T,
        "valid_from_year": 2030,
        "sections": [{"code": "main", "title": T, "questions": list(questions)}],
    }


def q(code, type_="text", **extra):
    data = {"code": code, "type": type_, "label": T}
    if type_ in ("single_choice", "multiple_choice"):
        data["options"] = [opt("x"), opt("y")]
    return data | extra


def load_problems(data) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_definition(data)
    return info.value.problems


def test_load_from_path_dict_and_round_trip(tmp_path, v1):
    raw = json.loads(V1_PATH.read_text(encoding="utf-8"))
    assert load_definition(raw) == v1
    assert load_definition(str(V1_PATH)) == v1
    assert load_definition(v1.to_dict()) == v1
    assert v1.to_dict() == raw
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "not valid JSON" in load_problems(bad)[0]
    with pytest.raises(TypeError):
        load_definition(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        load_builtin_definition("../v1")


def test_loading_does_not_keep_a_reference_to_the_input():
    data = minimal(q("a"))
    definition = load_definition(data)
    data["sections"][0]["questions"][0]["code"] = "changed"
    assert definition.to_dict()["sections"][0]["questions"][0]["code"] == "a"


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ([q("a"), q("a")], "question 'a': the question code is used twice"),
        ([q("a", "date")], "question 'a': unknown type 'date'"),
        ([q("a", "single_choice", options=[])], "question 'a': choice questions need"),
        ([{"code": "a", "type": "multiple_choice", "label": T}], "question 'a': choice"),
        (
            [q("a", "single_choice", options=[opt("x"), opt("x")])],
            "question 'a', option 'x': the option code is used twice",
        ),
        ([q("a", "single_choice", options=[opt("X y")])], "code 'X y' must be lower-case"),
        ([q("a", relevant="answered(${b})"), q("b")], "question 'a': 'relevant' refers to 'b'"),
        ([q("a", relevant="answered(${zz})")], "question 'a': 'relevant' refers to 'zz'"),
        ([q("a", relevant="answered(${a})")], "question 'a': 'relevant' refers to the question"),
        ([q("a"), q("b", relevant="${a} = ")], "question 'b': 'relevant' is not a valid"),
        ([q("a"), q("b", relevant=7)], "question 'b': 'relevant' must be an expression"),
        (
            [q("a", "single_choice"), q("b", relevant="selected(${a}, 'z')")],
            "question 'b': 'relevant' tests option 'z', which 'a' does not have",
        ),
        (
            [q("a", "yes_no_unknown"), q("b", relevant="selected(${a}, 'maybe')")],
            "question 'b': 'relevant' tests option 'maybe'",
        ),
        (
            [q("a", "number"), q("b", relevant="selected(${a}, 'x')")],
            "question 'b': 'relevant' uses selected() on 'a', which is a number question",
        ),
        ([q("a", requried=True)], "question 'a': unknown key 'requried'"),
        ([q("a", options=[opt("x")])], "question 'a': unknown key 'options'"),
        ([q("a", "number", max_length=3)], "question 'a': unknown key 'max_length'"),
        ([q("a", "number", min=5, max=1)], "question 'a': 'min' (5) is greater than 'max' (1)"),
        ([q("a", "number", integer=True, min=0.5)], "'min' must be a whole number"),
        ([q("a", "number", min="0")], "question 'a': 'min' must be a number"),
        ([q("a", max_length=0)], "question 'a': 'max_length' must be a positive"),
        ([q("a", required="yes")], "question 'a': 'required' must be true or false"),
        ([q("a", label={"sv": "Bara svenska"})], "question 'a': 'label' needs a non-empty 'en'"),
        ([q("a", label={"sv": "x", "en": "x", "de": "x"})], "unknown language 'de'"),
        ([q("a", label="Text")], "question 'a': 'label' must be an object"),
        ([q("a", help={"sv": "", "en": "x"})], "question 'a': 'help' needs a non-empty 'sv'"),
        ([q("a", prefill="weather")], "question 'a': unknown prefill 'weather'"),
        ([q("a", prefill=["x"])], "question 'a': unknown prefill"),
        ([q("Bad")], "code 'Bad' must be lower-case"),
        (["not an object"], "question #1: must be an object"),
        ([], "section 'main': 'questions' must be a non-empty list"),
    ],
)
def test_definition_problems_name_the_question(questions, expected):
    problems = load_problems(minimal(*questions))
    assert any(expected in problem for problem in problems), problems


def test_definition_level_problems(tmp_path):
    data = minimal(q("a"))
    assert "'version' must look like" in load_problems(data | {"version": "1"})[0]
    assert "'valid_from_year'" in load_problems(data | {"valid_from_year": "2023"})[0]
    assert "unknown key 'extra'" in load_problems(data | {"extra": 1})[0]
    assert "'sections' must be" in load_problems(data | {"sections": []})[0]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([data]), encoding="utf-8")
    assert "must be a JSON object" in load_problems(listed)[0]
    two = copy.deepcopy(data)
    two["sections"].append({"code": "main", "title": T, "questions": [q("b")]})
    assert "section 'main': the section code is used twice" in load_problems(two)


def test_all_problems_are_reported_at_once():
    problems = load_problems(minimal(q("a", "date"), q("a"), q("c", relevant="answered(${zz})")))
    assert len(problems) == 3
    with pytest.raises(DefinitionError, match=r"3 problem\(s\)"):
        load_definition(minimal(q("a", "date"), q("a"), q("c", relevant="answered(${zz})")))


def test_a_broken_question_does_not_cause_misleading_reference_problems():
    problems = load_problems(minimal(q("a", "number", min="x"), q("b", relevant="${a} > 1")))
    assert problems == ["question 'a': 'min' must be a number"]


def test_localized_text_get():
    text = LocalizedText("Hej", "Hello")
    assert text.get("sv") == "Hej"
    assert text.get("en") == "Hello"
    assert text.get("en-gb") == "Hello"
    assert text.get("fi") == "Hej"


def test_every_problem_code_has_a_message():
    assert set(PROBLEM_MESSAGES) >= {
        "unknown_question",
        "required",
        "not_relevant",
        "invalid_type",
        "invalid_option",
        "not_integer",
        "min_value",
        "max_value",
        "max_length",
        "invalid_organisation",
    }


# --- validation per question type ---------------------------------------------------------

TYPES = load_definition(
    minimal(
        q("single", "single_choice", options=[opt("a"), opt("b"), opt("c")]),
        q("multi", "multiple_choice", options=[opt("a"), opt("b"), opt("c")]),
        q("ynu", "yes_no_unknown"),
        q("count", "number", integer=True, min=0, max=100),
        q("ratio", "number", min=-1.5, max=1.5),
        q("note", "text", max_length=50),
        q("orgs", "organisation_list"),
        q("later", "text", required=True, relevant="selected(${multi}, 'c') and ${count} > 10"),
    )
)
KNOWN_ORGS = frozenset({"kommun:0180", "kommun:0127", "lpo:jarva", "region", "tullverket"})

valid_values = {
    "single": st.sampled_from(["a", "b", "c"]),
    "multi": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=4),
    "ynu": st.sampled_from(["yes", "no", "unknown", True, False]),
    "count": st.one_of(
        st.integers(0, 100), st.integers(0, 100).map(str), st.integers(0, 100).map(float)
    ),
    "ratio": st.one_of(
        st.floats(-1.5, 1.5, allow_nan=False),
        st.decimals("-1.5", "1.5", allow_nan=False, allow_infinity=False, places=3),
        st.integers(-1, 1),
    ),
    "note": st.text(alphabet=st.characters(categories=("L",)) | st.just(" "), max_size=50),
    "orgs": st.lists(st.sampled_from(sorted(KNOWN_ORGS)), min_size=1, max_size=3),
}


@settings(max_examples=200)
@given(st.fixed_dictionaries({}, optional=valid_values))
def test_valid_answers_of_every_type(answers):
    if "later" in relevant_questions(TYPES, answers):
        answers["later"] = "Text"
    assert validate_answers(TYPES, answers, known_organisation_codes=KNOWN_ORGS) == {}
    cleaned = clean_answers(TYPES, answers, known_organisation_codes=KNOWN_ORGS)
    for code, value in cleaned.items():
        question = TYPES.question(code)
        if question.type is QuestionType.NUMBER:
            assert isinstance(value, int | float) and not isinstance(value, bool)
            if question.integer:
                assert isinstance(value, int)
        elif question.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.ORGANISATION_LIST):
            assert isinstance(value, list) and len(value) == len(set(value)) > 0
        else:
            assert isinstance(value, str) and value == value.strip() and value
    assert set(cleaned) <= set(answers)


invalid_values = {
    "single": st.one_of(
        st.text(min_size=1).filter(lambda s: s.strip() not in {"a", "b", "c", ""}),
        st.integers(),
        st.lists(st.just("a"), min_size=1),
    ),
    "multi": st.one_of(
        st.just("a"),
        st.lists(st.sampled_from(["a", "d", "zz"]), min_size=1).filter(lambda v: set(v) - {"a"}),
        st.lists(st.integers(), min_size=1),
    ),
    "ynu": st.one_of(st.sampled_from(["maybe", "ja", "Yes", "1"]), st.integers()),
    "count": st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=101),
        st.floats(0.1, 99.9).filter(lambda f: not f.is_integer()),
        st.just("12 st"),
        st.just(True),
        st.just(float("nan")),
        st.just([1]),
    ),
    "ratio": st.one_of(st.floats(min_value=1.51, allow_infinity=False), st.just("abc")),
    "note": st.one_of(
        st.text(alphabet="abc ", min_size=51).filter(lambda s: len(s.strip()) > 50),
        st.integers(),
        st.just(["text"]),
    ),
    "orgs": st.one_of(
        st.just("kommun:0180"),
        st.lists(st.sampled_from(["kommun:9999", "KOMMUN:0180", "lpo:", "x y"]), min_size=1),
    ),
}


@settings(max_examples=200)
@given(data=st.data(), code=st.sampled_from(sorted(invalid_values)))
def test_invalid_answers_of_every_type_are_reported_on_that_question(data, code):
    value = data.draw(invalid_values[code])
    problems = validate_answers(TYPES, {code: value}, known_organisation_codes=KNOWN_ORGS)
    assert set(problems) == {code}, problems
    assert problems[code]
    for problem in problems[code]:
        assert problem.code in PROBLEM_MESSAGES
        assert str(problem)  # the params fill the message
    with pytest.raises(AnswersError):
        clean_answers(TYPES, {code: value}, known_organisation_codes=KNOWN_ORGS)


@given(st.dictionaries(st.text(max_size=10), st.none() | st.text(max_size=5), max_size=4))
def test_unknown_keys_are_always_reported(answers):
    problems = validate_answers(TYPES, answers)
    for key in answers:
        if key not in TYPES:
            assert [p.code for p in problems[key]] == ["unknown_question"]


def test_organisation_codes_without_known_set_are_only_checked_for_shape():
    assert validate_answers(TYPES, {"orgs": ["kommun:9999", "lpo:ny-omrade"]}) == {}
    problems = validate_answers(TYPES, {"orgs": ["Kommun 0180"]})
    assert str(problems["orgs"][0]) == "Kommun 0180 is not a known organisation code."


def test_number_and_text_normalisation():
    cleaned = clean_answers(TYPES, {"count": " 12 ", "ratio": "0,5", "note": "  hej "})
    assert cleaned == {"count": 12, "ratio": 0.5, "note": "hej"}
    problems = validate_answers(TYPES, {"count": "1 000"})  # read as 1000
    assert str(problems["count"][0]) == "Enter a number less than or equal to 100."
    assert validate_answers(TYPES, {"count": "", "note": "   ", "multi": []}) == {}


def test_required_relevant_question_in_a_synthetic_definition():
    assert "later" not in relevant_questions(TYPES, {"multi": ["c"], "count": 5})
    assert codes_of(validate_answers(TYPES, {"multi": ["c"], "count": 50})) == {
        "later": ["required"]
    }
    # An invalid count counts as unanswered for relevance; only its own problem is reported.
    assert codes_of(validate_answers(TYPES, {"multi": ["c"], "count": "many"})) == {
        "count": ["invalid_type"]
    }
