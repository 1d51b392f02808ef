"""The access table of DESIGN §5 as data. Every model with an access rule and every URL
of the project must have rows here; the tests in test_access_matrix.py check each
(organisation kind × role × action) against the real mechanism and the real endpoints.

A later feature extends MODEL_MATRIX (one entry per model) and ENDPOINTS (one per URL
name); a model or URL without a row fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable

# One representative organisation per kind.
ORGANISATION_OF_KIND = {
    "police_area": "lpo:jarva",
    "municipality": "kommun:0180",
    "region": "region",
    "prison_probation": "kriminalvarden",
    "customs": "tullverket",
    "county_board": "lansstyrelsen",
    "coordination": "samordningskansliet",
    "police_region": "polisregion",
}
ROLES = ("viewer", "editor", "manager")
ACTIONS = ("list", "view", "create", "change", "delete")
# Workflow steps of a mapping, checked like the actions above.
MAPPING_ACTIONS = ("submit", "cosign", "approve", "correct")
COUNTY_WIDE = {"coordination", "police_region"}
RANK = {"viewer": 1, "editor": 2, "manager": 3}

Rule = Callable[[str, str], bool]  # (organisation kind, role) -> allowed


def everyone(kind: str, role: str) -> bool:
    return True


def nobody(kind: str, role: str) -> bool:
    return False


def county_wide(min_role: str) -> Rule:
    return lambda kind, role: kind in COUNTY_WIDE and RANK[role] >= RANK[min_role]


def coordination(min_role: str) -> Rule:
    """The coordination office alone (not the police region): it runs the yearly round."""
    return lambda kind, role: kind == "coordination" and RANK[role] >= RANK[min_role]


ROUND = {  # the round of 2024, published (edition 1)
    "list": coordination("viewer"),
    "view": coordination("viewer"),
    "create": coordination("editor"),
    "change": coordination("editor"),  # closed, published and reopened
    "delete": nobody,
}
EDITION = {  # written only by publishing, never changed
    "list": coordination("viewer"),
    "view": coordination("viewer"),
    "create": nobody,
    "change": nobody,
    "delete": nobody,
}


REFERENCE_DATA = {
    "list": everyone,
    "view": everyone,
    "create": county_wide("editor"),
    "change": county_wide("editor"),
    "delete": county_wide("editor"),
}


def scene_rule(action: str) -> Rule:
    """The sample scene lies in LPO Järva and the City of Stockholm (the representative
    organisations of those kinds); writes belong to the local police area."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return True  # every kind sees it: its LPO, its municipality, partners, county
        if action in {"create", "change"}:
            return kind == "police_area" and RANK[role] >= RANK["editor"]
        return False  # closed, never deleted

    return rule


def other_area_scene_rule(action: str) -> Rule:
    """A scene in Solna (LPO Solna): not the representative LPO's or municipality's."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return kind not in {"police_area", "municipality"}
        if action == "create":
            # Model level: may register scenes at all (of its own area only: the scene
            # service refuses another area's, tested in scenes/tests).
            return kind == "police_area" and RANK[role] >= RANK["editor"]
        return False  # the representative LPO cannot change another area's scene

    return rule


def scene_history_rule(action: str) -> Rule:
    # Geometry versions are written only by the scene services.
    return scene_rule(action) if action in {"list", "view"} else nobody


def scene_link_rule(action: str) -> Rule:
    return scene_rule(action) if action != "delete" else nobody


def mapping_rule(action: str) -> Rule:
    """The sample mapping is of the Järva scene (LPO Järva, City of Stockholm), submitted,
    with the City of Stockholm taking part. Partners never see mapping answers."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return kind in COUNTY_WIDE | {"police_area", "municipality"}
        if action in {"create", "change", "submit", "correct"}:
            return kind == "police_area" and RANK[role] >= RANK["editor"]
        if action == "approve":
            return kind == "police_area" and role == "manager"
        if action == "cosign":
            return kind == "municipality" and RANK[role] >= RANK["editor"]
        return False  # corrected, never deleted

    return rule


