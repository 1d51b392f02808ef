"""The demo and reference-data steps the apps register in their AppConfig.ready()."""

from drogscen.core import registry


def test_the_apps_register_their_steps_in_order():
    assert [s.name for s in registry.reference_steps()] == [
        "geography",
        "organisations",
        "questionnaire",
        "methods",
        "outcome_defaults",
    ]
    assert [s.name for s in registry.demo_steps()] == [
        "users",
        "scenes",
        "mappings",
        "interventions",
        "outcomes",
        "evaluations",
        "editions",  # publishes the demo's 2023 and 2024 from what the steps before made
    ]


def test_steps_run_in_the_registered_context_and_by_dotted_path(monkeypatch):
    events = []

    class Context:
        def __enter__(self):
            events.append("enter")

        def __exit__(self, *exc):
            events.append("exit")

    monkeypatch.setattr(registry, "_CONTEXT", [Context])
    steps = [
        registry.Step("one", lambda: events.append("one") or 1, 1),
        registry.Step("two", "os.getcwd", 2),
    ]
    results = registry.run_steps(steps)
    assert results["one"] == 1 and isinstance(results["two"], str)
    assert events == ["enter", "one", "exit"]
