from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

# Sections the navigation shows before their own app arrives (see README, "Status").
UPCOMING_SECTIONS = {
    "interventions": _("Interventions"),
    "outcomes": _("Outcomes"),
}


def home(request):
    return render(request, "dashboards/home.html")


def upcoming_section(request, section: str):
    if section not in UPCOMING_SECTIONS:
        raise Http404
    return render(
        request,
        "dashboards/upcoming.html",
        {"section": section, "section_title": UPCOMING_SECTIONS[section]},
    )


@login_not_required
def public_statistics(request):
    return render(request, "dashboards/public.html")


@login_not_required
@require_GET
def health(request):
    return JsonResponse({"status": "ok"})
