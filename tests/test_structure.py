"""Structural checks on the source tree."""

import ast
from pathlib import Path
from typing import NamedTuple

SRC = Path(__file__).resolve().parent.parent / "src" / "drogscen"

GATE_ONLY = "principal_for"


def gate_bypasses(source: str, filename: str) -> list[str]:
    """`filename:line` of each use (call, attribute, name or import) of `principal_for`
    in the source. Access is decided in core/access.py and the apps' access.py; anywhere
    else a caller asks the gate's API instead of re-deriving scope from memberships."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (
            (isinstance(node, ast.Name) and node.id == GATE_ONLY)
            or (isinstance(node, ast.Attribute) and node.attr == GATE_ONLY)
            or (
                isinstance(node, ast.ImportFrom | ast.Import)
                and any(alias.name.split(".")[-1] == GATE_ONLY for alias in node.names)
            )
        ):
            lines.append(node.lineno)
    return [f"{filename}:{line}" for line in sorted(lines)]


def test_access_decided_only_in_the_gate():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if path.name == "access.py" or "tests" in relative.parts:
            continue
        found += gate_bypasses(path.read_text(encoding="utf-8"), str(relative))
    assert not found, "principal_for used outside the access gate: " + ", ".join(found)


def test_the_gate_checker_reports_a_view_calling_principal_for():
    view = (
        "from drogscen.core import access\n"
        "from drogscen.core.access import principal_for\n"
        "\n"
        "def organisations(request):\n"
        "    principal = access.principal_for(request.user)\n"
        "    return principal_for(request.user).organisation_ids()\n"
    )
    assert gate_bypasses(view, "drogscen/x/views.py") == [
        "drogscen/x/views.py:2",
        "drogscen/x/views.py:5",
        "drogscen/x/views.py:6",
    ]
    assert gate_bypasses("from drogscen.core import access\n", "ok.py") == []


# --------------------------------------------------------------------------- scoped reads

# Models every signed-in user may read in full (their rule answers EVERYTHING for view):
# reference data and configuration. Reading them unscoped reveals nothing.
REFERENCE_DATA = frozenset(
    {
        "CrimeCode",
        "Method",
        "SurveyIndicator",
        "QuestionnaireVersion",
        "MappingSettings",
        "Organisation",
    }
)
# The layers that read for a user: pages, selectors, API, forms, filters, exports, reports.
READ_LAYER_FILES = frozenset(
    {
        "views.py",
        "selectors.py",
        "api.py",
        "reporting.py",
        "forms.py",
        "exporting.py",
        "filters.py",
        "serializers.py",
    }
)
READ_LAYER_PACKAGES = frozenset({"api"})
READ_LAYER_APPS = frozenset({"reports", "dashboards"})
# Calls that scope the queryset they are given: the gate's, and the apps' helpers that
# narrow a queryset by their rules.
SCOPERS = frozenset({"restrict", "get_or_404", "with_writable_data"})
# API views whose `queryset` attribute goes through the gate in get_queryset.
SCOPED_VIEW_BASES = frozenset({"ScopedViewSetMixin", "ScopedReadOnlyViewSet"})


def scoped_models(source: str, filename: str = "<access>") -> set[str]:
    """The names of the models that an access module registers a rule for with the
    decorator `@access.register(Model)` (geo registers its reference geography in a
    loop, `access.register(model)(reference_data_scope)`, which every user reads)."""
    found = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and _called_name(decorator) == "register"
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Name)
                ):
                    found.add(decorator.args[0].id)
    return found


def is_read_layer(relative: Path) -> bool:
    parts = relative.parts
    if "tests" in parts or "migrations" in parts or relative.name == "access.py":
        return False
    return (
        relative.name in READ_LAYER_FILES
        or bool(READ_LAYER_PACKAGES & set(parts[:-1]))
        or parts[0] in READ_LAYER_APPS
    )


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class _Reads(ast.NodeVisitor):
    """Collects `Model.objects` reads with the function (qualified name) they are in."""

    def __init__(self, models: set[str]) -> None:
        self.models = models
        self.parents: dict[ast.AST, ast.AST] = {}
        self.found: list[tuple[str, int, str]] = []
        self.scoped_classes = set(SCOPED_VIEW_BASES)
        self.stack: list[ast.AST] = []

    def walk(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.visit(tree)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if {b.id for b in node.bases if isinstance(b, ast.Name)} & self.scoped_classes:
            self.scoped_classes.add(node.name)
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if (
            node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in self.models
            and not self._scoped(node)
        ):
            name = ".".join(n.name for n in self.stack) or "<module>"
            self.found.append((name, node.lineno, node.value.id))
        self.generic_visit(node)

    def _scoped(self, read: ast.Attribute) -> bool:
        node, statement = read, None
        while node in self.parents:
            child, node = node, self.parents[node]
            if isinstance(node, ast.Call):
                if child is not node.func and _called_name(node) in SCOPERS:
                    return True  # restrict(Model.objects…, user, action)
                if (
                    child is node.func
                    and getattr(child, "attr", "") == "none"
                    and child.value is read
                ):
                    return True  # Model.objects.none() reads nothing
            if isinstance(node, ast.stmt):
                statement = node
                break
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or not self.stack:
            return False
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        names = set().union(*(_names_in(target) for target in targets))
        owner = self.stack[-1]
        if isinstance(owner, ast.ClassDef):
            # `queryset = Model.objects…` of an API view scoped in get_queryset.
            return owner.name in self.scoped_classes and names == {"queryset"}
        # Assigned, then given to a scoper later in the same function.
        return any(
            isinstance(call, ast.Call)
            and _called_name(call) in SCOPERS
            and call.lineno > statement.lineno
            and names & set().union(*(_names_in(arg) for arg in [*call.args, *call.keywords]))
            for call in ast.walk(owner)
        )


class UnscopedRead(NamedTuple):
    filename: str
    function: str  # qualified: "Class.method", "<module>" at the top level
    line: int
    model: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line} {self.model}.objects in {self.function}"


def unscoped_reads(source: str, filename: str, scoped_models: set[str]) -> list[UnscopedRead]:
    """Each read through `Model.objects` of a model with an access rule that does not go
    through the gate: not inside a call of a scoper (`restrict`, `get_or_404`, the apps'
    helpers), not assigned to a name the same function later gives to one, not the
    `queryset` of a scoped API view, and not `Model.objects.none()`."""
    reads = _Reads(scoped_models)
    reads.walk(ast.parse(source, filename=filename))
    return [UnscopedRead(filename, name, line, model) for name, line, model in reads.found]


# The places that read scoped models unscoped on purpose: (file under src/drogscen,
# function) -> why. Keep it short; a user-facing read goes through core.access instead.
ALLOWED_UNSCOPED: dict[tuple[str, str], str] = {
    ("interventions/reporting.py", "collaboration_summary"): (
        "county report: counts of work and targets over all scenes, names no scene"
    ),
    ("mappings/selectors.py", "approved_records"): (
        "counting helper: callers pass the user's readable mappings, none for the county report"
    ),
    ("mappings/selectors.py", "open_scenes_per_year"): (
        "the goal series: open scenes per year in the county, published to everyone"
    ),
    ("outcomes/reporting.py", "report_outcomes"): (
        "county report: sums over the report's scenes (suppressed below 3), no scene named"
    ),
    ("outcomes/selectors.py", "data_calendar"): (
        "the years and latest month with any data in the county: nothing of a scene"
    ),
    ("outcomes/selectors.py", "counted_scenes"): (
        "the fixed set of scenes the county sub-goals are summed over; the view narrows"
        " a breakdown to SCENE_FIGURES"
    ),
    ("outcomes/selectors.py", "_county_crime_goals"): (
        "the county sub-goals: totals for everyone signed in, over counted_scenes"
    ),
    ("outcomes/selectors.py", "_county_safety"): (
        "the county sub-goals: totals for everyone signed in, over counted_scenes"
    ),
    ("reports/editions.py", "round_publish"): (
        "the publishing service: the year's editions, after round_require (the office only)"
    ),
    ("reports/editions.py", "_edition_store"): "the publishing service stores the edition",
    ("reports/editions.py", "latest_editions"): (
        "the public figures: each published year's latest edition, public by publishing"
    ),
    ("reports/editions.py", "published_years"): "the public figures: which years are published",
    ("reports/editions.py", "edition_latest"): (
        "report_for_year: the edition only for a caller who sees the county's breakdowns"
    ),
    ("reports/builder.py", "approved_mappings"): "county report: every scene's latest mapping",
    ("reports/builder.py", "report_years"): "county report: the years with approved mappings",
    ("reports/builder.py", "_areas_at_year_end"): "county report: areas of the counted scenes",
    ("reports/builder.py", "report_build"): (
        "county report: county-wide counts; breakdowns narrowed by _restrict_breakdowns"
    ),
    ("reports/builder.py", "series_by_area"): (
        "dashboards' series: open scenes per year per municipality and area, counts only"
    ),
    ("reports/builder.py", "area_figures"): (
        "county report's rules for one area; the user's figures narrowed by visible_scene_ids"
    ),
    ("reports/builder.py", "interventions_summary"): (
        "county report: interventions active in the year, counted per method"
    ),
}


def _scoped_models_of_the_project() -> set[str]:
    found = set()
    for path in sorted(SRC.rglob("access.py")):
        found |= scoped_models(path.read_text(encoding="utf-8"), str(path))
    return found - REFERENCE_DATA


def allow_list_problems(
    reads: list[UnscopedRead], allowed: dict[tuple[str, str], str]
) -> list[str]:
    """The unscoped reads outside the allow-list, and the allow-list's stale entries."""
    places = {(read.filename, read.function) for read in reads}
    problems = [
        f"unscoped read: {read}" for read in reads if (read.filename, read.function) not in allowed
    ]
    problems += [
        f"stale ALLOWED_UNSCOPED entry (no unscoped read left): {filename} {function}"
        for filename, function in sorted(set(allowed) - places)
    ]
    return problems


