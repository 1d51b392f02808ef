"""`{% method_evidence method %}`: a method's pooled evidence, for any page showing a
method (the interventions' method page includes it); `{% evaluate_link intervention %}`:
the "Utvärdera" link, shown only to those who may evaluate it."""

from django import template

from drogscen.core import access
from drogscen.evaluations import selectors
from drogscen.evaluations.access import evaluation_may_create
from drogscen.evaluations.labels import EVALUATION_VERDICT, METHOD_VERDICT
from drogscen.evaluations.models import Evaluation
from drogscen.evaluations.selectors import outcome_label
from drogscen.evaluations.views import evidence_blocks

register = template.Library()


@register.inclusion_tag("evaluations/_method_evidence_block.html", takes_context=True)
def method_evidence(context, method):

    request = context.get("request")
    user = getattr(request, "user", None)
    evidence = selectors.method_evidence(method=method, fetched_by=user)
    return {"method": method, "blocks": evidence_blocks(evidence), "compact": True}


@register.inclusion_tag("evaluations/_evaluate_link.html", takes_context=True)
def evaluate_link(context, intervention):
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = False
    if user is not None and access.can(user, access.ADD, Evaluation):
        scenes = list(intervention.scenes.all())
        allowed = any(
            evaluation_may_create(user, scene=s, interventions=[intervention]) for s in scenes
        )
    return {"intervention": intervention, "allowed": allowed}


@register.filter
def evaluation_verdict(code):

    return EVALUATION_VERDICT.get(code, code or "–")


@register.filter
def method_verdict(code):

    return METHOD_VERDICT.get(code, code or "–")


@register.filter
def evaluation_outcome(code):
    """An evaluation's outcome code ("violent", "survey:unsafe_evening") in words."""

    return outcome_label(code or "")
