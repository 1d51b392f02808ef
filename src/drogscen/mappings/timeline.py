"""A scene's mapping history as a readable timeline: what changed between years."""

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


def _per_year(mappings) -> list[tuple[object, object | None]]:
    """One (mapping, correction under way) per reference year: the mapping that counts
    (the approved one, else the newest unfinished one) and a draft or submitted
    correction of it, which is a revision of that year, not a year of its own."""
    by_year: dict[int, list] = {}
    for mapping in mappings:
        by_year.setdefault(mapping.year, []).append(mapping)
    result = []
    for year in sorted(by_year):
        revisions = sorted(by_year[year], key=lambda m: m.revision)
        approved = [m for m in revisions if m.status == "approved"]
        counting = approved[-1] if approved else revisions[-1]
        later = [m for m in revisions if m.revision > counting.revision]
        result.append((counting, later[-1] if later else None))
    return result


def mapping_timeline(mappings) -> list[dict]:
    """Oldest year first; each entry with the changes since the year before. A
    correction under way is shown with its year (`correction`), not as another year."""
    entries = []
    previous = None
    for mapping, correction in _per_year(mappings):
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