def test_scoped_models_are_read_through_the_gate():
    models = _scoped_models_of_the_project()
    assert {"Scene", "Mapping", "Indicator", "AuditEntry"} <= models
    reads = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if is_read_layer(relative):
            reads += unscoped_reads(path.read_text(encoding="utf-8"), relative.as_posix(), models)
    problems = allow_list_problems(reads, ALLOWED_UNSCOPED)
    assert not problems, "go through core.access.restrict:\n" + "\n".join(problems)


VIEW_READING_SCENES = """\
from drogscen.core import access
from drogscen.scenes.models import Scene


def unscoped(request):
    return Scene.objects.filter(name__icontains=request.GET["q"])


def wrapped(request):
    return access.restrict(Scene.objects.filter(closed_on=None), request.user)


def assigned_then_restricted(request):
    scenes = Scene.objects.filter(closed_on=None)
    if request.GET.get("q"):
        scenes = scenes.filter(name__icontains=request.GET["q"])
    return access.get_or_404(scenes, request.user, access.VIEW, ref=request.GET["ref"])


def restricted_before_assigned(request):
    access.restrict(Scene.objects.none(), request.user)
    scenes = Scene.objects.all()
    return scenes


class Scenes:
    queryset = Scene.objects.all()
"""


def test_the_read_checker_reports_a_view_reading_scenes_unscoped():
    found = unscoped_reads(VIEW_READING_SCENES, "x/views.py", {"Scene"})
    assert [(read.function, read.line) for read in found] == [
        ("unscoped", 6),
        ("restricted_before_assigned", 22),
        ("Scenes", 27),  # not an API view scoped in get_queryset
    ]
    assert unscoped_reads(VIEW_READING_SCENES, "x/views.py", {"Mapping"}) == []
    assert is_read_layer(Path("scenes/views.py")) and is_read_layer(Path("scenes/api/ogc.py"))
    assert not is_read_layer(Path("scenes/services.py"))
    assert not is_read_layer(Path("scenes/tests/test_views.py"))


