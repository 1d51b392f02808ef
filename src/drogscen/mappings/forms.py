"""The mapping form, built from the questionnaire version's definition: one field per
question, labels in the user's language, relevance decided on the server."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from drogscen.accounts.models import Organisation
from drogscen.questionnaires.definition import (
    YES_NO_UNKNOWN_OPTIONS,
    Question,
    QuestionnaireDefinition,
    QuestionType,
    relevant_questions,
)

PERSONAL_DATA_RULE = _(
    "Do not write personal data: no names, personal identity numbers, phone numbers or "
    "e-mail addresses."
)
SHOWN_SUFFIX = "__shown"


def _rule_in_every_language() -> set[str]:
    texts = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(PERSONAL_DATA_RULE))
    return texts


def help_without_rule(text: str) -> str:
    """A question's own help text without the personal-data rule, which the form shows
    beside every free-text field anyway (version 1's help texts repeat it)."""
    for rule in _rule_in_every_language():
        text = text.replace(rule, "")
    return " ".join(text.split())


def _choices(question: Question, language: str) -> list[tuple[str, str]]:
    options = question.options or YES_NO_UNKNOWN_OPTIONS
    return [(option.code, option.label.get(language)) for option in options]


def question_field(question: Question, language: str, organisations) -> forms.Field:
    label = question.label.get(language)
    help_text = question.help.get(language) if question.help else ""
    common = {"label": label, "required": False, "help_text": help_text}
    kind = question.type
    if kind in {QuestionType.SINGLE_CHOICE, QuestionType.YES_NO_UNKNOWN}:
        return forms.ChoiceField(
            choices=_choices(question, language), widget=forms.RadioSelect, **common
        )
    if kind == QuestionType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choices(question, language), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionType.ORGANISATION_LIST:
        return forms.MultipleChoiceField(
            choices=[(o.code, o.name) for o in organisations],
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **common,
        )
    if kind == QuestionType.NUMBER:
        field_class = forms.IntegerField if question.integer else forms.DecimalField
        return field_class(min_value=question.min, max_value=question.max, **common)
    # The personal-data rule is shown beside the field by the template, once.
    common["help_text"] = help_without_rule(help_text)
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=question.max_length, **common
    )


class AnswersForm(forms.Form):
    """The questions of one questionnaire version."""

    def __init__(
        self,
        *args,
        definition: QuestionnaireDefinition,
        notes: dict[str, str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.definition = definition
        # Question code → a note shown beside it (e.g. the nearest station).
        self.notes = notes or {}
        language = get_language() or "sv"
        organisations = list(Organisation.objects.order_by("kind", "name"))
        for question in definition.questions:
            self.fields[question.code] = question_field(question, language, organisations)
            if question.type in {QuestionType.MULTIPLE_CHOICE, QuestionType.ORGANISATION_LIST}:
                # Tells "none of these" (shown, nothing ticked) from "not answered".
                self.fields[question.code + SHOWN_SUFFIX] = forms.BooleanField(
                    required=False, widget=forms.HiddenInput, initial=True
                )

    def answers(self) -> dict[str, Any]:
        """The relevant answers, normalised for the services."""
        raw: dict[str, Any] = {}
        for question in self.definition.questions:
            value = self.cleaned_data.get(question.code)
            if question.type in {QuestionType.MULTIPLE_CHOICE, QuestionType.ORGANISATION_LIST}:
                shown = self.cleaned_data.get(question.code + SHOWN_SUFFIX)
                if value or (shown and question.allow_empty):
                    raw[question.code] = list(value or [])
            elif value not in (None, ""):
                raw[question.code] = (
                    int(value)
                    if question.integer
                    else (float(value) if question.type == QuestionType.NUMBER else value)
                )
        relevant = set(relevant_questions(self.definition, raw))
        return {code: value for code, value in raw.items() if code in relevant}

    def sections(self, answers: dict[str, Any] | None = None):
        """Sections with their bound fields and whether each applies now."""
        language = get_language() or "sv"
        if answers is None:
            answers = self.current_answers()
        relevant = set(relevant_questions(self.definition, answers))
        for section in self.definition.sections:
            yield {
                "title": section.title.get(language),
                "code": section.code,
                "questions": [
                    {
                        "field": self[q.code],
                        "shown_marker": self[q.code + SHOWN_SUFFIX]
                        if q.code + SHOWN_SUFFIX in self.fields
                        else None,
                        "relevant": q.code in relevant,
                        # Radio buttons and checkboxes are grouped under a legend; a
                        # single input gets a label of its own.
                        "grouped": q.type
                        in {
                            QuestionType.SINGLE_CHOICE,
                            QuestionType.YES_NO_UNKNOWN,
                            QuestionType.MULTIPLE_CHOICE,
                        },
                        "required": q.required,
                        "code": q.code,
                        "note": self.notes.get(q.code, ""),
                        "personal_data_rule": PERSONAL_DATA_RULE
                        if q.type == QuestionType.TEXT
                        else "",
                    }
                    for q in section.questions
                ],
            }

    def current_answers(self) -> dict[str, Any]:
        """Answers as currently entered (bound data) or given (initial), for relevance."""
        values: dict[str, Any] = {}
        for question in self.definition.questions:
            if self.is_bound:
                field = self.fields[question.code]
                raw = field.widget.value_from_datadict(
                    self.data, self.files, self.add_prefix(question.code)
                )
            else:
                raw = self.initial.get(question.code)
            if raw not in (None, "", []):
                values[question.code] = raw
        return values


class MappingMetaForm(forms.Form):
    year = forms.IntegerField(label=_("Reference year"), min_value=2015)
    mapped_on = forms.DateField(
        label=_("Mapped on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating organisations"),
        queryset=Organisation.objects.order_by("kind", "name"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The municipality taking part co-signs the mapping before approval."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CorrectionForm(forms.Form):
    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=PERSONAL_DATA_RULE,
    )