def other_area_mapping_rule(action: str) -> Rule:
    """A mapping of the Solna scene: neither the representative LPO's nor municipality's."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return kind in COUNTY_WIDE
        if action == "create":  # model level, as for scenes
            return kind == "police_area" and RANK[role] >= RANK["editor"]
        return False

    return rule


def participant_mapping_rule(action: str) -> Rule:
    """A joint mapping of the Solna scene with the City of Stockholm taking part: the
    participating municipality reads and co-signs it (never changes it), though the scene
    lies in another municipality (the Solna scene itself stays out of its scope)."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return kind in COUNTY_WIDE | {"municipality"}
        if action == "create":  # model level, as for scenes
            return kind == "police_area" and RANK[role] >= RANK["editor"]
        if action == "cosign":
            return kind == "municipality" and RANK[role] >= RANK["editor"]
        return False

    return rule


def intervention_rule(action: str) -> Rule:
    """The sample intervention is owned by Solna municipality (not a representative
    organisation) and linked to the Järva scene; its target and progress report follow it.
    Everyone who sees the scene sees the work there: LPO Järva, the City of Stockholm (the
    scene lies in it), the partners (they see the scene list) and the county-wide kinds.
    Only the owner changes it; nobody deletes (cancelled instead)."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return True
        if action == "create":  # model level: every organisation records its own work
            return RANK[role] >= RANK["editor"]
        return False

    return rule


def other_municipality_intervention_rule(action: str) -> Rule:
    """A municipality-wide intervention of Solna, at no scene: seen only by its owner and
    the county-wide kinds, not by the City of Stockholm nor by the partners."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return kind in COUNTY_WIDE
        if action == "create":
            return RANK[role] >= RANK["editor"]
        return False

    return rule


def own_intervention_rule(action: str) -> Rule:
    """A municipality-wide intervention of the City of Stockholm (the representative
    municipality): its own editors change it; LPO Järva does not see it (no scene)."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return kind in COUNTY_WIDE | {"municipality"}
        if action == "create":
            return RANK[role] >= RANK["editor"]
        if action == "change":
            return kind == "municipality" and RANK[role] >= RANK["editor"]
        return False

    return rule


def scene_figures(kind: str, role: str) -> bool:
    """Who reads a scene's own figures (indicators, surveys, youth signals, evaluations)
    of the Järva scene: its LPO, its municipality and the county-wide kinds — not the
    partners, who see the scene list and county aggregates only (DESIGN §5)."""
    return kind in COUNTY_WIDE | {"police_area", "municipality"}


def scene_data_rule(action: str) -> Rule:
    """Aggregated counts, survey results and youth signals of the Järva scene: read as
    scene figures, written by the county-wide kinds, its LPO and its municipality."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return scene_figures(kind, role)
        if action in {"create", "change"}:
            writers = COUNTY_WIDE | {"police_area", "municipality"}
            return kind in writers and RANK[role] >= RANK["editor"]
        return False

    return rule


def police_import(kind: str, role: str) -> bool:
    return kind in COUNTY_WIDE | {"police_area"} and RANK[role] >= RANK["editor"]


CRIME_EVENT = {
    "list": nobody,  # raw events are only ever counted, never listed
    "view": nobody,
    "create": police_import,
    "change": nobody,
    "delete": nobody,
}
NOBODY_AT_ALL = {  # kept by the system alone, e.g. the events' columnar copy
    "list": nobody,
    "view": nobody,
    "create": nobody,
    "change": nobody,
    "delete": nobody,
}
FILE_IMPORT = {  # someone else's upload
    "list": county_wide("viewer"),
    "view": county_wide("viewer"),
    "create": nobody,  # made only by the upload page, which asks the kind who may
    "change": nobody,
    "delete": nobody,
}
INDICATOR = {
    "list": scene_figures,
    "view": scene_figures,
    "create": nobody,
    "change": nobody,
    "delete": nobody,
}


