"""The access matrix: every organisation kind × role × action against the one access
mechanism and against the endpoints (DESIGN §5)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.views import APIView

from drogscen.accounts.models import Membership, Organisation
from drogscen.audit.models import AuditEntry
from drogscen.core import access
from drogscen.geo.models import District, DistrictBoundary, LocalPoliceArea, Municipality, Station
from drogscen.mappings.models import CoSignature, Mapping, MappingSettings, Round
from drogscen.questionnaires.models import QuestionnaireVersion
from drogscen.reports.editions import round_publish
from drogscen.scenes.models import SceneLink
from tests.access_matrix import (
    ACTIONS,
    ENDPOINTS,
    MAPPING_ACTIONS,
    MODEL_MATRIX,
    NAMESPACES,
    ORGANISATION_OF_KIND,
    ROLES,
    WRITE_METHODS,
    WRITES,
)

ACTION_OF = {
    "list": access.VIEW,
    "view": access.VIEW,
    "create": access.ADD,
    "change": access.CHANGE,
    "delete": access.DELETE,
    **{action: action for action in MAPPING_ACTIONS},
}
COMBINATIONS = [(kind, role) for kind in ORGANISATION_OF_KIND for role in ROLES]


def label(model) -> str:
    return model._meta.label_lower


def mapping_sample(scene, municipality_code, year=2024):
    from drogscen.mappings.services import mapping_create

    mapping = mapping_create(
        scene=scene,
        year=year,
        mapped_on=date(year, 10, 1),
        participants=[Organisation.objects.get(code=municipality_code)],
        answers={"criteria": ["persistent"]},
    )
    return mapping


def outcome_samples(scene, someone_else) -> dict:
    from django.core.files.base import ContentFile

    from drogscen.core.models import FileImport
    from drogscen.outcomes import models as outcomes

    # Shipped with the reference data (outcomes/data/survey_indicators.json).
    indicator, _ = outcomes.SurveyIndicator.objects.get_or_create(
        code="unsafe_evening",
        defaults={
            "name_sv": "Otrygg ute sent på kvällen",
            "name_en": "Unsafe outdoors late in the evening",
            "unit": "percent",
            "direction": "lower",
        },
    )
    upload = FileImport(
        kind="events",
        original_name="brott.csv",
        options={"source": "polisen", "crs": "EPSG:3006", "skip_invalid": False},
        created_by=someone_else,
    )
    upload.file.save("brott.csv", ContentFile(b"event_id,occurred_at,crime_code,x,y\n"), save=True)
    return {
        "outcomes.crimecode": outcomes.CrimeCode.objects.create(
            code="9999", name_sv="Provkod", categories=["violent"]
        ),
        "outcomes.surveyindicator": indicator,
        "outcomes.crimeevent": outcomes.CrimeEvent.objects.create(
            source="polisen",
            event_id="1",
            occurred_at=timezone.now(),
            crime_code="9999",
            x=670_000.0,
            y=6_585_000.0,
        ),
        "outcomes.eventtile": outcomes.EventTile.objects.create(
            source="polisen", tile_x=335, tile_y=3292, rows=0, columns=b""
        ),
        "core.fileimport": upload,
        "outcomes.indicator": outcomes.Indicator.objects.create(
            scene=scene, zone="inside", category="violent", year=2025, month=3, count=4
        ),
        "outcomes.aggregatedcount": outcomes.AggregatedCount.objects.create(
            scene=scene, year=2019, zone="inside", category="violent", count=12
        ),
        "outcomes.surveyresult": outcomes.SurveyResult.objects.create(
            scene=scene, year=2025, indicator=indicator, value=41.0, respondents=220
        ),
        "outcomes.youthsignal": outcomes.YouthSignal.objects.create(
            scene=scene, year=2025, quarter=1, indicator="minors_encountered", count=5
        ),
    }


def intervention_samples(scene) -> dict:
    from drogscen.interventions.models import Method
    from drogscen.interventions.services import intervention_create, progress_report, target_add

    methods = [Method.objects.get(code="hot_spot_patrol")]
    solna = Organisation.objects.get(code="kommun:0184")
    at_scene = intervention_create(
        organisation=solna,
        title="Trygghetsvandringar",
        methods=methods,
        scenes=[scene],
        starts_on=date(2025, 1, 1),
    )
    target = target_add(
        intervention=at_scene,
        description="Minst 12 vandringar",
        unit="trygghetsvandringar",
        planned_quantity=12,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    progress = progress_report(target=target, period=date(2025, 1, 1), actual_quantity=3)
    solna_wide = intervention_create(
        organisation=solna,
        title="Kommunövergripande arbete",
        methods=methods,
        municipality=solna.municipality,
        starts_on=date(2025, 1, 1),
    )
    stockholm = Organisation.objects.get(code="kommun:0180")
    own = intervention_create(
        organisation=stockholm,
        title="Stadens arbete",
        methods=methods,
        municipality=stockholm.municipality,
        starts_on=date(2025, 1, 1),
    )
    return {
        "interventions.method": methods[0],
        "interventions.intervention": at_scene,
        "interventions.intervention#other_municipality": solna_wide,
        "interventions.intervention#own": own,
        "interventions.target": target,
        "interventions.targetprogress": progress,
    }


def evaluation_samples(jarva_scene, solna_scene, intervention) -> dict:
    from drogscen.evaluations.models import Candidate, Evaluation
    from drogscen.geo.models import LocalPoliceArea

    evaluation = Evaluation.objects.create(
        scene=jarva_scene,
        outcome="violent",
        before_start=date(2024, 1, 1),
        before_end=date(2024, 12, 31),
        after_start=date(2025, 1, 1),
        after_end=date(2025, 12, 31),
        control_kind="automatic",
        results={"verdict": "inconclusive", "res": {"res": 1.1, "ci_low": 0.8, "ci_high": 1.5}},
    )
    evaluation.interventions.set([intervention])

    def candidate(scene, lpo):
        return Candidate.objects.create(
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            cell_m=250,
            geometry=scene.geometry,
            centre_x=670_000.0,
            centre_y=6_585_000.0,
            cells=1,
            events=12,
            previous_events=3,
            max_z=6.0,
            municipality=scene.municipality,
            local_police_area=LocalPoliceArea.objects.get(slug=lpo),
        )

    return {
        "evaluations.evaluation": evaluation,
        "evaluations.candidate": candidate(jarva_scene, "jarva"),
        "evaluations.candidate#other_area": candidate(solna_scene, "solna"),
    }


@pytest.fixture
def samples(db, django_user_model, scene_factory):
    """One object of every model, outside the acting user's organisation."""
    other = django_user_model.objects.create_user("other-person", password="pw")
    membership = Membership.objects.create(
        user=other, organisation=Organisation.objects.get(code="kommun:0184"), role="viewer"
    )
    from drogscen.audit.recorder import record

    entry = record(action="read", model=Municipality, object_id=1)
    jarva_scene = scene_factory(ref="M-JARVA", lpo="jarva", lon=17.9280, lat=59.3880)
    solna_scene = scene_factory(ref="M-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)
    link = SceneLink.objects.create(
        kind="split",
        source=jarva_scene,
        target=scene_factory(ref="M-JARVA-2", lpo="jarva", lon=17.9300, lat=59.3890),
        on=jarva_scene.identified_on,
    )
    mapping = mapping_sample(jarva_scene, "kommun:0180")
    other_mapping = mapping_sample(solna_scene, "kommun:0184")
    # An approved mapping gives the county report a year to report on.
    Mapping.objects.filter(pk=other_mapping.pk).update(status="approved")
    participant_mapping = mapping_sample(solna_scene, "kommun:0184", year=2023)
    participant_mapping.participants.add(Organisation.objects.get(code="kommun:0180"))
    cosignature = CoSignature.objects.create(
        mapping=mapping,
        organisation=Organisation.objects.get(code="kommun:0180"),
        signed_at=timezone.now(),
    )
    # The 2024 round, published: its edition is the county report of the approved mapping.
    edition = round_publish(year=2024, by=None)
    interventions = intervention_samples(jarva_scene)
    return {
        **interventions,
        **outcome_samples(jarva_scene, other),
        **evaluation_samples(jarva_scene, solna_scene, interventions["interventions.intervention"]),
        "questionnaires.questionnaireversion": QuestionnaireVersion.objects.first(),
        "mappings.mappingsettings": MappingSettings.objects.create(),
        "mappings.mapping": mapping,
        "mappings.mapping#other_area": other_mapping,
        "mappings.mapping#participant": participant_mapping,
        "mappings.cosignature": cosignature,
        "mappings.round": Round.objects.get(year=2024),
        "reports.edition": edition,
        "scenes.scene": jarva_scene,
        "scenes.scene#other_area": solna_scene,
        "scenes.scenegeometryversion": jarva_scene.geometry_versions.get(),
        "scenes.scenelink": link,
        "accounts.organisation": Organisation.objects.get(code="kommun:0184"),
        "accounts.membership": membership,
        "auth.user": other,
        "geo.municipality": Municipality.objects.get(code="0184"),
        "geo.district": District.objects.get(name="Järva"),
        "geo.districtboundary": DistrictBoundary.objects.first(),
        "geo.localpolicearea": LocalPoliceArea.objects.get(slug="solna"),
        "geo.station": Station.objects.first(),
        "audit.auditentry": entry,
    }


def test_every_model_with_an_access_rule_has_a_row():
    registered = {label(model) for model in access.registered_models()}
    labels = {name.split("#")[0] for name in MODEL_MATRIX}
    assert registered == labels, "add the new model's rows to tests/access_matrix.py"
    for rows in MODEL_MATRIX.values():
        assert set(ACTIONS) <= set(rows) <= set(ACTIONS) | set(MAPPING_ACTIONS)


def test_every_project_model_is_covered_by_an_access_rule():
    ours = {
        label(model)
        for model in apps.get_models()
        if model.__module__.startswith("drogscen.")
        and model._meta.app_label not in {"core"}
        and model.__name__ not in {"AuditHead"}
    }
    assert ours <= {name.split("#")[0] for name in MODEL_MATRIX}


@pytest.mark.parametrize(("kind", "role"), COMBINATIONS)
def test_model_matrix(kind, role, make_user, samples):
    user = make_user(ORGANISATION_OF_KIND[kind], role)
    failures = []
    for model_label, rows in MODEL_MATRIX.items():
        model = apps.get_model(model_label.split("#")[0])
        obj = samples[model_label]
        for action, rule in rows.items():
            expected = rule(kind, role)
            queryset = access.restrict(model._default_manager.all(), user, ACTION_OF[action])
            if action == "create":
                actual = access.can(user, access.ADD, model)
            else:
                actual = queryset.filter(pk=obj.pk).exists()
            if actual != expected:
                failures.append(f"{model_label}.{action}: expected {expected}, got {actual}")
    assert not failures, f"{kind}/{role}: " + "; ".join(failures)


def test_superuser_sees_and_changes_everything(make_user, samples):
    admin = make_user(superuser=True)
    for model_label, obj in samples.items():
        model = apps.get_model(model_label.split("#")[0])
        assert (
            access.restrict(model._default_manager.all(), admin, access.CHANGE)
            .filter(pk=obj.pk)
            .exists()
        )


def test_user_without_organisation_sees_only_shared_reference_data(make_user, samples):
    loner = make_user(None)
    assert not access.restrict(AuditEntry.objects.all(), loner).exists()
    assert not access.can(loner, access.CHANGE, Municipality)


def _patterns(resolver=None, namespace="", prefix=""):
    """(URL name with namespace or None, pattern, route) of every URL outside the
    namespaces checked as a whole."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = item.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if full in NAMESPACES:
                continue
            yield from _patterns(item, full, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            if item.name and "format" in str(item.pattern):
                continue  # DRF's format-suffix copy of a named route
            name = item.name and (f"{namespace}:{item.name}" if namespace else item.name)
            yield name, item, prefix + str(item.pattern)


def _url_names():
    return {name for name, _, _ in _patterns() if name}


# Unnamed URLs that need no row: files served in development.
UNNAMED_ALLOWED_MODULES = ("django.views.static", "django.contrib.staticfiles", "debug_toolbar")


def test_every_url_has_a_name():
    """A URL without a name cannot have a row, so it would escape the matrix."""
    unnamed = [
        route
        for name, pattern, route in _patterns()
        if not name and not pattern.lookup_str.startswith(UNNAMED_ALLOWED_MODULES)
    ]
    assert not unnamed, f"name these URL patterns and give them rows: {unnamed}"


def test_every_url_has_a_row():
    names = _url_names()
    missing = names - set(ENDPOINTS)
    assert not missing, f"URLs without a row in tests/access_matrix.py: {sorted(missing)}"


def _api_write_methods(pattern) -> set[str]:
    """The write methods an API view answers: a viewset route's actions, or the handler
    methods of an API view class. Page views (functions) cannot say; their writes are
    found through their "post_only" rows."""
    callback = pattern.callback
    if getattr(callback, "actions", None):
        methods = set(callback.actions)
    elif isinstance(getattr(callback, "cls", None), type) and issubclass(callback.cls, APIView):
        methods = {m for m in callback.cls.http_method_names if hasattr(callback.cls, m)}
    else:
        return set()
    methods = {m.upper() for m in methods} & set(WRITE_METHODS)
    if pattern.name and pattern.name.endswith("-detail"):
        methods |= {"PUT", "PATCH", "DELETE"}  # offered or not, who may is checked
    return methods


def test_every_write_has_a_row():
    """Every POST-only page and every write method of the API is sent as every kind and
    role (test_endpoints), so it needs its row in WRITES."""
    required = {
        (name, "POST")
        for name, cases in ENDPOINTS.items()
        for rule, _ in (cases if isinstance(cases, list) else [cases])
        if rule == "post_only"
    }
    for name, pattern, _ in _patterns():
        if name:
            required |= {(name, method) for method in _api_write_methods(pattern)}
    present = {(name, case[0]) for name, cases in WRITES.items() for case in cases}
    missing = sorted(required - present)
    assert not missing, f"writes without a row in WRITES (tests/access_matrix.py): {missing}"
    assert set(WRITES) <= set(ENDPOINTS)
    assert {case[0] for cases in WRITES.values() for case in cases} <= set(WRITE_METHODS)


def expected_status(rule, kind: str | None, role: str | None) -> set[int]:
    signed_in = kind is not None
    if rule == "public":
        return {200}
    if rule == "sign_in_page":  # a signed-in user is sent on to the start page
        return {302} if signed_in else {200}
    if rule == "post_only":
        return {405, 302}
    if rule == "signed_in":
        return {200} if signed_in else {302}
    if rule == "redirect":  # an old address sent on (anonymous callers to sign in)
        return {302}
    if rule == "api_signed_in":
        return {200} if signed_in else {401}
    if rule == "signed_in_bad_request":
        return {400} if signed_in else {302}
    if rule[0] == "page":
        _, model_label, action = rule
        if not signed_in:
            return {302}
        return {200} if MODEL_MATRIX[model_label][action](kind, role) else {404}
    model_label, action = rule
    if not signed_in:
        return {401}
    return {200} if MODEL_MATRIX[model_label][action](kind, role) else {404}


REFUSED = {403, 404, 405}


def write_problem(rule, kind: str | None, role: str | None, response) -> str | None:
    """Whether a write (empty body) was refused or let through as WRITES says: allowed
    is anything but a refusal (a 400 from validation means access was granted), refused
    is 403, 404 or 405; anonymous callers get 401 from the API and the sign-in page from
    pages."""
    status, signed_in = response.status_code, kind is not None
    api = response.wsgi_request.path.startswith("/api/")
    to_sign_in = status == 302 and response["Location"].startswith(reverse("login"))
    if rule == "public":
        allowed = True
    elif not signed_in:
        # A method an API view lacks may be refused before the caller is asked who they are.
        ok = status in ({401, 405} if rule == "not_offered" else {401}) if api else to_sign_in
        return None if ok else f"{status} for an anonymous caller"
    elif rule == "not_offered":
        allowed = False
    elif rule == "signed_in":
        allowed = True
    elif rule[0] == "page":
        allowed = MODEL_MATRIX[rule[1]][rule[2]](kind, role)
    else:
        allowed = MODEL_MATRIX[rule[0]][rule[1]](kind, role)
    if allowed:
        ok = status < 500 and status not in REFUSED | {401}
        return None if ok else f"{status}, expected to be let through"
    return None if status in REFUSED else f"{status}, expected 403/404/405"


def _arguments(kwargs, samples):
    # "@label" names the primary key of a sample object.
    return {
        key: samples[value[1:]].pk if str(value).startswith("@") else value
        for key, value in kwargs.items()
    }


@pytest.mark.parametrize(("kind", "role"), [*COMBINATIONS, (None, None)])
def test_endpoints(kind, role, client, make_user, samples):
    user = make_user(ORGANISATION_OF_KIND[kind], role) if kind else None
    if user:
        client.force_login(user)
    failures = []
    for name, cases in ENDPOINTS.items():
        for rule, kwargs in cases if isinstance(cases, list) else [cases]:
            kwargs = _arguments(kwargs, samples)
            response = client.get(reverse(name, kwargs=kwargs))
            if response.status_code not in expected_status(rule, kind, role):
                failures.append(f"{name} {kwargs}: {response.status_code}")
    # Writes with an empty body, each undone afterwards so the samples stay as they are.
    for name, cases in WRITES.items():
        for method, rule, kwargs, *body in cases:
            kwargs = _arguments(kwargs, samples)
            url = reverse(name, kwargs=kwargs)
            send = getattr(client, method.lower())
            body = body[0] if body else {}
            with transaction.atomic():
                if url.startswith("/api/"):
                    response = send(url, json.dumps(body), content_type="application/json")
                else:
                    response = send(url, body) if method == "POST" else send(url)
                transaction.set_rollback(True)
            if problem := write_problem(rule, kind, role, response):
                failures.append(f"{method} {name} {kwargs}: {problem}")
            if user and "_auth_user_id" not in client.session:
                client.force_login(user)  # signed out by the write (or its undoing)
    assert not failures, f"{kind}/{role}: " + ", ".join(failures)


@pytest.mark.parametrize(("kind", "role"), [*COMBINATIONS, (None, None)])
def test_admin_is_for_county_wide_editors(kind, role, client, make_user):
    if kind:
        client.force_login(make_user(ORGANISATION_OF_KIND[kind], role))
    response = client.get(reverse("admin:index"))
    allowed = kind in {"coordination", "police_region"} and role in {"editor", "manager"}
    assert response.status_code == (200 if allowed else 302)
