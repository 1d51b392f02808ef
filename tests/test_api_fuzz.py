"""A schema-driven fuzzer over every operation of the API (#15, #16): schemathesis reads
the OpenAPI from /api/schema/, generates requests that fit it and requests that do not, and
sends them through the WSGI app as a coordination-office editor and as a local-police-area
editor, on the demo county, with ids in paths that hit real objects as well as generated
ones. No answer may be a server error, and every answer must be one the schema describes:
a documented status code, a documented content type, a body that fits the schema.

Bounded: a fixed, derandomized number of examples per operation and kind of request, no
shrinking, so the run is the same every time and takes a minute or two.

The operations are run in a loop rather than through schemathesis' pytest integration
(`schemathesis.pytest.from_fixture`): that needs the signed-in schema from a function
fixture, and it touches a pytest internal (`Node._nodeid`) that pytest 9.2 no longer has."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from drogscen.core import access
from drogscen.evaluations.models import Evaluation
from drogscen.interventions.models import Intervention, Method
from drogscen.mappings.models import Mapping
from drogscen.questionnaires.models import QuestionnaireVersion
from drogscen.reports.models import Edition
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # per operation and kind of request (three kinds, see run_operation)

ROLES = {
    "coordination-office-editor": ("samordningskansliet", "editor"),
    "police-area-editor": ("lpo:jarva", "editor"),
}

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the run stays bounded
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
)


def first(model, user, action=access.VIEW, **lookups):
    """The first object of the model the user may see (or change), in a fixed order."""
    objects = access.restrict(model.objects.filter(**lookups), user, action).order_by("pk")
    return objects.first()


def real_path_values(user) -> dict[str, dict[str, str]]:
    """Per path prefix, path parameter values naming demo objects this user sees (for
    writes, where there is one, an object the user may change)."""
    scene = first(Scene, user, access.CHANGE) or first(Scene, user)
    mapping = first(Mapping, user, access.CHANGE) or first(Mapping, user, scene=scene)
    edition = Edition.objects.order_by("year").first()
    objects = {
        "/api/v1/collections/": {"collection_id": "scenes", "ref": scene.ref},
        "/api/v1/scenes/": {"ref": scene.ref},
        "/api/v1/mappings/": {"id": mapping.pk},
        "/api/v1/evaluations/": {"id": getattr(first(Evaluation, user), "pk", None)},
        "/api/v1/interventions/": {"id": getattr(first(Intervention, user), "pk", None)},
        "/api/v1/methods/": {"code": Method.objects.order_by("pk").first().code},
        "/api/v1/organisations/": {"code": "lpo:jarva"},
        "/api/v1/questionnaires/": {
            "version": QuestionnaireVersion.objects.filter(published_at__isnull=False)
            .order_by("pk")
            .first()
            .version
        },
        "/api/v1/reports/": {"year": getattr(edition, "year", None)},
    }
    return {
        prefix: {name: str(value) for name, value in values.items() if value is not None}
        for prefix, values in objects.items()
    }


def path_values_for(path: str, real: dict) -> dict[str, str]:
    """The real values for this operation's path parameters."""
    names = set(re.findall(r"{(\w+)}", path))
    for prefix, values in real.items():
        if path.startswith(prefix):
            return {name: value for name, value in values.items() if name in names}
    return {}


def run_operation(operation, headers: dict, real: dict) -> Counter:
    """Fuzz one operation: requests that fit the schema with real objects in the path,
    with generated paths, and requests that do not fit. The status codes answered."""
    statuses = Counter()
    fixed = path_values_for(operation.path, real)
    strategies = [
        (GenerationMode.POSITIVE, fixed),
        (GenerationMode.POSITIVE, None),
        (GenerationMode.NEGATIVE, None),
    ]
    for mode, path_parameters in strategies if fixed else strategies[1:]:
        strategy = operation.as_strategy(mode, path_parameters=path_parameters)

        @FUZZ_SETTINGS
        @given(case=strategy)
        def fuzz(case):
            # Each case in a savepoint rolled back afterwards: a write of one example is
            # not there for the next one, and nothing is left for other tests.
            with transaction.atomic():
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)
            statuses[response.status_code] += 1

        try:
            fuzz()
        except Unsatisfiable:
            # Nothing to get wrong: no parameters and no body (the OGC landing pages), or
            # only path strings, which any text fits.
            if mode is not GenerationMode.NEGATIVE:
                raise
    return statuses


@pytest.fixture
def wsgi_app():
    """The Django WSGI app as a server runs it, but keeping the test's database
    connection: at each request's start and end Django closes a connection that is not in
    autocommit, which the test's transaction never is (on PostgreSQL that ends it).
    Django's own test client unhooks the same signal."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_answers_as_the_schema_says(
    role, demo_county, make_user, settings, wsgi_app
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' host
    code, kind = ROLES[role]
    user = make_user(code, kind)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    real = real_path_values(user)
    failures, answered = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            answered[operation.label] = run_operation(operation, headers, real)
        # schemathesis' FailureGroup is a BaseExceptionGroup: every operation is run, and
        # every operation's failure is reported.
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    print("\n".join(f"{label}: {dict(statuses)}" for label, statuses in answered.items()))
    assert len(answered) + len(failures) > 30
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    # The fuzzer got past the checks: every read was answered with data at least once.
    unanswered = [
        label
        for label, statuses in answered.items()
        if label.startswith("GET") and not any(200 <= code < 300 for code in statuses)
    ]
    assert not unanswered, unanswered