def evaluation_rule(action: str) -> Rule:
    """An evaluation at the Järva scene: read as the scene's figures; made by any editor at
    model level (the service checks the scene and interventions: evaluations/access.py);
    never changed or deleted."""

    def rule(kind: str, role: str) -> bool:
        if action in {"list", "view"}:
            return scene_figures(kind, role)
        if action == "create":
            return RANK[role] >= RANK["editor"]
        return False

    return rule


def candidate_rule(action: str, *, own_area: bool) -> Rule:
    """An early-warning candidate place in LPO Järva and the City of Stockholm (own_area),
    or in Solna: seen by the county-wide kinds and the LPO and municipality it lies in,
    never by the partners; analyses run and candidates dismissed by editors of the county-
    wide kinds and of local police areas (dismissing: of its own area)."""

    def rule(kind: str, role: str) -> bool:
        editor = RANK[role] >= RANK["editor"]
        if action in {"list", "view"}:
            return kind in COUNTY_WIDE or (own_area and kind in {"police_area", "municipality"})
        if action == "create":
            return editor and kind in COUNTY_WIDE | {"police_area"}
        if action == "change":
            return editor and (kind in COUNTY_WIDE or (own_area and kind == "police_area"))
        return False

    return rule


# model label (with "#variant" for a second sample) -> action -> rule. The sample objects
# are made by the `samples` fixture of test_access_matrix.py.
MODEL_MATRIX: dict[str, dict[str, Rule]] = {
    "accounts.organisation": {
        "list": everyone,
        "view": everyone,
        "create": county_wide("manager"),
        "change": county_wide("manager"),
        "delete": county_wide("manager"),
    },
    "accounts.membership": {
        "list": county_wide("manager"),  # someone else's, in another organisation
        "view": county_wide("manager"),  # someone else's, in another organisation
        "create": county_wide("manager"),
        "change": county_wide("manager"),
        "delete": county_wide("manager"),
    },
    "auth.user": {
        "list": county_wide("manager"),
        "view": county_wide("manager"),
        "create": county_wide("manager"),
        "change": county_wide("manager"),
        "delete": county_wide("manager"),
    },
    "geo.municipality": REFERENCE_DATA,
    "geo.district": REFERENCE_DATA,
    "geo.districtboundary": REFERENCE_DATA,
    "geo.localpolicearea": REFERENCE_DATA,
    "geo.station": REFERENCE_DATA,
    "scenes.scene": {action: scene_rule(action) for action in ACTIONS},
    "scenes.scene#other_area": {action: other_area_scene_rule(action) for action in ACTIONS},
    "scenes.scenegeometryversion": {action: scene_history_rule(action) for action in ACTIONS},
    "scenes.scenelink": {action: scene_link_rule(action) for action in ACTIONS},
    "questionnaires.questionnaireversion": REFERENCE_DATA,
    "mappings.mappingsettings": REFERENCE_DATA,
    "mappings.mapping": {a: mapping_rule(a) for a in ACTIONS + MAPPING_ACTIONS},
    "mappings.mapping#other_area": {
        a: other_area_mapping_rule(a) for a in ACTIONS + MAPPING_ACTIONS
    },
    "mappings.mapping#participant": {
        a: participant_mapping_rule(a) for a in ACTIONS + MAPPING_ACTIONS
    },
    "mappings.round": ROUND,
    "reports.edition": EDITION,
    "mappings.cosignature": {
        a: (mapping_rule(a) if a in {"list", "view"} else nobody) for a in ACTIONS
    },
    "interventions.method": REFERENCE_DATA,
    "interventions.intervention": {a: intervention_rule(a) for a in ACTIONS},
    "interventions.intervention#other_municipality": {
        a: other_municipality_intervention_rule(a) for a in ACTIONS
    },
    "interventions.intervention#own": {a: own_intervention_rule(a) for a in ACTIONS},
    "interventions.target": {a: intervention_rule(a) for a in ACTIONS},
    "interventions.targetprogress": {a: intervention_rule(a) for a in ACTIONS},
    "outcomes.crimecode": REFERENCE_DATA,
    "outcomes.surveyindicator": REFERENCE_DATA,
    "outcomes.crimeevent": CRIME_EVENT,
    "outcomes.eventtile": NOBODY_AT_ALL,
    "outcomes.indicator": INDICATOR,
    "outcomes.aggregatedcount": {a: scene_data_rule(a) for a in ACTIONS},
    "outcomes.surveyresult": {a: scene_data_rule(a) for a in ACTIONS},
    "outcomes.youthsignal": {a: scene_data_rule(a) for a in ACTIONS},
    "evaluations.evaluation": {a: evaluation_rule(a) for a in ACTIONS},
    "evaluations.candidate": {a: candidate_rule(a, own_area=True) for a in ACTIONS},
    "evaluations.candidate#other_area": {a: candidate_rule(a, own_area=False) for a in ACTIONS},
    "core.fileimport": FILE_IMPORT,
    "audit.auditentry": {
        "list": county_wide("manager"),
        "view": county_wide("manager"),
        "create": nobody,
        "change": nobody,
        "delete": nobody,
    },
}

