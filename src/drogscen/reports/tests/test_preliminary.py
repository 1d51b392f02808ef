"""A report that is not a published edition says "Preliminär" ("Preliminary" in English)
on every page of its PDF and every sheet of its workbook; a published edition does not."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext

from drogscen.reports import renderers
from drogscen.reports import tests as shared

report_2024 = shared.report_2024

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def published_2024(report_2024):
    edition = {"number": 1, "published_at": "2025-04-15T10:00:00+00:00", "sha256": "0" * 64}
    return {**report_2024, "status": "published", "edition": edition}


def mark() -> str:
    with translation.override("sv"):
        return gettext("Preliminary")  # "Preliminär"


def pdf_pages(report, django_db_blocker) -> list[str]:
    from pypdf import PdfReader

    with django_db_blocker.unblock(), translation.override("sv"):
        data = renderers.render_pdf(report)
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def sheets(report, django_db_blocker):
    from openpyxl import load_workbook

    with django_db_blocker.unblock(), translation.override("sv"):
        data = renderers.render_xlsx(report)
    return load_workbook(io.BytesIO(data)).worksheets


def test_every_page_of_a_preliminary_pdf_says_so_and_a_published_one_does_not(
    report_2024, published_2024, django_db_blocker
):
    assert report_2024["status"] == "preliminary"
    pages = pdf_pages(report_2024, django_db_blocker)
    assert len(pages) >= 6
    for number, text in enumerate(pages, start=1):
        assert mark() in text, number
    published = pdf_pages(published_2024, django_db_blocker)
    assert not any(mark() in text for text in published)


def test_every_sheet_of_a_preliminary_workbook_says_so_and_a_published_one_does_not(
    report_2024, published_2024, django_db_blocker
):
    preliminary = sheets(report_2024, django_db_blocker)
    assert len(preliminary) >= 6
    for ws in preliminary:
        assert ws.oddHeader.right.text == mark(), ws.title
        assert ws.evenHeader.right.text == ws.firstHeader.right.text == mark()
        assert [c.value for c in ws[1]][0]  # the table's header row stays first
    for ws in sheets(published_2024, django_db_blocker):
        assert not ws.oddHeader.right.text, ws.title
        assert mark() not in (ws.oddFooter.left.text or "")


def test_the_title_page_says_which_edition_it_is(published_2024, django_db_blocker):
    with django_db_blocker.unblock(), translation.override("en"):
        document = renderers.render_html(published_2024)
    assert "Published figures for 2024, edition 1 of" in document
