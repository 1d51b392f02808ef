"""What the statistics mean, in words (translated; the codes come from the results)."""

from django.utils.translation import gettext_lazy as _

WDQ_TEXT = {
    "diffusion": _(
        "Crime fell at the scene and also in its surroundings: a diffusion of benefits."
    ),
    "displacement_net_benefit": _(
        "Crime fell at the scene; some moved to the surroundings, but less than the fall: "
        "a net benefit."
    ),
    "displacement_exceeds_effect": _(
        "Crime fell at the scene but rose as much or more in the surroundings: "
        "displacement that cancels the effect."
    ),
    "no_effect": _(
        "Crime fell at the scene; the surroundings changed as the comparison area did: "
        "no displacement."
    ),
    "not_interpretable": _(
        "Crime did not fall at the scene relative to the comparison area, so displacement "
        "cannot be judged."
    ),
}

EVALUATION_VERDICT = {
    "improved": _("The scene developed better than the comparison area: a significant effect."),
    "worsened": _("The scene developed worse than the comparison area: a significant change."),
    "inconclusive": _(
        "No established result: the confidence interval includes no effect (RES = 1)."
    ),
    "not_computable": _("The effect size cannot be computed from these counts."),
}

METHOD_VERDICT = {
    "no_evaluations": _("No saved evaluations of this method yet."),
    "insufficient": _(
        "Insufficient evidence: fewer than three scenes have been evaluated, whatever the "
        "figures say."
    ),
    "inconclusive": _("No established result: the pooled confidence interval includes no effect."),
    "favourable": _(
        "The outcome developed better at the scenes than in the comparison areas, on average "
        "over the scenes evaluated."
    ),
    "unfavourable": _(
        "The outcome developed worse at the scenes than in the comparison areas, on average "
        "over the scenes evaluated."
    ),
}

HETEROGENEOUS = _(
    "The results differ a lot between scenes (I² over 50 %): the method may work in some "
    "places and not in others."
)

CANDIDATE_TREND = {
    "up": _("rising"),
    "down": _("falling"),
    "same": _("unchanged"),
}

WRONG_WAY = {
    "rising": _("violent crime rose significantly"),
    "displacement": _("the 0–200 m ring rose while the inside fell (displacement?)"),
}
