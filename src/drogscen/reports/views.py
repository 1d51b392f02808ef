"""The coordination office's pages of the yearly round: the rounds by year, a round with
its completeness and the close / publish / reopen steps (POST forms), and each published
edition, readable and citable with its date and SHA-256 (the stored JSON as is, and the
report rendered from it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from drogscen.core import access
from drogscen.core.forms import errors_to_form
from drogscen.mappings.models import Round
from drogscen.mappings.rounds import round_close, round_completeness, round_get, round_reopen
from drogscen.mappings.services import FIRST_YEAR
from drogscen.reports.builder import report_years
from drogscen.reports.editions import round_publish
from drogscen.reports.forms import PublishForm, ReopenForm
from drogscen.reports.models import Edition
from drogscen.reports.renderers import render_html


def _require(request, action: str = access.VIEW) -> None:
    if not access.can(request.user, action, Round):
        raise Http404


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


@require_GET
def round_index(request):
    _require(request)
    rounds = {r.year: r for r in access.restrict(Round.objects.all(), request.user)}
    editions: dict[int, list[Edition]] = {}
    readable = access.restrict(Edition.objects.defer("content"), request.user)
    for edition in readable.order_by("year", "-number"):
        editions.setdefault(edition.year, []).append(edition)
    current = timezone.localdate().year
    years = sorted(set(report_years()) | set(rounds) | {current - 1, current}, reverse=True)
    rows = [
        {"year": y, "round": rounds.get(y) or Round(year=y), "editions": editions.get(y, [])}
        for y in years
    ]
    return render(request, "reports/rounds.html", {"rows": rows})


def _round_page(request, year: int, *, publish_form=None, reopen_form=None, status=200):
    completeness = round_completeness(year=year, fetched_by=request.user)
    context = {
        "year": year,
        "round": round_get(year=year),
        "completeness": completeness,
        "editions": access.restrict(Edition.objects.defer("content"), request.user)
        .filter(year=year)
        .order_by("-number"),
        "may_run": access.can(request.user, access.CHANGE, Round),
        "publish_form": publish_form or PublishForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }
    return render(request, "reports/round.html", context, status=status)


@require_GET
def round_detail(request, year: int):
    _require(request)
    return _round_page(request, _year(year))


@require_POST
def round_close_view(request, year: int):
    _require(request, access.CHANGE)
    try:
        round_close(year=_year(year), by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The round of %(year)s is closed for mapping.") % {"year": year}
        )
    return redirect("rounds:detail", year=year)


@require_POST
def round_publish_view(request, year: int):
    _require(request, access.CHANGE)
    form = PublishForm(request.POST)
    form.is_valid()
    completeness = round_completeness(year=_year(year), fetched_by=request.user)
    if not completeness.complete and not form.cleaned_data.get("confirm_incomplete"):
        form.add_error(
            "confirm_incomplete",
            _("%(n)s scenes have no approved mapping: confirm that you publish anyway.")
            % {"n": completeness.outstanding},
        )
        return _round_page(request, year, publish_form=form, status=400)
    try:
        edition = round_publish(year=year, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        errors_to_form(error, form)
        return _round_page(request, year, publish_form=form, status=400)
    messages.success(
        request,
        _("%(year)s is published as edition %(number)s.")
        % {"year": year, "number": edition.number},
    )
    return redirect("rounds:detail", year=year)


@require_POST
def round_reopen_view(request, year: int):
    _require(request, access.CHANGE)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            round_reopen(year=_year(year), by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            errors_to_form(error, form)
    if form.errors:
        return _round_page(request, year, reopen_form=form, status=400)
    messages.success(request, _("The round of %(year)s is open again.") % {"year": year})
    return redirect("rounds:detail", year=year)


def _edition(request, year: int, number: int) -> Edition:
    return access.get_or_404(Edition.objects.all(), request.user, year=year, number=number)


@require_GET
def edition_detail(request, year: int, number: int):
    edition = _edition(request, year, number)
    return render(request, "reports/edition.html", {"edition": edition, "report": edition.report})


@require_GET
def edition_json(request, year: int, number: int):
    """The edition's stored JSON, byte for byte what its SHA-256 is of."""
    edition = _edition(request, year, number)
    response = HttpResponse(edition.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="drogscener-{year}-utgava-{number}.json"'
    response["X-Content-SHA256"] = edition.sha256
    return response


@require_GET
def edition_html(request, year: int, number: int):
    """The edition's report rendered from its stored JSON (never rebuilt)."""
    return HttpResponse(render_html(_edition(request, year, number).report))
