"""Steps that `core`'s `demo` and `load_reference_data` commands run, registered by the
domain apps in their `AppConfig.ready()` (core sits below them and imports none).

A reference step is called as ``func(refresh=bool)``, a demo step as ``func()``; `func`
may be a dotted path, imported when the step runs (so `ready()` loads no demo code). The
commands run them in ascending `order` (ties by name) and get back ``{name: result}``.
`step_context` is the context manager the steps run in (the audit app registers its
"acting as the command" context); without one they run bare.
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