def test_the_read_checker_accepts_the_queryset_of_a_scoped_api_view():
    api = (
        "from drogscen.core.api import ScopedViewSetMixin\n"
        "class _Scoped(ScopedViewSetMixin):\n"
        "    pass\n"
        "class SceneViewSet(_Scoped):\n"
        "    queryset = Scene.objects.with_places()\n"
    )
    assert unscoped_reads(api, "x/api.py", {"Scene"}) == []


def test_the_read_checker_finds_the_models_with_a_rule():
    rules = (
        "@access.register(Scene)\n"
        "def scene_scope(principal, action): ...\n"
        "@access.register(AuditEntry, action=SCENE_HISTORY)\n"
        "def history_scope(principal, action): ...\n"
        "def scene_condition(principal, action): ...\n"
    )
    assert scoped_models(rules) == {"Scene", "AuditEntry"}


def test_a_stale_allow_list_entry_fails():
    reads = unscoped_reads(VIEW_READING_SCENES, "x/views.py", {"Scene"})
    allowed = {
        ("x/views.py", "unscoped"): "a county-wide count",
        ("x/views.py", "restricted_before_assigned"): "a county-wide count",
        ("x/views.py", "Scenes"): "a county-wide count",
    }
    assert allow_list_problems(reads, allowed) == []
    stale = {**allowed, ("x/views.py", "wrapped"): "once read unscoped"}
    assert allow_list_problems(reads, stale) == [
        "stale ALLOWED_UNSCOPED entry (no unscoped read left): x/views.py wrapped"
    ]
    del allowed[("x/views.py", "unscoped")]
    assert allow_list_problems(reads, allowed) == [
        "unscoped read: x/views.py:6 Scene.objects in unscoped"
    ]


