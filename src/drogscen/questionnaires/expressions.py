"""Relevance (skip-logic) expressions for questionnaire definitions.

A question's ``relevant`` expression decides whether it is asked, in the spirit of
XLSForm's ``relevant`` column. Expressions are parsed once (when a definition is loaded)
and evaluated against a mapping's answers; nothing is ever passed to ``eval``.

Grammar (whitespace between tokens is ignored)::

    expression  := or_expr END
    or_expr     := and_expr ( "or" and_expr )*
    and_expr    := not_expr ( "and" not_expr )*
    not_expr    := "not" not_expr | comparison
    comparison  := operand ( ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) operand )?
    operand     := reference | string | number | boolean | call | "(" or_expr ")"
    reference   := "${" code "}"                       code: [A-Za-z_][A-Za-z0-9_]*
    string      := "'" any but "'" "'"  |  '"' any but '"' '"'
    number      := "-"? digits ( "." digits )?
    boolean     := "true" | "false"                    ("true()" / "false()" also accepted)
    call        := "selected" "(" reference "," string ")"
                 | "count_selected" "(" reference ")"  ("count-selected" also accepted)
                 | "answered" "(" reference ")"

``not (x)`` and XLSForm's ``not(x)`` are the same thing. Comparisons do not chain.
The operands of ``and``, ``or``, ``not`` and the whole expression must be conditions
(a comparison, ``selected()``, ``answered()``, ``true``/``false`` or a combination of
those); a bare ``${code}`` is rejected, so every expression says what it tests.

Evaluation (``answers`` maps question codes to values: str, numbers, bools, or lists of
option codes for multiple choice):

* A missing answer is ``None``, a blank string or an empty list. ``selected()`` on it is
  false, ``count_selected()`` is 0, ``answered()`` is false, and *every* comparison
  involving it is false (``!=`` included): test for absence with ``not answered(...)``.
* ``selected(${q}, 'x')`` is true when a multiple-choice answer contains ``'x'`` or a
  single answer equals ``'x'``. ``count_selected(${q})`` is the number of chosen options
  (1 for an answered single-choice question).
* Comparisons are numeric when both sides are numbers or numeric strings (``"12"``,
  ``"1,5"``); otherwise two strings (or two booleans) are compared for (in)equality only,
  and ordering is false. A list is never compared: use ``selected()``/``count_selected()``.
  Values of different kinds are never equal (``=`` false, ``!=`` true).

Any other input raises :class:`ExpressionError` naming the position; no other exception
escapes :func:`parse`.

The parser is a hand-written recursive descent: the grammar is tiny, and no well-kept
Python library evaluates XLSForm relevance without heavy dependencies (pyxform and
friends need the whole XForm stack). Nesting is limited so hostile input cannot exhaust
the stack.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "And",
    "Call",
    "Compare",
    "Expression",
    "ExpressionError",
    "Literal",
    "Node",
    "Not",
    "Or",
    "Reference",
    "is_empty",
    "parse",
]

#: Deepest nesting of parentheses / ``not`` / calls accepted.
MAX_DEPTH = 32
#: Longest expression accepted, in characters.
MAX_LENGTH = 2000

#: Function name → (canonical name, arity).
FUNCTIONS: dict[str, tuple[str, int]] = {
    "selected": ("selected", 2),
    "count_selected": ("count_selected", 1),
    "count-selected": ("count_selected", 1),
    "answered": ("answered", 1),
}
_CONDITION_FUNCTIONS = frozenset({"selected", "answered"})
_KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
_COMPARISON_OPERATORS = ("<=", ">=", "!=", "=", "<", ">")


class ExpressionError(ValueError):
    """An expression that does not follow the grammar; ``position`` is a 0-based offset."""

    def __init__(self, reason: str, position: int, source: str):
        self.reason = reason
        self.position = position
        self.source = source
        shown = source if len(source) <= 80 else source[:77] + "..."
        super().__init__(f"{reason} at position {position} in expression {shown!r}")


# --- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # ref, string, number, name, op, "(", ")", ",", end
    value: str
    position: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ref>\$\{(?P<code>[A-Za-z_][A-Za-z0-9_]*)\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_.]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)


def _tokenize(source: str) -> list[_Token]:
    tokens = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            ch = source[position]
            if ch in "'\"":
                raise ExpressionError("unterminated string", position, source)
            if ch == "$":
                raise ExpressionError("malformed reference, expected ${code}", position, source)
            raise ExpressionError(f"unexpected character {ch!r}", position, source)
        kind = match.lastgroup
        if kind == "code":  # the inner group of "ref" can be reported as lastgroup
            kind = "ref"
        if kind == "ref":
            tokens.append(_Token("ref", match["code"], position))
        elif kind == "string":
            tokens.append(_Token("string", match["string"][1:-1], position))
        elif kind == "punct":
            tokens.append(_Token(match["punct"], match["punct"], position))
        elif kind != "ws":
            tokens.append(_Token(kind, match.group(kind), position))
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


# --- syntax tree --------------------------------------------------------------------------

_MISSING = object()


def is_empty(value: Any) -> bool:
    """Whether an answer counts as missing: None, a blank string or an empty collection."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return len(value) == 0
    return False


