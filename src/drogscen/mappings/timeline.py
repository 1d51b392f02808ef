"""A scene's mapping history as a readable timeline: what changed between mappings."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from drogscen.questionnaires.definition import YES_NO_UNKNOWN_OPTIONS

# The answers the steering group follows from year to year.
COMPARED = ("criteria", "symptoms", "main_substance", "severity", "sellers_origin", "buyers_origin")


def _label(mapping, code: str, value) -> str:
    definition = mapping.questionnaire.parsed()
    if code not in definition:
        return str(value)
    question = definition.question(code)
    language = get_language() or "sv"
    options = {o.code: o.label.get(language) for o in question.options or YES_NO_UNKNOWN_OPTIONS}
    if isinstance(value, list):
        return ", ".join(options.get(v, v) for v in value) or _("none")
    return options.get(value, str(value)) if value not in (None, "") else _("not answered")


def _question(mapping, code: str) -> str:
    definition = mapping.questionnaire.parsed()
    return (
        definition.question(code).label.get(get_language() or "sv") if code in definition else code
    )


def _per_mapping(mappings) -> list[tuple[object, object | None]]:
    """One (mapping, correction under way) per mapping, by year and date: a scene may be
    mapped several times a year, and each mapping is an entry of its own. A draft or
    submitted correction is a revision of the mapping it corrects, shown with it, not
    an entry of its own."""
    mappings = list(mappings)
    shown = {m.pk for m in mappings}
    under_way = {
        m.corrects_id: m
        for m in sorted(mappings, key=lambda m: m.revision)
        if m.corrects_id in shown and m.status not in {"approved", "superseded"}
    }
    corrections = {m.pk for m in under_way.values()}
    entries = [m for m in mappings if m.pk not in corrections and m.status != "superseded"]
    entries.sort(key=lambda m: (m.year, m.mapped_on, m.revision, m.pk))
    return [(m, under_way.get(m.pk)) for m in entries]


def mapping_timeline(mappings) -> list[dict]:
    """Oldest first; each entry with the changes since the mapping before (the year
    before, or an earlier mapping of the same year). A correction under way is shown
    with the mapping it corrects (`correction`), not as another entry."""
    entries = []
    previous = None
    for mapping, correction in _per_mapping(mappings):
        changes = []
        if previous is not None:
            for code in COMPARED:
                before, now = previous.answers.get(code), mapping.answers.get(code)
                if isinstance(before, list) or isinstance(now, list):
                    added = [v for v in now or [] if v not in (before or [])]
                    removed = [v for v in before or [] if v not in (now or [])]
                    if added or removed:
                        changes.append(
                            {
                                "question": _question(mapping, code),
                                "added": _label(mapping, code, added) if added else "",
                                "removed": _label(previous, code, removed) if removed else "",
                            }
                        )
                    continue
                if before == now:
                    continue
                changes.append(
                    {
                        "question": _question(mapping, code),
                        "before": _label(previous, code, before),
                        "after": _label(mapping, code, now),
                    }
                )
        entries.append(
            {
                "mapping": mapping,
                "main_substance": _label(
                    mapping, "main_substance", mapping.answers.get("main_substance")
                ),
                "changes": changes,
                "classification_changed": previous is not None
                and previous.is_open != mapping.is_open,
                "correction": correction,
            }
        )
        previous = mapping
    return entries