_ROUND = {"year": 2024}
_EDITION = {"year": 2024, "number": 1}

# URL name -> (who may GET it, path arguments), or a list of such cases. "public":
# anyone, signed in or not; "signed_in": any signed-in user (pages send others to the
# sign-in page); "post_only": GET answers 405 (302 to sign in when anonymous); a
# (model label, action) pair: an API endpoint as in MODEL_MATRIX (401
# anonymous, 404 out of scope); ("page", model label, action): a page likewise (302 to
# sign in when anonymous). Path arguments name the samples of test_access_matrix.py.
ENDPOINTS: dict[str, tuple[object, dict]] = {
    "login": ("sign_in_page", {}),
    "logout": ("post_only", {}),
    # Two-factor sign-in: setting it up is open to every signed-in user; the code page
    # sends a user without an app set up on to the set-up (anonymous callers to sign in).
    "two_factor_setup": ("signed_in", {}),
    "two_factor_verify": ("redirect", {}),
    # Open to everyone, signed in or not (the public page's language switch): a GET
    # changes nothing and is sent back (302) to the page it came from, never to sign in.
    "set_language": ("post_only", {}),
    "dashboards:public": ("public", {}),
    "dashboards:health": ("public", {}),
    "dashboards:home": ("signed_in", {}),
    # Per-area pages for the areas of the user's own scenes (as the report's breakdowns):
    # Solna's pages like the Solna sample scene, Järva's and Stockholm's like the Järva one.
    "dashboards:municipality": [
        (("page", "scenes.scene#other_area", "view"), {"code": "0184"}),
        (("page", "scenes.scene", "view"), {"code": "0180"}),
    ],
    "dashboards:police_area": [
        (("page", "scenes.scene#other_area", "view"), {"slug": "solna"}),
        (("page", "scenes.scene", "view"), {"slug": "jarva"}),
    ],
    "dashboards:public_json": ("public", {}),
    # County totals for every signed-in user; breakdowns only for the caller's areas.
    "api:report": ("api_signed_in", {"year": 2024}),
    "api:method-list": (("interventions.method", "list"), {}),
    "api:method-detail": (("interventions.method", "view"), {"code": "hot_spot_patrol"}),
    "api:intervention-list": ("api_signed_in", {}),
    "api:intervention-detail": [
        (("interventions.intervention", "view"), {"pk": "@interventions.intervention"}),
        (
            ("interventions.intervention#other_municipality", "view"),
            {"pk": "@interventions.intervention#other_municipality"},
        ),
    ],
    # No section is waiting for its app now (outcomes arrived): every section is 404.
    "outcomes:county": ("signed_in", {}),
    "api:indicator-list": ("api_signed_in", {}),
    "api:survey-list": ("api_signed_in", {}),
    "api:youth-signal-list": ("api_signed_in", {}),
    "api:event-summary": ("api_signed_in", {}),
    "api:api-root": ("api_signed_in", {}),
    "api:schema": ("api_signed_in", {}),
    "api:docs": ("api_signed_in", {}),
    "api:organisation-list": (("accounts.organisation", "list"), {}),
    "api:organisation-detail": (("accounts.organisation", "view"), {"code": "kommun:0184"}),
    "api:scene-list": (("scenes.scene", "list"), {}),
    "api:scene-detail": (("scenes.scene", "view"), {"ref": "M-JARVA"}),
    "api:ogc-conformance": ("api_signed_in", {}),
    "api:ogc-collections": ("api_signed_in", {}),
    "api:ogc-collection": ("api_signed_in", {"collection_id": "scenes"}),
    "api:ogc-items": (("scenes.scene", "list"), {"collection_id": "scenes"}),
    "api:ogc-item": (("scenes.scene", "view"), {"collection_id": "scenes", "ref": "M-JARVA"}),
    "api:questionnaire-list": (("questionnaires.questionnaireversion", "list"), {}),
    "api:questionnaire-detail": (
        ("questionnaires.questionnaireversion", "view"),
        {"version": "2023.1"},  # the shipped version
    ),
    # Every signed-in caller may ask; partners get an empty list (tested in mappings/tests).
    "api:mapping-list": ("api_signed_in", {}),
    "api:mapping-detail": [
        (("mappings.mapping", "view"), {"pk": "@mappings.mapping"}),
        (("mappings.mapping#other_area", "view"), {"pk": "@mappings.mapping#other_area"}),
        (("mappings.mapping#participant", "view"), {"pk": "@mappings.mapping#participant"}),
    ],
    # Workflow steps are POST only (GET is 405 for everyone); who may take them is in
    # MODEL_MATRIX and mappings/tests/test_api.py.
    "api:mapping-submit": ("post_only", {"pk": "@mappings.mapping"}),
    "api:mapping-cosign": ("post_only", {"pk": "@mappings.mapping"}),
    "api:mapping-approve": ("post_only", {"pk": "@mappings.mapping"}),
    "api:mapping-return": ("post_only", {"pk": "@mappings.mapping"}),
    "api:mapping-correct": ("post_only", {"pk": "@mappings.mapping"}),
    "geo:layer": ("signed_in", {"layer": "kommuner"}),
    "scenes:list": ("signed_in", {}),
    "scenes:map": ("signed_in", {}),
    "scenes:map_data": ("signed_in", {}),
    "scenes:suggest_police_area": ("signed_in_bad_request", {}),
    "scenes:create": (("page", "scenes.scene", "create"), {}),
    "scenes:detail": [
        (("page", "scenes.scene", "view"), {"ref": "M-JARVA"}),
        (("page", "scenes.scene#other_area", "view"), {"ref": "M-SOLNA"}),
    ],
    "scenes:edit": [
        (("page", "scenes.scene", "change"), {"ref": "M-JARVA"}),
        (("page", "scenes.scene#other_area", "change"), {"ref": "M-SOLNA"}),
    ],
    "scenes:close": (("page", "scenes.scene", "change"), {"ref": "M-JARVA"}),
    "scenes:merge": (("page", "scenes.scene", "change"), {"ref": "M-JARVA"}),
    "scenes:split": (("page", "scenes.scene", "change"), {"ref": "M-JARVA"}),
    "mappings:list": ("signed_in", {}),
    "mappings:compliance": (("page", "mappings.mapping", "list"), {}),
    "mappings:questions": ("post_only", {}),
    "mappings:create": [
        (("page", "scenes.scene", "change"), {"ref": "M-JARVA"}),
        (("page", "scenes.scene#other_area", "change"), {"ref": "M-SOLNA"}),
    ],
    "mappings:detail": [
        (("page", "mappings.mapping", "view"), {"pk": "@mappings.mapping"}),
        (("page", "mappings.mapping#other_area", "view"), {"pk": "@mappings.mapping#other_area"}),
        (
            ("page", "mappings.mapping#participant", "view"),
            {"pk": "@mappings.mapping#participant"},
        ),
    ],
    "mappings:edit": (("page", "mappings.mapping", "change"), {"pk": "@mappings.mapping"}),
    # Workflow steps are POST only; who may take them is in MODEL_MATRIX.
    "mappings:submit": ("post_only", {"pk": "@mappings.mapping"}),
    "mappings:cosign": ("post_only", {"pk": "@mappings.mapping"}),
    "mappings:approve": ("post_only", {"pk": "@mappings.mapping"}),
    "mappings:return": ("post_only", {"pk": "@mappings.mapping"}),
    "mappings:correct": ("post_only", {"pk": "@mappings.mapping"}),
    # The yearly round: the coordination office's pages (404 for everyone else); the
    # steps are POST only, who may take them is in MODEL_MATRIX.
    "rounds:index": (("page", "mappings.round", "list"), {}),
    "rounds:detail": (("page", "mappings.round", "view"), _ROUND),
    "rounds:close": ("post_only", _ROUND),
    "rounds:publish": ("post_only", _ROUND),
    "rounds:reopen": ("post_only", _ROUND),
    "rounds:edition": (("page", "reports.edition", "view"), _EDITION),
    "rounds:edition_json": (("page", "reports.edition", "view"), _EDITION),
    "rounds:edition_html": (("page", "reports.edition", "view"), _EDITION),
    "interventions:list": ("signed_in", {}),
    "interventions:create": (("page", "interventions.intervention", "create"), {}),
    "interventions:detail": [
        (("page", "interventions.intervention", "view"), {"pk": "@interventions.intervention"}),
        (
            ("page", "interventions.intervention#other_municipality", "view"),
            {"pk": "@interventions.intervention#other_municipality"},
        ),
        (
            ("page", "interventions.intervention#own", "view"),
            {"pk": "@interventions.intervention#own"},
        ),
    ],
    # Progress is reported by POST only; who may report it is in MODEL_MATRIX.
    "interventions:progress": ("post_only", {"pk": "@interventions.intervention"}),
    # Editing is for the owner's editors (the City's own work); nobody else's.
    "interventions:edit": [
        (("page", "interventions.intervention", "change"), {"pk": "@interventions.intervention"}),
        (
            ("page", "interventions.intervention#own", "change"),
            {"pk": "@interventions.intervention#own"},
        ),
    ],
    # POST only; who may add targets and change the status is in MODEL_MATRIX.
    "interventions:target_add": ("post_only", {"pk": "@interventions.intervention"}),
    "interventions:status": ("post_only", {"pk": "@interventions.intervention"}),
    "interventions:methods": ("signed_in", {}),
    "interventions:method": (("page", "interventions.method", "view"), {"code": "hot_spot_patrol"}),
    # The inventory and its Excel export: every signed-in user, scoped to what they see.
    "interventions:inventory": ("signed_in", {}),
    "interventions:inventory_excel": ("signed_in", {}),
    # The template, the export of one's own work and the upload: those who record work.
    "interventions:template": (("page", "interventions.intervention", "create"), {}),
    "interventions:export": (("page", "interventions.intervention", "create"), {}),
    "interventions:import": ("redirect", {}),  # the old address of the upload
    "evaluations:list": ("signed_in", {}),
    # Without ?insats= the page lists the interventions to choose from.
    "evaluations:create": (("page", "evaluations.evaluation", "create"), {}),
    "evaluations:detail": (
        ("page", "evaluations.evaluation", "view"),
        {"pk": "@evaluations.evaluation"},
    ),
    "evaluations:method": ("signed_in", {"code": "hot_spot_patrol"}),
    # The early-warning page is for whoever sees the representative candidate (county-wide,
    # local police areas, municipalities), its data likewise; partners 404.
    "evaluations:early_warning": (("page", "evaluations.candidate", "list"), {}),
    "evaluations:early_warning_data": (("page", "evaluations.candidate", "list"), {}),
    "evaluations:early_warning_run": ("post_only", {}),
    "evaluations:candidate_dismiss": [
        (("page", "evaluations.candidate", "change"), {"pk": "@evaluations.candidate"}),
        (
            ("page", "evaluations.candidate#other_area", "change"),
            {"pk": "@evaluations.candidate#other_area"},
        ),
    ],
    # Turning a candidate into a scene: whoever may register scenes (its local police area).
    "evaluations:candidate_convert": (
        ("page", "scenes.scene", "create"),
        {"pk": "@evaluations.candidate"},
    ),
    "api:evaluation-list": ("api_signed_in", {}),
    "api:evaluation-detail": (
        ("evaluations.evaluation", "view"),
        {"pk": "@evaluations.evaluation"},
    ),
    # File uploads of every import kind: the list for everyone signed in; a kind's form
    # for those who may import it; an upload (someone else's) for the county-wide
    # organisations, 404 for everyone else.
    "imports:index": ("signed_in", {}),
    "imports:upload": [
        (("page", "scenes.scene", "create"), {"kind": "scenes"}),
        (("page", "mappings.mapping", "create"), {"kind": "mappings"}),
        (("page", "interventions.intervention", "create"), {"kind": "interventions"}),
        (("page", "outcomes.crimeevent", "create"), {"kind": "events"}),
        (("page", "outcomes.aggregatedcount", "create"), {"kind": "counts"}),
        (("page", "outcomes.surveyresult", "create"), {"kind": "survey"}),
        (("page", "core.fileimport", "create"), {"kind": "no-such-kind"}),
    ],
    "imports:detail": (("page", "core.fileimport", "view"), {"pk": "@core.fileimport"}),
    "events_upload_moved": ("redirect", {}),
}
# Namespaces checked as a whole rather than URL by URL.
NAMESPACES = {"admin": "admin"}

