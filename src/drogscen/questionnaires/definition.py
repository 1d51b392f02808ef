"""Versioned questionnaire definitions and validation of answers against them.

A definition is JSON data in the spirit of XLSForm (see ``definitions/v1.json``)::

    {
      "version": "2023.1",                      # YYYY.N; a published version never changes
      "title": {"sv": "...", "en": "..."},
      "valid_from_year": 2023,                   # first reference year it is used for
      "description": {"sv": "...", "en": "..."}, # optional
      "sections": [
        {"code": "place", "title": {"sv": "...", "en": "..."}, "questions": [
          {
            "code": "place_type",                # stable across versions: answers join on it
            "type": "single_choice",             # see QuestionType
            "label": {"sv": "...", "en": "..."},
            "help": {"sv": "...", "en": "..."},  # optional
            "required": false,                   # default false
            "relevant": "selected(${criteria}, 'public_sale')",   # optional skip logic
            "options": [{"code": "square", "label": {"sv": "Torg", "en": "Square"}}]
          }
        ]}
      ]
    }

Type-specific keys: ``options`` (``single_choice``, ``multiple_choice``; the options of
``yes_no_unknown`` are fixed: ``yes``, ``no``, ``unknown``), ``min``/``max``/``integer``
(``number``), ``max_length`` (``text``, default :data:`DEFAULT_TEXT_MAX_LENGTH`),
``allow_empty`` (``multiple_choice``, ``organisation_list``: an explicitly given empty
list is an answer, "none of these", and satisfies ``required``; a missing answer does
not). ``prefill`` (any type) names a value the application fills in before the user
answers; the known sources are :data:`PREFILL_SOURCES`. Unknown keys are errors, so a
misspelt ``"requried"`` cannot pass unnoticed.

Relevance expressions (:mod:`.expressions`) may only refer to questions that come
earlier, so relevance is decided in one pass in question order, and an answer to a
question that is itself not relevant counts as missing for the questions after it.

Answers are a dict ``question code → value``:

* ``single_choice``: an option code; ``yes_no_unknown``: ``"yes"``, ``"no"`` or
  ``"unknown"`` (``True``/``False`` are read as yes/no);
* ``multiple_choice`` and ``organisation_list``: a list of codes (duplicates are merged);
  organisation codes look like ``kommun:0180``, ``lpo:<slug>``, ``region``, and are
  checked against ``known_organisation_codes`` when the caller gives it;
* ``number``: an int, float, Decimal or numeric string (``"12"``, ``"1,5"``, ``"1 000"``);
* ``text``: a string, stripped, checked by :mod:`drogscen.core.personal_data`.

``None``, blank strings and empty lists are unanswered.

Irrelevant answers: :func:`validate_answers` (imports, API) reports an answer to a
question that is not relevant as an error (``not_relevant``) — the sender has
contradicted itself and should say which it meant. :func:`clean_answers` (forms, where
hidden fields keep stale values when the user changes an earlier answer) silently drops
them and returns the normalised answers.

Problems are :class:`ValidationProblem` objects with a stable ``code``, an English
default ``message`` with ``%(name)s`` placeholders and ``params``, the shape of Django's
``ValidationError(message, code=..., params=...)``, so the Django layer can translate the
message by its code.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from drogscen.core.personal_data import MESSAGES as PERSONAL_DATA_MESSAGES
from drogscen.core.personal_data import find_personal_data

from .expressions import Expression, ExpressionError, is_empty, parse

__all__ = [
    "BUILTIN_DEFINITIONS_DIR",
    "DEFAULT_TEXT_MAX_LENGTH",
    "LANGUAGES",
    "PREFILL_SOURCES",
    "PROBLEM_MESSAGES",
    "YES_NO_UNKNOWN_OPTIONS",
    "AnswersError",
    "DefinitionError",
    "LocalizedText",
    "Option",
    "Question",
    "QuestionType",
    "QuestionnaireDefinition",
    "Section",
    "ValidationProblem",
    "clean_answers",
    "load_builtin_definition",
    "load_definition",
    "relevant_questions",
    "validate_answers",
]

BUILTIN_DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
LANGUAGES = ("sv", "en")
DEFAULT_TEXT_MAX_LENGTH = 2000
#: Values the application knows how to prefill (``"prefill"`` key of a question).
PREFILL_SOURCES = frozenset({"nearest_station"})

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_VERSION = re.compile(r"[0-9]{4}\.[0-9]+")
_ORGANISATION_CODE = re.compile(r"[a-z][a-z_]*(?::[a-z0-9][a-z0-9_\-]*)?")
_NUMBER_TEXT = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO_UNKNOWN = "yes_no_unknown"
    NUMBER = "number"
    TEXT = "text"
    ORGANISATION_LIST = "organisation_list"


_LIST_TYPES = frozenset({QuestionType.MULTIPLE_CHOICE, QuestionType.ORGANISATION_LIST})
_OPTION_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
_COMMON_KEYS = frozenset({"code", "type", "label", "help", "required", "relevant", "prefill"})
_TYPE_KEYS: dict[QuestionType, frozenset[str]] = {
    QuestionType.SINGLE_CHOICE: frozenset({"options"}),
    QuestionType.MULTIPLE_CHOICE: frozenset({"options", "allow_empty"}),
    QuestionType.YES_NO_UNKNOWN: frozenset(),
    QuestionType.NUMBER: frozenset({"min", "max", "integer"}),
    QuestionType.TEXT: frozenset({"max_length"}),
    QuestionType.ORGANISATION_LIST: frozenset({"allow_empty"}),
}
_TOP_KEYS = frozenset({"version", "title", "valid_from_year", "description", "sections"})
_SECTION_KEYS = frozenset({"code", "title", "questions"})
_OPTION_KEYS = frozenset({"code", "label"})


# --- the definition model -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalizedText:
    sv: str
    en: str

    def get(self, language: str) -> str:
        """Text in ``language`` ("sv", "en", or a locale such as "en-gb"); Swedish otherwise."""
        return self.en if language.lower().startswith("en") else self.sv


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: LocalizedText


YES_NO_UNKNOWN_OPTIONS: tuple[Option, ...] = (
    Option("yes", LocalizedText("Ja", "Yes")),
    Option("no", LocalizedText("Nej", "No")),
    Option("unknown", LocalizedText("Vet ej", "Don't know")),
)


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    type: QuestionType
    label: LocalizedText
    section: str
    required: bool = False
    help: LocalizedText | None = None
    relevant: Expression | None = None
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int | None = None
    allow_empty: bool = False
    prefill: str | None = None

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: LocalizedText
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class QuestionnaireDefinition:
    version: str
    title: LocalizedText
    valid_from_year: int
    sections: tuple[Section, ...]
    description: LocalizedText | None = None
    #: The validated JSON it was loaded from (what a database row stores).
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _by_code: Mapping[str, Question] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def questions(self) -> tuple[Question, ...]:
        """All questions in order."""
        return tuple(q for section in self.sections for q in section.questions)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.questions)

    def question(self, code: str) -> Question:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.source))


class DefinitionError(ValueError):
    """A definition that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(
            f"invalid questionnaire definition ({len(self.problems)} problem(s)):\n{lines}"
        )


