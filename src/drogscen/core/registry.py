"""Steps that `core`'s `demo` and `load_reference_data` commands run, registered by the
domain apps in their `AppConfig.ready()` (core sits below them and imports none).

A reference step is called as ``func(refresh=bool)``, a demo step as ``func()``; `func`
may be a dotted path, imported when the step runs (so `ready()` loads no demo code). The
commands run them in ascending `order` (ties by name) and get back ``{name: result}``.
`step_context` is the context manager the steps run in (the audit app registers its
"acting as the command" context); without one they run bare.

The import pipeline (docs/architecture.md#import-pipeline) finds here what sits above
core: the import kinds (`register_import_kind`, a dotted path to the kind's
`ImportSpec` class), the audit recorder that records an import that wrote something
(`register_import_recorder`), and the context that makes a user the actor of what a
command or background task writes (`register_actor_context`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Step:
    name: str
    func: Callable[..., Any] | str
    order: int

    def __call__(self, **kwargs: Any) -> Any:
        func = import_string(self.func) if isinstance(self.func, str) else self.func
        return func(**kwargs)


_DEMO: dict[str, Step] = {}
_REFERENCE: dict[str, Step] = {}
_CONTEXT: list[Callable[[], contextlib.AbstractContextManager]] = []


def _register(
    registry: dict[str, Step], name: str, func: Callable[..., Any] | str, order: int
) -> None:
    # registering a name again replaces the step (`ready()` may run more than once)
    registry[name] = Step(name, func, order)


def register_demo_step(name: str, func: Callable[[], Any] | str, order: int) -> None:
    _register(_DEMO, name, func, order)


def register_reference_step(name: str, func: Callable[..., Any] | str, order: int) -> None:
    _register(_REFERENCE, name, func, order)


def register_step_context(factory: Callable[[], contextlib.AbstractContextManager]) -> None:
    if factory not in _CONTEXT:
        _CONTEXT.append(factory)


def demo_steps() -> list[Step]:
    return sorted(_DEMO.values(), key=lambda s: (s.order, s.name))


def reference_steps() -> list[Step]:
    return sorted(_REFERENCE.values(), key=lambda s: (s.order, s.name))


@contextlib.contextmanager
def step_context() -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for factory in _CONTEXT:
            stack.enter_context(factory())
        yield


def run_steps(steps: list[Step], **kwargs: Any) -> dict[str, Any]:
    with step_context():
        return {step.name: step(**kwargs) for step in steps}


# --- the import pipeline -------------------------------------------------------------------

_IMPORT_KINDS: dict[str, str | type] = {}
_IMPORT_RECORDER: list[Callable[..., Any]] = []
_ACTOR_CONTEXT: list[Callable[..., contextlib.AbstractContextManager]] = []


def register_import_kind(kind: str, spec: str | type) -> None:
    _IMPORT_KINDS[kind] = spec


def import_kinds() -> list[str]:
    return list(_IMPORT_KINDS)


def import_spec_class(kind: str) -> type:
    """The ImportSpec class of a kind; KeyError for a kind no app registered."""
    spec = _IMPORT_KINDS[kind]
    return import_string(spec) if isinstance(spec, str) else spec


def register_import_recorder(func: Callable[..., Any]) -> None:
    """``func(*, model, object_repr, changes)``: records one import in the audit trail."""
    _IMPORT_RECORDER[:] = [func]


def record_import(*, model, object_repr: str, changes: dict[str, Any]) -> None:
    for func in _IMPORT_RECORDER:
        func(model=model, object_repr=object_repr, changes=changes)


def register_actor_context(factory: Callable[..., contextlib.AbstractContextManager]) -> None:
    """``factory(user, via)``: the context in which what is written is the user's doing
    (via "command" or "task")."""
    _ACTOR_CONTEXT[:] = [factory]


def acting(user, *, via: str) -> contextlib.AbstractContextManager:
    if not _ACTOR_CONTEXT:
        return contextlib.nullcontext()
    return _ACTOR_CONTEXT[0](user, via=via)
