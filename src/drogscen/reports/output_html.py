"""The county report as a standalone HTML document (its own CSS, inline SVG charts) and
as PDF (WeasyPrint from that same HTML): nothing is fetched while rendering."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from drogscen.reports import interventions_section, labels
from drogscen.reports.tables import (
    chart_blocks,
    definition_symptoms,
    district_table,
    evaluation_method_table,
    evaluation_table,
    method_notes,
    outcome_table,
    police_area_table,
    survey_table,
    youth_table,
)

REPORT_CSS = Path(__file__).resolve().parent.parent / "static" / "drogscen" / "report-print.css"


@lru_cache(maxsize=1)
def _report_css() -> str:
    return REPORT_CSS.read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_number_content() -> str:
    """CSS `content` for the page footer: the translated "Page %(page)s of %(pages)s"
    with the placeholders replaced by CSS counters (translators may reorder them)."""
    marker = "\x00"
    text = _("Page %(page)s of %(pages)s") % {
        "page": f"{marker}page{marker}",
        "pages": f"{marker}pages{marker}",
    }
    parts = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


MARGIN_BOX_STYLE = (
    'font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 8pt; '
    "color: #4a5560;"
)


def _page_css(report: dict[str, Any]) -> str:
    """The paged-media rules (PDF): A4, running title, page numbers, none on the title
    page; "Preliminary" on every page of a report that is not a published edition. Built
    here because their text is translated."""
    preliminary = _preliminary_box(report)
    return f"""
@page {{
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
  @top-left {{ content: {_css_string(labels.report_title(report))}; {MARGIN_BOX_STYLE} }}
  @bottom-right {{ content: {_page_number_content()}; {MARGIN_BOX_STYLE} }}{preliminary}
}}
@page :first {{
  @top-left {{ content: none; }}
  @bottom-right {{ content: none; }}
}}
"""


def _preliminary_box(report: dict[str, Any]) -> str:
    """ "Preliminary" in the top right margin of every page, the title page too, unless
    the report is a published edition."""
    if not labels.is_preliminary(report):
        return ""
    mark = _css_string(labels.preliminary_mark())
    return f"\n  @top-right {{ content: {mark}; {MARGIN_BOX_STYLE} font-weight: bold; }}"


def report_context(report: dict[str, Any], *, for_pdf: bool = False) -> dict[str, Any]:
    """What the report templates need, in the active language."""
    sentences = labels.summary_sentences(report)
    blocks = chart_blocks(report)
    return {
        "report": report,
        "for_pdf": for_pdf,
        "restricted": labels.is_restricted(report),
        "title": labels.report_title(report),
        "headline": sentences[0],
        "sentences": sentences[1:],
        "goal_status": labels.goal_status(report),
        "figures": labels.key_figures(report),
        "generated_on": labels.generated_on(report),
        "preliminary": labels.is_preliminary(report),
        "status_line": labels.status_line(report),
        "charts": blocks,
        "tables": {
            "police_areas": police_area_table(report),
            "districts": district_table(report),
        },
        "intervention_tables": interventions_section.report_tables(report),
        "outcome_tables": [
            t for t in (outcome_table(report), survey_table(report), youth_table(report)) if t
        ],
        "evaluation_tables": [
            t for t in (evaluation_table(report), evaluation_method_table(report)) if t
        ],
        "intervention_note": interventions_section.report_note(),
        "definition_symptoms": definition_symptoms(report),
        "method_notes": method_notes(report),
        "chapters": [
            ("summary", _("Summary")),
            ("goal", _("The goal")),
            ("places", _("Where the open drug scenes are")),
            ("substances", _("Substances and symptoms")),
            *(
                [("interventions", _("Interventions and collaboration"))]
                if report.get("interventions", {}).get("collaboration")
                else []
            ),
            ("definitions", _("Definitions")),
            ("method", _("How the figures are counted")),
        ],
        "css": mark_safe(_report_css()),  # noqa: S308 - a file of the package
        "page_css": mark_safe(_page_css(report) if for_pdf else ""),  # noqa: S308
    }


def render_html(report: dict[str, Any], *, for_pdf: bool = False) -> str:
    """A standalone HTML document: its own CSS, the charts as inline SVG, no external
    resource, so it works as a file, behind a strict CSP and as the PDF's input."""
    return render_to_string("reports/report.html", report_context(report, for_pdf=for_pdf))


# The Debian/Ubuntu packages of the system libraries WeasyPrint loads (Pango, and
# PangoFT2 for the fonts); named in the error and in the system check (reports/checks.py).
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")


class PdfLibraryMissing(RuntimeError):
    """WeasyPrint is installed but a system library it needs (Pango) is not."""


def pango_missing_message(error: object = "") -> str:
    text = _(
        "The PDF cannot be made: WeasyPrint needs the Pango text layout library, which is "
        "not installed on this machine. On Debian or Ubuntu install it with: "
        "apt-get install %(packages)s"
    ) % {"packages": " ".join(PANGO_PACKAGES)}
    return f"{text} ({error})" if error else text


def _weasyprint_html():
    try:
        from weasyprint import HTML  # imported here: slow to import, needed only for PDF
    except OSError as exc:  # cffi: "cannot load library 'libpango-1.0-0'"
        raise PdfLibraryMissing(pango_missing_message(exc)) from exc
    return HTML


def render_pdf(report: dict[str, Any]) -> bytes:
    """The report as a paged A4 document (WeasyPrint from `render_html(for_pdf=True)`).
    Raises PdfLibraryMissing, naming the packages to install, without Pango."""
    HTML = _weasyprint_html()  # noqa: N806 - WeasyPrint's class
    document = render_html(report, for_pdf=True)
    # No base URL and no external references: nothing is fetched while rendering.
    return HTML(string=document, base_url=None).write_pdf()