# --------------------------------------------------------------------------- service signatures

# The acting user is `by` in a service and `fetched_by` in a selector (HackSoft style).
ACTING_USER = {"services.py": "by", "selectors.py": "fetched_by"}
USER_NAMES = frozenset({"by", "fetched_by", "user"})
# Public functions of services.py/selectors.py that keep positional parameters: small pure
# helpers that act for nobody and read nothing scoped to a user, each with why.
POSITIONAL_HELPERS = {
    "accounts/services.py::municipality_code": "pure: the organisation code of a municipality",
    "accounts/services.py::police_area_code": "pure: the organisation code of a police area",
    "mappings/services.py::near_transit_prefill": "pure: the answer a station distance suggests",
    "mappings/services.py::mapping_window": "a date rule of the settings; docs cite (year)",
    "mappings/services.py::mapping_deadline": "a date rule of the settings; docs cite (year)",
    "outcomes/selectors.py::verdict_of": "pure wording: whether a change goes the right way",
    "outcomes/selectors.py::change_sentence": "pure wording: the subject, then keywords",
    "outcomes/selectors.py::survey_value": "pure wording: a survey figure as shown",
    "outcomes/selectors.py::survey_row": "pure: a survey figure with its interval",
    "outcomes/selectors.py::survey_sentence": "pure wording: a survey series' change",
    "scenes/selectors.py::changed_fields": "pure: the names of the fields edits touched",
    "evaluations/selectors.py::outcome_label": "pure wording: an outcome's name",
    "evaluations/selectors.py::pooled_verdict": "pure: the verdict of pooled results",
    "evaluations/services.py::month_key": "pure calendar arithmetic of the periods",
    "evaluations/services.py::month_label": "pure calendar arithmetic of the periods",
    "evaluations/services.py::month_start": "pure calendar arithmetic of the periods",
    "evaluations/services.py::month_end": "pure calendar arithmetic of the periods",
    "evaluations/services.py::default_periods": "pure: the periods around a start date",
    "evaluations/services.py::polygon_series": "a count of events in a drawn area, no user",
    "evaluations/services.py::verdict_of": "pure: the verdict of an effect size",
    "evaluations/services.py::results_compute": "pure: the results of a stored snapshot",
    "evaluations/services.py::snapshot_digest": "pure: the SHA-256 of a snapshot",
}
# To do (issue #13): the files another change is rewriting; the lead empties this list.
SIGNATURES_TO_DO: frozenset[str] = frozenset()


def signature_problems(source: str, filename: str, helpers: dict[str, str]) -> list[str]:
    """`filename::function: problem` for each public function of a services.py or
    selectors.py whose acting user is not keyword-only, annotated and rightly named, or
    which takes positional parameters without being one of the pure `helpers`."""
    expected = ACTING_USER[Path(filename).name]
    problems = []
    for node in ast.parse(source, filename=filename).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name.startswith("_"):
            continue
        where = f"{filename}::{node.name}"
        args = node.args
        positional = [a.arg for a in args.posonlyargs + args.args]
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            if arg.arg not in USER_NAMES:
                continue
            if arg.arg != expected:
                problems.append(f"{where}: the acting user is `{expected}`, not `{arg.arg}`")
            if arg.arg in positional:
                problems.append(f"{where}: `{arg.arg}` is not keyword-only")
            if arg.annotation is None:
                problems.append(f"{where}: `{arg.arg}` has no type (core.types.User)")
        if positional and where not in helpers:
            problems.append(f"{where}: positional parameters {positional} (use `*,`)")
    return problems


