"""The relevance expression parser and evaluator."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drogscen.questionnaires.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    parse,
)

# --- parsing ------------------------------------------------------------------------------


def test_references_and_selected_options_are_collected():
    expression = parse(
        "selected(${criteria}, 'public_sale') or (count_selected(${methods}) > 0 "
        "and not answered(${notes}))"
    )
    assert expression.references == {"criteria", "methods", "notes"}
    assert expression.selected_options == {("criteria", "public_sale")}
    assert str(expression) == expression.source


@pytest.mark.parametrize(
    "source",
    [
        "${a} = 'x'",
        "${a}='x'",
        '${a} = "x"',
        "${n} >= 10",
        "${n} < -2.5",
        "not(${a} = 'x')",
        "not ${a} = 'x'",
        "true",
        "false()",
        "true() and ${n} != 3",
        "count-selected(${m}) >= 2",
        "answered(${a}) or answered(${b}) or answered(${c})",
        "((${a} = 'x'))",
        "selected(${m},'x')and selected(${m},'y')",
        "  answered( ${a} )  ",
    ],
)
def test_valid_expressions_parse(source):
    expression = parse(source)
    assert parse(expression.canonical).root == expression.root


@pytest.mark.parametrize(
    ("source", "position", "reason"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("${a}", 0, "expected a condition"),
        ("${a} and ${b} = 1", 0, "expected a condition"),
        ("${a} = 1 and 3", 13, "expected a condition"),
        ("not 'x'", 4, "expected a condition"),
        ("${a} = 1 = 2", 9, "chained"),
        ("${a} == 1", 6, "expected a value"),
        ("${a} = ", 7, "expected a value"),
        ("(${a} = 1", 9, "expected ')'"),
        ("${a} = 1)", 8, "unexpected ')'"),
        ("${a b} = 1", 0, "malformed reference"),
        ("$a = 1", 0, "malformed reference"),
        ("${a} = 'x", 7, "unterminated string"),
        ("foo(${a})", 0, "unknown name 'foo'"),
        ("a = 1", 0, "unknown name 'a'"),
        ("selected(${a})", 13, "expected ','"),
        ("selected(${a}, x)", 15, "option code in quotes"),
        ("selected('a', 'x')", 9, "reference as the first argument"),
        ("answered(${a}, 'x')", 13, "expected ')'"),
        ("selected(${a}, 'x') = true", 0, "cannot compare the condition"),
        ("${a} = 1 and", 12, "expected a value"),
        ("and ${a} = 1", 0, "unexpected 'and'"),
        ("${a} = 1e5", 7, "unexpected character '1'"),
        ("__import__('os')", 0, "unknown name"),
        ("${a}.__class__ = 1", 4, "unexpected character '.'"),
        ("${a} = 1 + 1", 9, "unexpected character '+'"),
    ],
)
def test_invalid_expressions_name_the_position(source, position, reason):
    with pytest.raises(ExpressionError) as info:
        parse(source)
    assert info.value.position == position
    assert reason in info.value.reason
    assert f"position {position}" in str(info.value)


def test_nesting_and_length_are_limited():
    parse("(" * MAX_DEPTH + "true" + ")" * MAX_DEPTH)
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse("(" * (MAX_DEPTH + 1) + "true" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse("not " * (MAX_DEPTH + 1) + "true")
    with pytest.raises(ExpressionError, match="longer than"):
        parse("true or " * MAX_LENGTH + "true")


def test_non_strings_are_rejected():
    with pytest.raises(ExpressionError):
        parse(None)  # type: ignore[arg-type]


# --- evaluation ---------------------------------------------------------------------------

SCENE = "selected(${criteria}, 'public_sale') or selected(${criteria}, 'public_use')"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"criteria": ["public_sale"]}, True),
        ({"criteria": ["persistent", "public_use"]}, True),
        ({"criteria": ["persistent"]}, False),
        ({"criteria": []}, False),
        ({"criteria": None}, False),
        ({}, False),
        ({"criteria": "public_use"}, True),  # single choice: equals
        ({"criteria": "public_usex"}, False),
    ],
)
def test_selected_on_multiple_and_single_choice(answers, expected):
    assert parse(SCENE).evaluate(answers) is expected


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("count_selected(${m}) > 0", {"m": ["a"]}, True),
        ("count_selected(${m}) > 0", {"m": []}, False),
        ("count_selected(${m}) = 0", {}, True),
        ("count_selected(${m}) = 1", {"m": "a"}, True),
        ("count_selected(${m}) >= 2", {"m": ("a", "b")}, True),
        ("answered(${t})", {"t": "text"}, True),
        ("answered(${t})", {"t": "   "}, False),
        ("answered(${t})", {"t": 0}, True),
        ("answered(${t})", {"t": False}, True),
        ("not answered(${t})", {}, True),
        ("selected(${y}, 'yes')", {"y": "yes"}, True),
        ("selected(${y}, 'yes')", {"y": "no"}, False),
        ("selected(${y}, 'true')", {"y": True}, True),
    ],
)
def test_functions(source, answers, expected):
    assert parse(source).evaluate(answers) is expected


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("${n} >= 10", {"n": 12}, True),
        ("${n} >= 10", {"n": "12"}, True),  # numeric strings from forms
        ("${n} > 1.5", {"n": "1,75"}, True),  # Swedish decimal comma
        ("${n} < 10", {"n": 12.0}, False),
        ("${n} = 3", {"n": 3.0}, True),
        ("${n} = '3'", {"n": 3}, True),
        ("${n} >= 10", {}, False),
        ("${n} < 10", {}, False),
        ("${n} != 10", {}, False),  # every comparison with a missing answer is false
        ("${s} = 'other'", {"s": "other"}, True),
        ("${s} != 'other'", {"s": "cannabis"}, True),
        ("${s} < 'z'", {"s": "a"}, False),  # strings are not ordered
        ("${s} = 1", {"s": "one"}, False),
        ("${s} != 1", {"s": "one"}, True),
        ("${m} = 'a'", {"m": ["a"]}, False),  # lists are never compared
        ("${m} != 'a'", {"m": ["a"]}, False),
        ("${b} = true", {"b": True}, True),
        ("${b} != true", {"b": False}, True),
        ("${b} = 1", {"b": True}, False),  # booleans are not numbers
        ("${a} = ${b}", {"a": "x", "b": "x"}, True),
        ("${a} = ${b}", {"a": "x"}, False),
        ("true = true", {}, True),
        ("1 < 2", {}, True),
    ],
)
def test_comparisons(source, answers, expected):
    assert parse(source).evaluate(answers) is expected


def test_boolean_operators_and_precedence():
    answers = {"a": "x", "n": 5}
    assert parse("${a} = 'x' and ${n} > 3").evaluate(answers)
    assert not parse("${a} = 'y' and ${n} > 3").evaluate(answers)
    assert parse("${a} = 'y' or ${n} > 3").evaluate(answers)
    # and binds tighter than or; not binds tighter than and
    assert parse("${a} = 'x' or ${a} = 'y' and ${n} > 100").evaluate(answers)
    assert not parse("(${a} = 'x' or ${a} = 'y') and ${n} > 100").evaluate(answers)
    assert not parse("not ${a} = 'x' and ${n} > 3").evaluate(answers)
    assert parse("not (${a} = 'x' and ${n} > 100)").evaluate(answers)


def test_evaluation_never_mutates_answers():
    answers = {"m": ["a", "b"], "n": "3"}
    parse("selected(${m}, 'a') and count_selected(${m}) = 2 and ${n} = 3").evaluate(answers)
    assert answers == {"m": ["a", "b"], "n": "3"}


# --- properties ---------------------------------------------------------------------------

codes = st.sampled_from(["a", "b", "criteria", "n", "m_2"])
options = st.sampled_from(["x", "y", "public_sale", "other", "o'k"])
numbers = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False))


def _string(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


values = st.one_of(
    codes.map(lambda c: "${" + c + "}"),
    options.map(_string),
    numbers.map(lambda n: format(n, "f") if isinstance(n, float) else str(n)),
    codes.map(lambda c: "count_selected(${" + c + "})"),
)
conditions_base = st.one_of(
    st.tuples(values, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), values).map(" ".join),
    st.tuples(codes, options).map(lambda t: "selected(${" + t[0] + "}, " + _string(t[1]) + ")"),
    codes.map(lambda c: "answered(${" + c + "})"),
    st.sampled_from(["true", "false", "true()"]),
)
conditions = st.recursive(
    conditions_base,
    lambda inner: st.one_of(
        inner.map(lambda c: f"not ({c})"),
        inner.map(lambda c: f"not({c})"),
        inner.map(lambda c: f"({c})"),
        st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map("".join),
    ),
    max_leaves=12,
)
answer_values = st.one_of(
    st.none(),
    st.text(max_size=5),
    options,
    numbers,
    st.booleans(),
    st.lists(options, max_size=3),
)
answer_sets = st.dictionaries(codes, answer_values, max_size=5)


@settings(max_examples=300)
@given(source=conditions, answers=answer_sets)
def test_generated_expressions_round_trip_and_evaluate(source, answers):
    expression = parse(source)
    assert isinstance(expression.evaluate(answers), bool)
    again = parse(expression.canonical)
    assert again.root == expression.root
    assert again.references == expression.references
    assert again.evaluate(answers) == expression.evaluate(answers)


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="${}()'\",=!<>abcdenotrsl_ 0123456789.-", max_size=60),
        st.lists(
            st.sampled_from(
                [
                    "${a}",
                    "(",
                    ")",
                    "and",
                    "or",
                    "not",
                    "=",
                    "<=",
                    "'x'",
                    "1",
                    ",",
                    "selected",
                    "count_selected",
                    "answered",
                    "true",
                    "${",
                    "}",
                    "-",
                    "1.5",
                    '"y"',
                ]
            ),
            max_size=15,
        ).map(" ".join),
    )
)
def test_junk_either_parses_or_raises_expression_error(source):
    try:
        expression = parse(source)
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)
    else:
        assert isinstance(expression.evaluate({}), bool)
        assert isinstance(expression.evaluate({"a": ["x"]}), bool)