# --- loading ------------------------------------------------------------------------------


class _Loader:
    """Builds the model from JSON data, collecting every problem before failing."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}" if where else text)

    def keys(self, where: str, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
        for key in sorted(set(data) - allowed, key=str):
            self.problem(where, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")

    def text(
        self, where: str, data: Mapping[str, Any], key: str, *, required: bool = True
    ) -> LocalizedText | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, f"{key!r} is missing")
            return None
        if not isinstance(value, Mapping):
            self.problem(where, f"{key!r} must be an object with 'sv' and 'en' texts")
            return None
        for extra in sorted(set(value) - set(LANGUAGES), key=str):
            self.problem(where, f"{key!r} has an unknown language {extra!r}")
        texts = []
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.problem(where, f"{key!r} needs a non-empty {language!r} text")
                text = ""
            texts.append(text.strip())
        return LocalizedText(*texts)

    def code(self, where: str, value: Any) -> str | None:
        if not isinstance(value, str) or not _CODE.fullmatch(value):
            self.problem(
                where,
                f"code {value!r} must be lower-case letters, digits and '_', "
                "starting with a letter",
            )
            return None
        return value

    def number(self, where: str, data: Mapping[str, Any], key: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.problem(where, f"{key!r} must be a number")
            return None
        return value

    def flag(self, where: str, data: Mapping[str, Any], key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(where, f"{key!r} must be true or false")
            return False
        return value

    # ------------------------------------------------------------------------------------

    def definition(self, data: Any) -> QuestionnaireDefinition | None:
        if not isinstance(data, Mapping):
            self.problem("", "a definition must be a JSON object")
            return None
        self.keys("definition", data, _TOP_KEYS)
        version = data.get("version")
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            self.problem("definition", f"'version' must look like '2023.1', not {version!r}")
        title = self.text("definition", data, "title")
        description = self.text("definition", data, "description", required=False)
        year = data.get("valid_from_year")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            self.problem("definition", f"'valid_from_year' must be a year, not {year!r}")
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            self.problem("definition", "'sections' must be a non-empty list")
            raw_sections = []

        sections: list[Section] = []
        # Every question code seen so far, with None for a question that has problems (so
        # later references to it do not add misleading "unknown question" problems).
        by_code: dict[str, Question | None] = {}
        section_codes: set[str] = set()
        for index, raw_section in enumerate(raw_sections):
            section = self.section(index, raw_section, by_code, section_codes)
            if section is not None:
                sections.append(section)
        if self.problems:
            return None
        return QuestionnaireDefinition(
            version=version,
            title=title,  # type: ignore[arg-type]
            valid_from_year=year,  # type: ignore[arg-type]
            sections=tuple(sections),
            description=description,
            source=copy.deepcopy(dict(data)),
            _by_code={code: q for code, q in by_code.items() if q is not None},
        )

    def section(
        self,
        index: int,
        data: Any,
        by_code: dict[str, Question | None],
        section_codes: set[str],
    ) -> Section | None:
        where = f"section #{index + 1}"
        if not isinstance(data, Mapping):
            self.problem(where, "must be an object")
            return None
        code = self.code(where, data.get("code"))
        if code is not None:
            where = f"section {code!r}"
            if code in section_codes:
                self.problem(where, "the section code is used twice")
            section_codes.add(code)
        self.keys(where, data, _SECTION_KEYS)
        title = self.text(where, data, "title")
        raw_questions = data.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            self.problem(where, "'questions' must be a non-empty list")
            raw_questions = []
        questions = []
        for q_index, raw_question in enumerate(raw_questions):
            question = self.question(where, code or "", q_index, raw_question, by_code)
            if question is not None:
                questions.append(question)
        if code is None or title is None:
            return None
        return Section(code, title, tuple(questions))

    def question(
        self,
        section_where: str,
        section_code: str,
        index: int,
        data: Any,
        earlier: dict[str, Question | None],
    ) -> Question | None:
        where = f"{section_where}, question #{index + 1}"
        if not isinstance(data, Mapping):
            self.problem(where, "must be an object")
            return None
        code = self.code(where, data.get("code"))
        if code is None:
            return None
        where = f"question {code!r}"
        start = len(self.problems)
        if code in earlier:
            self.problem(where, "the question code is used twice")
        question = self._question(where, code, section_code, data, earlier)
        earlier.setdefault(code, question if len(self.problems) == start else None)
        return question if len(self.problems) == start else None

    def _question(
        self,
        where: str,
        code: str,
        section_code: str,
        data: Mapping[str, Any],
        earlier: Mapping[str, Question | None],
    ) -> Question | None:
        start = len(self.problems)
        raw_type = data.get("type")
        try:
            qtype = QuestionType(raw_type)
        except ValueError:
            known = ", ".join(t.value for t in QuestionType)
            self.problem(where, f"unknown type {raw_type!r} (known types: {known})")
            self.keys(where, data, _COMMON_KEYS | frozenset().union(*_TYPE_KEYS.values()))
            return None
        self.keys(where, data, _COMMON_KEYS | _TYPE_KEYS[qtype])
        label = self.text(where, data, "label")
        help_text = self.text(where, data, "help", required=False)
        required = self.flag(where, data, "required")
        allow_empty = self.flag(where, data, "allow_empty")
        integer = self.flag(where, data, "integer")
        prefill = data.get("prefill")
        if prefill is not None and (not isinstance(prefill, str) or prefill not in PREFILL_SOURCES):
            self.problem(
                where,
                f"unknown prefill {prefill!r} (known: {', '.join(sorted(PREFILL_SOURCES))})",
            )

        options: tuple[Option, ...] = ()
        if qtype in _OPTION_TYPES:
            options = self.options(where, data.get("options"))
        elif qtype is QuestionType.YES_NO_UNKNOWN:
            options = YES_NO_UNKNOWN_OPTIONS

        minimum = self.number(where, data, "min")
        maximum = self.number(where, data, "max")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(where, f"'min' ({minimum}) is greater than 'max' ({maximum})")
        if integer:
            for key, bound in (("min", minimum), ("max", maximum)):
                if bound is not None and not float(bound).is_integer():
                    self.problem(where, f"{key!r} must be a whole number when 'integer' is set")
        max_length = data.get("max_length")
        if qtype is QuestionType.TEXT:
            if max_length is None:
                max_length = DEFAULT_TEXT_MAX_LENGTH
            elif isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
                self.problem(where, "'max_length' must be a positive whole number")
                max_length = None

        relevant = None
        raw_relevant = data.get("relevant")
        if raw_relevant is not None:
            relevant = self.relevance(where, code, raw_relevant, earlier)

        if len(self.problems) > start or label is None:
            return None
        return Question(
            code=code,
            type=qtype,
            label=label,
            section=section_code,
            required=required,
            help=help_text,
            relevant=relevant,
            options=options,
            min=minimum,
            max=maximum,
            integer=integer,
            max_length=max_length,
            allow_empty=allow_empty,
            prefill=prefill,
        )

    def options(self, where: str, data: Any) -> tuple[Option, ...]:
        if not isinstance(data, list) or not data:
            self.problem(where, "choice questions need a non-empty 'options' list")
            return ()
        options = []
        seen: set[str] = set()
        for index, raw in enumerate(data):
            option_where = f"{where}, option #{index + 1}"
            if not isinstance(raw, Mapping):
                self.problem(option_where, "must be an object with 'code' and 'label'")
                continue
            code = self.code(option_where, raw.get("code"))
            if code is not None:
                option_where = f"{where}, option {code!r}"
                if code in seen:
                    self.problem(option_where, "the option code is used twice")
                seen.add(code)
            self.keys(option_where, raw, _OPTION_KEYS)
            label = self.text(option_where, raw, "label")
            if code is not None and label is not None:
                options.append(Option(code, label))
        return tuple(options)

    def relevance(
        self, where: str, code: str, source: Any, earlier: Mapping[str, Question | None]
    ) -> Expression | None:
        if not isinstance(source, str):
            self.problem(where, "'relevant' must be an expression string")
            return None
        try:
            expression = parse(source)
        except ExpressionError as error:
            self.problem(where, f"'relevant' is not a valid expression: {error}")
            return None
        ok = True
        for reference in sorted(expression.references):
            if reference == code:
                self.problem(where, "'relevant' refers to the question itself")
                ok = False
            elif reference not in earlier:
                self.problem(
                    where,
                    f"'relevant' refers to {reference!r}, which is not an earlier question "
                    "(relevance may only depend on questions that come before)",
                )
                ok = False
        for reference, option in sorted(expression.selected_options):
            target = earlier.get(reference)
            if target is None:
                continue
            if target.type is QuestionType.ORGANISATION_LIST:
                continue
            if target.type not in _OPTION_TYPES | {QuestionType.YES_NO_UNKNOWN}:
                self.problem(
                    where,
                    f"'relevant' uses selected() on {reference!r}, "
                    f"which is a {target.type.value} question",
                )
                ok = False
            elif option not in target.option_codes:
                self.problem(
                    where,
                    f"'relevant' tests option {option!r}, which {reference!r} does not have "
                    f"(options: {', '.join(target.option_codes)})",
                )
                ok = False
        return expression if ok else None


def load_definition(
    path_or_dict: str | os.PathLike[str] | Mapping[str, Any],
) -> QuestionnaireDefinition:
    """Load and check a definition from a JSON file path or already parsed data.

    Raises :class:`DefinitionError` listing every problem, each naming its section,
    question or option.
    """
    if isinstance(path_or_dict, str | os.PathLike):
        path = Path(path_or_dict)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise DefinitionError(
                [f"{path.name}: not valid JSON: {error.msg} (line {error.lineno})"]
            ) from error
    elif isinstance(path_or_dict, Mapping):
        data = path_or_dict
    else:
        raise TypeError(f"expected a path or a mapping, not {type(path_or_dict).__name__}")
    loader = _Loader()
    definition = loader.definition(data)
    if loader.problems or definition is None:
        raise DefinitionError(loader.problems)
    return definition


def load_builtin_definition(name: str = "v1") -> QuestionnaireDefinition:
    """One of the definitions shipped in ``definitions/`` (``v1`` → ``definitions/v1.json``)."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.startswith("."):
        raise ValueError(f"not a definition name: {name!r}")
    return load_definition(BUILTIN_DEFINITIONS_DIR / f"{name}.json")