# Writes: URL name -> [(HTTP method, who may, path arguments[, body])]. test_endpoints
# sends each as every organisation kind × role and anonymously, with the body (default
# empty; give the least a view needs before it asks who the caller is), and undoes it.
# "Who may" is a rule as in ENDPOINTS: (model label, action) for the API and
# ("page", model label, action) for a page, both as in MODEL_MATRIX; "public" (anyone,
# signed in or not); "signed_in"; "not_offered" (the method does not exist: 405). A write
# that is allowed may answer anything but 401/403/404/405 (a 400 from validation means
# access was granted); one that is not must answer 403, 404 or 405; anonymous callers get
# 401 from the API and the sign-in page from pages. Every "post_only" row above and every
# write method of an API endpoint (PUT, PATCH and DELETE of every detail URL, offered or
# not) needs a row here; a missing one fails test_every_write_has_a_row.
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_MAPPING = {"pk": "@mappings.mapping"}
_OTHER_MAPPING = {"pk": "@mappings.mapping#other_area"}
_INTERVENTION = {"pk": "@interventions.intervention"}  # Solna's: nobody here changes it
_OWN_INTERVENTION = {"pk": "@interventions.intervention#own"}  # the City's own


def _not_offered(kwargs: dict) -> list[tuple[str, object, dict]]:
    return [(method, "not_offered", kwargs) for method in ("PUT", "PATCH", "DELETE")]