def _as_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", text):
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() and "." not in text else number
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Node:
    """Base class of the syntax tree; subclasses are frozen dataclasses."""

    is_condition = False

    def evaluate(self, answers: Mapping[str, Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_source(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: str | int | float | bool

    @property
    def is_condition(self) -> bool:  # type: ignore[override]
        return isinstance(self.value, bool)

    def evaluate(self, answers: Mapping[str, Any]) -> Any:
        return self.value

    def to_source(self) -> str:
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        if isinstance(self.value, str):
            quote = "'" if "'" not in self.value else '"'
            return f"{quote}{self.value}{quote}"
        # Decimal formatting never uses an exponent, which the grammar has no room for.
        return format(Decimal(repr(self.value)), "f")


@dataclass(frozen=True, slots=True)
class Reference(Node):
    code: str

    def evaluate(self, answers: Mapping[str, Any]) -> Any:
        value = answers.get(self.code)
        return _MISSING if is_empty(value) else value

    def to_source(self) -> str:
        return "${" + self.code + "}"


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str  # canonical name
    args: tuple[Node, ...]

    @property
    def is_condition(self) -> bool:  # type: ignore[override]
        return self.name in _CONDITION_FUNCTIONS

    def children(self) -> tuple[Node, ...]:
        return self.args

    def evaluate(self, answers: Mapping[str, Any]) -> Any:
        value = self.args[0].evaluate(answers)
        if self.name == "answered":
            return value is not _MISSING
        if self.name == "count_selected":
            if value is _MISSING:
                return 0
            if isinstance(value, list | tuple | set | frozenset):
                return len(value)
            return 1
        # selected
        option = self.args[1].evaluate(answers)
        if value is _MISSING:
            return False
        if isinstance(value, list | tuple | set | frozenset):
            return any(_as_text(item) == option for item in value)
        return _as_text(value) == option

    def to_source(self) -> str:
        return f"{self.name}({', '.join(arg.to_source() for arg in self.args)})"


@dataclass(frozen=True, slots=True)
class Compare(Node):
    operator: str
    left: Node
    right: Node
    is_condition = True

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        left = self.left.evaluate(answers)
        right = self.right.evaluate(answers)
        if left is _MISSING or right is _MISSING:
            return False
        collections = list | tuple | set | frozenset
        if isinstance(left, collections) or isinstance(right, collections):
            return False
        op = self.operator
        left_number, right_number = _as_number(left), _as_number(right)
        if left_number is not None and right_number is not None:
            return {
                "=": left_number == right_number,
                "!=": left_number != right_number,
                "<": left_number < right_number,
                "<=": left_number <= right_number,
                ">": left_number > right_number,
                ">=": left_number >= right_number,
            }[op]
        same_kind = (isinstance(left, str) and isinstance(right, str)) or (
            isinstance(left, bool) and isinstance(right, bool)
        )
        if op == "=":
            return same_kind and left == right
        if op == "!=":
            return not (same_kind and left == right)
        return False

    def to_source(self) -> str:
        return f"{self.left.to_source()} {self.operator} {self.right.to_source()}"


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Node
    is_condition = True

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return not self.operand.evaluate(answers)

    def to_source(self) -> str:
        return f"not ({self.operand.to_source()})"


@dataclass(frozen=True, slots=True)
class And(Node):
    operands: tuple[Node, ...]
    is_condition = True

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return all(operand.evaluate(answers) for operand in self.operands)

    def to_source(self) -> str:
        return " and ".join(f"({operand.to_source()})" for operand in self.operands)


@dataclass(frozen=True, slots=True)
class Or(Node):
    operands: tuple[Node, ...]
    is_condition = True

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return any(operand.evaluate(answers) for operand in self.operands)

    def to_source(self) -> str:
        return " or ".join(f"({operand.to_source()})" for operand in self.operands)


# --- parser -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, reason: str, token: _Token | None = None) -> ExpressionError:
        token = token or self.current
        return ExpressionError(reason, token.position, self.source)

    def describe(self, token: _Token) -> str:
        if token.kind == "end":
            return "end of expression"
        if token.kind == "ref":
            return "${" + token.value + "}"
        if token.kind == "string":
            return f"string {token.value!r}"
        return repr(token.value)

    def advance(self) -> _Token:
        token = self.current
        if token.kind != "end":
            self.index += 1
        return token

    def is_name(self, *names: str) -> bool:
        return self.current.kind == "name" and self.current.value in names

    def expect(self, kind: str, what: str) -> _Token:
        if self.current.kind != kind:
            raise self.error(f"expected {what}, found {self.describe(self.current)}")
        return self.advance()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_DEPTH} levels")

    def leave(self) -> None:
        self.depth -= 1

    def condition(self, node: Node, token: _Token) -> Node:
        if not node.is_condition:
            raise self.error(
                f"expected a condition, found the value {node.to_source()}"
                " (compare it, or use selected() / answered())",
                token,
            )
        return node

    # Grammar rules ----------------------------------------------------------------------

    def parse(self) -> Node:
        start = self.current
        node = self.condition(self.or_expr(), start)
        if self.current.kind != "end":
            raise self.error(f"unexpected {self.describe(self.current)}")
        return node

    def or_expr(self) -> Node:
        start = self.current
        operands = [self.and_expr()]
        if self.is_name("or"):
            self.condition(operands[0], start)
        while self.is_name("or"):
            self.advance()
            token = self.current
            operands.append(self.condition(self.and_expr(), token))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Node:
        start = self.current
        operands = [self.not_expr()]
        if self.is_name("and"):
            self.condition(operands[0], start)
        while self.is_name("and"):
            self.advance()
            token = self.current
            operands.append(self.condition(self.not_expr(), token))
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Node:
        if self.is_name("not"):
            self.advance()
            self.enter()
            token = self.current
            node = Not(self.condition(self.not_expr(), token))
            self.leave()
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left_token = self.current
        left = self.operand()
        if self.current.kind != "op":
            return left
        operator = self.advance().value
        right_token = self.current
        right = self.operand()
        for node, token in ((left, left_token), (right, right_token)):
            if node.is_condition and not isinstance(node, Literal):
                raise self.error(f"cannot compare the condition {node.to_source()}", token)
        if self.current.kind == "op":
            raise self.error("comparisons cannot be chained; combine them with 'and'")
        return Compare(operator, left, right)

    def operand(self) -> Node:
        token = self.current
        if token.kind == "ref":
            self.advance()
            return Reference(token.value)
        if token.kind == "string":
            self.advance()
            return Literal(token.value)
        if token.kind == "number":
            self.advance()
            text = token.value
            if "." not in text:
                return Literal(int(text))
            number = float(text)
            if not math.isfinite(number):
                raise self.error("number too large", token)
            return Literal(number)
        if token.kind == "(":
            self.advance()
            self.enter()
            node = self.or_expr()
            self.leave()
            self.expect(")", "')'")
            return node
        if token.kind == "name":
            if token.value in ("true", "false"):
                self.advance()
                if self.current.kind == "(":  # XPath style true() / false()
                    self.advance()
                    self.expect(")", "')'")
                return Literal(token.value == "true")
            if token.value in FUNCTIONS:
                return self.call()
            if token.value in _KEYWORDS:
                raise self.error(f"unexpected {token.value!r}")
            raise self.error(f"unknown name {token.value!r} (references are written ${{code}})")
        raise self.error(f"expected a value, found {self.describe(token)}")

    def call(self) -> Node:
        name_token = self.advance()
        name, arity = FUNCTIONS[name_token.value]
        self.expect("(", f"'(' after {name_token.value}")
        self.enter()
        reference = self.expect("ref", f"a ${{code}} reference as the first argument of {name}()")
        args: list[Node] = [Reference(reference.value)]
        if arity == 2:
            self.expect(",", f"',' and an option code in {name}()")
            option = self.expect("string", f"an option code in quotes in {name}()")
            args.append(Literal(option.value))
        self.expect(")", f"')' to close {name}()")
        self.leave()
        return Call(name, tuple(args))


# --- public API ---------------------------------------------------------------------------


def _walk(node: Node):
    yield node
    for child in node.children():
        yield from _walk(child)


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed relevance expression.

    ``references`` are the question codes it reads; ``selected_options`` the
    ``(code, option)`` pairs tested with ``selected()``, so a definition can check that
    those options exist.
    """

    source: str
    root: Node
    references: frozenset[str]
    selected_options: frozenset[tuple[str, str]]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return bool(self.root.evaluate(answers))

    @property
    def canonical(self) -> str:
        """Fully parenthesised source; ``parse(e.canonical).root == e.root``."""
        return self.root.to_source()

    def __str__(self) -> str:
        return self.source


def parse(source: str) -> Expression:
    """Parse a relevance expression; raise :class:`ExpressionError` if it is not valid."""
    if not isinstance(source, str):
        raise ExpressionError("expression must be a string", 0, repr(source))
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters", 0, source)
    if not source.strip():
        raise ExpressionError("empty expression", 0, source)
    root = _Parser(source).parse()
    nodes = list(_walk(root))
    references = frozenset(node.code for node in nodes if isinstance(node, Reference))
    selected_options = frozenset(
        (node.args[0].code, node.args[1].value)  # type: ignore[attr-defined]
        for node in nodes
        if isinstance(node, Call) and node.name == "selected"
    )
    return Expression(source, root, references, selected_options)