# --- answers ------------------------------------------------------------------------------

#: Stable problem codes and their English default messages.
PROBLEM_MESSAGES: dict[str, str] = {
    "unknown_question": "There is no question %(code)s in questionnaire version %(version)s.",
    "required": "This question must be answered.",
    "not_relevant": "This question does not apply given the other answers; leave it empty.",
    "invalid_type": "Expected %(expected)s.",
    "invalid_option": "%(value)s is not one of the options of this question.",
    "not_integer": "Enter a whole number.",
    "min_value": "Enter a number greater than or equal to %(min)s.",
    "max_value": "Enter a number less than or equal to %(max)s.",
    "max_length": "Use at most %(max_length)s characters (this text has %(length)s).",
    "invalid_organisation": "%(value)s is not a known organisation code.",
    # code "personal_data": the message is the one of the kind found, see
    # drogscen.core.personal_data.MESSAGES; params: kind, excerpt.
}

_EXPECTED = {
    QuestionType.SINGLE_CHOICE: "one option code",
    QuestionType.MULTIPLE_CHOICE: "a list of option codes",
    QuestionType.YES_NO_UNKNOWN: "yes, no or unknown",
    QuestionType.NUMBER: "a number",
    QuestionType.TEXT: "a text",
    QuestionType.ORGANISATION_LIST: "a list of organisation codes",
}


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """One problem with one answer. ``str()`` gives the English message with its params."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.message % dict(self.params) if self.params else self.message


def _problem(problem_code: str, /, **params: Any) -> ValidationProblem:
    return ValidationProblem(problem_code, PROBLEM_MESSAGES[problem_code], params)


class AnswersError(ValueError):
    """Raised by :func:`clean_answers`; ``problems`` maps question codes to problems."""

    def __init__(self, problems: dict[str, list[ValidationProblem]]):
        self.problems = problems
        summary = "; ".join(
            f"{code}: {', '.join(str(p) for p in items)}" for code, items in problems.items()
        )
        super().__init__(f"invalid answers: {summary}")


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, str):
        text = re.sub(r"[\s\u00a0]", "", value)
        if _NUMBER_TEXT.fullmatch(text):
            try:
                if "," in text or "." in text:
                    return float(Decimal(text.replace(",", ".")))
                return int(text)
            except (InvalidOperation, ValueError, OverflowError):  # pragma: no cover
                return None
    return None


def _code_list(value: Any) -> list[str] | None:
    if isinstance(value, list | tuple | set | frozenset) and all(
        isinstance(item, str) for item in value
    ):
        items = sorted(value) if isinstance(value, set | frozenset) else list(value)
        return list(dict.fromkeys(item.strip() for item in items))
    return None


def _normalise(
    question: Question, value: Any, known_organisations: AbstractSet[str] | None
) -> tuple[Any, list[ValidationProblem]]:
    """(normalised value or None when unanswered, problems) for one answer."""
    qtype = question.type
    if value is None:
        return None, []
    invalid = [_problem("invalid_type", expected=_EXPECTED[qtype])]

    if qtype is QuestionType.TEXT:
        if not isinstance(value, str):
            return None, invalid
        text = value.strip()
        if not text:
            return None, []
        problems = []
        if question.max_length is not None and len(text) > question.max_length:
            problems.append(
                _problem("max_length", max_length=question.max_length, length=len(text))
            )
        for finding in find_personal_data(text):
            problems.append(
                ValidationProblem(
                    "personal_data",
                    PERSONAL_DATA_MESSAGES[finding.kind],
                    {"kind": finding.kind.value, "excerpt": finding.excerpt},
                )
            )
        return text, problems

    if qtype is QuestionType.NUMBER:
        if isinstance(value, str) and not value.strip():
            return None, []
        number = _number(value)
        if number is None:
            return None, invalid
        problems = []
        if question.integer and isinstance(number, float):
            if number.is_integer():
                number = int(number)
            else:
                problems.append(_problem("not_integer"))
        if question.min is not None and number < question.min:
            problems.append(_problem("min_value", min=question.min))
        if question.max is not None and number > question.max:
            problems.append(_problem("max_value", max=question.max))
        return number, problems

    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.YES_NO_UNKNOWN):
        if qtype is QuestionType.YES_NO_UNKNOWN and isinstance(value, bool):
            return ("yes" if value else "no"), []
        if not isinstance(value, str):
            return None, invalid
        code = value.strip()
        if not code:
            return None, []
        if code not in question.option_codes:
            return None, [_problem("invalid_option", value=code)]
        return code, []

    # multiple_choice, organisation_list
    codes = _code_list(value)
    if codes is None:
        return None, invalid
    codes = [code for code in codes if code]
    if not codes:
        return ([] if question.allow_empty else None), []
    problems = []
    if qtype is QuestionType.MULTIPLE_CHOICE:
        allowed = question.option_codes
        problems = [_problem("invalid_option", value=code) for code in codes if code not in allowed]
    else:
        problems = [
            _problem("invalid_organisation", value=code)
            for code in codes
            if not _ORGANISATION_CODE.fullmatch(code)
            or (known_organisations is not None and code not in known_organisations)
        ]
    return codes, problems


def _check(
    definition: QuestionnaireDefinition,
    answers: Mapping[str, Any],
    known_organisations: AbstractSet[str] | None,
) -> tuple[dict[str, Any], list[str], dict[str, list[ValidationProblem]]]:
    """(normalised answers, relevant codes, problems except not_relevant)."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping, not {type(answers).__name__}")
    problems: dict[str, list[ValidationProblem]] = {}
    for code in answers:
        if code not in definition:
            problems[str(code)] = [
                _problem("unknown_question", code=str(code), version=definition.version)
            ]
    normalised: dict[str, Any] = {}
    for question in definition.questions:
        value, found = _normalise(question, answers.get(question.code), known_organisations)
        if found:
            problems[question.code] = found
        elif value is not None:
            normalised[question.code] = value
    # One pass in question order: relevance only reads earlier questions, and an earlier
    # question that is not relevant contributes no answer.
    effective: dict[str, Any] = {}
    relevant: list[str] = []
    for question in definition.questions:
        if question.relevant is None or question.relevant.evaluate(effective):
            relevant.append(question.code)
            if question.code in normalised:
                effective[question.code] = normalised[question.code]
            elif question.required and question.code not in problems:
                problems[question.code] = [_problem("required")]
    return normalised, relevant, problems