def _changes(model_label: str, kwargs: dict) -> list[tuple[str, object, dict]]:
    return [
        ("PUT", (model_label, "change"), kwargs),
        ("PATCH", (model_label, "change"), kwargs),
        ("DELETE", "not_offered", kwargs),
    ]


WRITES: dict[str, list[tuple]] = {
    "logout": [("POST", "signed_in", {})],
    "set_language": [("POST", "public", {})],
    "api:scene-list": [("POST", ("scenes.scene", "create"), {})],
    "api:scene-detail": [
        *_changes("scenes.scene", {"ref": "M-JARVA"}),
        ("PATCH", ("scenes.scene#other_area", "change"), {"ref": "M-SOLNA"}),
    ],
    "api:mapping-list": [("POST", ("mappings.mapping", "create"), {})],
    "api:mapping-detail": [
        *_changes("mappings.mapping", _MAPPING),
        ("PATCH", ("mappings.mapping#other_area", "change"), _OTHER_MAPPING),
    ],
    "api:mapping-submit": [
        ("POST", ("mappings.mapping", "submit"), _MAPPING),
        ("POST", ("mappings.mapping#other_area", "submit"), _OTHER_MAPPING),
    ],
    "api:mapping-cosign": [
        ("POST", ("mappings.mapping", "cosign"), _MAPPING),
        ("POST", ("mappings.mapping#other_area", "cosign"), _OTHER_MAPPING),
    ],
    "api:mapping-approve": [("POST", ("mappings.mapping", "approve"), _MAPPING)],
    "api:mapping-return": [("POST", ("mappings.mapping", "approve"), _MAPPING)],  # the manager
    # No body: a caller outside the scope gets 404 before the body is looked at.
    "api:mapping-correct": [("POST", ("mappings.mapping", "correct"), _MAPPING)],
    "api:organisation-detail": _not_offered({"code": "kommun:0184"}),
    "api:method-detail": _not_offered({"code": "hot_spot_patrol"}),
    "api:intervention-detail": _not_offered(_INTERVENTION),
    "api:questionnaire-detail": _not_offered({"version": "2023.1"}),
    "api:evaluation-detail": _not_offered({"pk": "@evaluations.evaluation"}),
    "mappings:questions": [("POST", "signed_in", {})],
    "mappings:submit": [("POST", ("page", "mappings.mapping", "submit"), _MAPPING)],
    "mappings:cosign": [
        ("POST", ("page", "mappings.mapping", "cosign"), _MAPPING),
        ("POST", ("page", "mappings.mapping#other_area", "cosign"), _OTHER_MAPPING),
    ],
    "mappings:approve": [("POST", ("page", "mappings.mapping", "approve"), _MAPPING)],
    "mappings:return": [("POST", ("page", "mappings.mapping", "approve"), _MAPPING)],
    "mappings:correct": [("POST", ("page", "mappings.mapping", "correct"), _MAPPING)],
    "interventions:progress": [
        ("POST", ("page", "interventions.intervention", "change"), _INTERVENTION),
        ("POST", ("page", "interventions.intervention#own", "change"), _OWN_INTERVENTION),
    ],
    "interventions:target_add": [
        ("POST", ("page", "interventions.intervention", "change"), _INTERVENTION),
        ("POST", ("page", "interventions.intervention#own", "change"), _OWN_INTERVENTION),
    ],
    "interventions:status": [
        ("POST", ("page", "interventions.intervention", "change"), _INTERVENTION),
        ("POST", ("page", "interventions.intervention#own", "change"), _OWN_INTERVENTION),
    ],
    "evaluations:early_warning_run": [("POST", ("page", "evaluations.candidate", "create"), {})],
    # Empty bodies: closing a published round and publishing it again are refused (302,
    # 400), reopening without a reason is refused (400); access was granted for those.
    "rounds:close": [("POST", ("page", "mappings.round", "change"), _ROUND)],
    "rounds:publish": [("POST", ("page", "mappings.round", "change"), _ROUND)],
    "rounds:reopen": [("POST", ("page", "mappings.round", "change"), _ROUND)],
}