def _services_and_selectors() -> list[tuple[str, str]]:
    return [
        (path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(SRC.rglob("*.py"))
        if path.name in ACTING_USER and "tests" not in path.relative_to(SRC).parts
    ]


def test_services_and_selectors_take_keywords_and_a_typed_acting_user():
    problems = []
    defined = set()
    for filename, source in _services_and_selectors():
        if filename in SIGNATURES_TO_DO:
            continue
        problems += signature_problems(source, filename, POSITIONAL_HELPERS)
        defined |= {
            f"{filename}::{node.name}"
            for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (node.args.posonlyargs or node.args.args)
        }
    problems += [
        f"stale POSITIONAL_HELPERS entry: {entry}"
        for entry in sorted(set(POSITIONAL_HELPERS) - defined)
    ]
    assert not problems, "\n".join(problems)


def test_the_signature_checker_reports_a_made_up_offender():
    services = (
        "def _helper(mapping, by): ...\n"
        "def mapping_submit(*, mapping, by: User | None = None): ...\n"
        "def mapping_cosign(mapping, by): ...\n"
        "def mapping_list(*, fetched_by: User): ...\n"
        "def mapping_window(year): ...\n"
    )
    assert signature_problems(services, "x/services.py", {}) == [
        "x/services.py::mapping_cosign: `by` is not keyword-only",
        "x/services.py::mapping_cosign: `by` has no type (core.types.User)",
        "x/services.py::mapping_cosign: positional parameters ['mapping', 'by'] (use `*,`)",
        "x/services.py::mapping_list: the acting user is `by`, not `fetched_by`",
        "x/services.py::mapping_window: positional parameters ['year'] (use `*,`)",
    ]
    helpers = {"x/services.py::mapping_window": "pure: a date rule"}
    assert signature_problems(services, "x/services.py", helpers)[-1].startswith(
        "x/services.py::mapping_list"
    )
    selectors = "def scene_outcomes(*, scene, user: User): ...\n"
    assert signature_problems(selectors, "x/selectors.py", {}) == [
        "x/selectors.py::scene_outcomes: the acting user is `fetched_by`, not `user`"
    ]


# --------------------------------------------------------------------------- local imports

# To do (issue #13): the files another change is rewriting; the lead empties this list.
LOCAL_IMPORTS_TO_DO: frozenset[str] = frozenset()


def _imports_a_project_module(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return bool(node.level) or (node.module or "").split(".")[0] == "drogscen"
    return any(alias.name.split(".")[0] == "drogscen" for alias in node.names)


def uncommented_local_imports(source: str, filename: str) -> list[str]:
    """`filename:line` of each import of a drogscen module inside a function with no
    comment saying why: on one of its lines, or on the line above it (or above the run
    of imports it stands in). At the module top the import would run once and show in
    tests/test_layers.py's cycle and layer checks; hidden in a function it needs a reason
    (a model not loaded yet in apps.py, a heavy library, a cycle)."""
    lines = source.splitlines()
    tree = ast.parse(source, filename=filename)
    local: dict[int, ast.Import | ast.ImportFrom] = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    local[id(node)] = node
    import_lines = {
        line for node in local.values() for line in range(node.lineno, node.end_lineno + 1)
    }
    found = []
    for node in local.values():
        if not _imports_a_project_module(node):
            continue
        own = lines[node.lineno - 1 : node.end_lineno]
        above = node.lineno - 1
        while above in import_lines:
            above -= 1
        if any("#" in line for line in own):
            continue
        if above >= 1 and lines[above - 1].strip().startswith("#"):
            continue
        found.append(node.lineno)
    return [f"{filename}:{line}" for line in sorted(set(found))]


def test_imports_inside_functions_say_why():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if {"tests", "migrations"} & set(relative.parts) or relative.parts[0] in (
            LOCAL_IMPORTS_TO_DO
        ):
            continue
        found += uncommented_local_imports(path.read_text(encoding="utf-8"), relative.as_posix())
    assert not found, (
        "move these imports to the module top, or say on the line above why they stay "
        "in the function:\n" + "\n".join(found)
    )


def test_the_local_import_checker_reports_a_made_up_offender():
    source = (
        "from drogscen.core import access\n"
        "\n"
        "def ready():\n"
        "    # ready(): the models are loaded only now\n"
        "    from drogscen.x import access\n"
        "    from drogscen.x import signals\n"
        "\n"
        "def chart():\n"
        "    import matplotlib\n"
        "    from . import charts  # matplotlib: loaded only when a chart is drawn\n"
        "    from drogscen.x.models import Scene\n"
        "    import drogscen.y\n"
        "    return Scene\n"
    )
    assert uncommented_local_imports(source, "x/views.py") == ["x/views.py:11", "x/views.py:12"]