def relevant_questions(
    definition: QuestionnaireDefinition, answers: Mapping[str, Any]
) -> list[str]:
    """Codes of the questions that apply given ``answers``, in question order.

    Answers that fail validation count as missing.
    """
    return _check(definition, answers, None)[1]


def validate_answers(
    definition: QuestionnaireDefinition,
    answers: Mapping[str, Any],
    *,
    known_organisation_codes: AbstractSet[str] | None = None,
) -> dict[str, list[ValidationProblem]]:
    """Problems per question code (or unknown key); an empty dict means valid.

    Checks: unknown question codes; types, option codes, number bounds, text length and
    personal data; relevant required questions answered; questions that are not relevant
    left empty (``not_relevant``, replacing any other problem of that answer).
    """
    _normalised, relevant, problems = _check(definition, answers, known_organisation_codes)
    relevant_set = set(relevant)
    for question in definition.questions:
        if question.code not in relevant_set and not is_empty(answers.get(question.code)):
            problems[question.code] = [_problem("not_relevant")]
    order = {code: index for index, code in enumerate(definition.codes)}
    return dict(sorted(problems.items(), key=lambda item: order.get(item[0], len(order))))


def clean_answers(
    definition: QuestionnaireDefinition,
    answers: Mapping[str, Any],
    *,
    known_organisation_codes: AbstractSet[str] | None = None,
) -> dict[str, Any]:
    """Normalised answers of the relevant, answered questions, in question order.

    Answers to questions that are not relevant are dropped (a form keeps hidden values
    around); every other problem raises :class:`AnswersError`.
    """
    normalised, relevant, problems = _check(definition, answers, known_organisation_codes)
    relevant_set = set(relevant)
    problems = {
        code: items
        for code, items in problems.items()
        if code not in definition or code in relevant_set
    }
    if problems:
        raise AnswersError(problems)
    return {code: normalised[code] for code in relevant if code in normalised}
