"""Who is acting right now: set per request by the middleware, per command by `acting()`."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    request_id: str
    via: str  # "web", "api", "command", "system"


_current: ContextVar[Actor | None] = ContextVar("drogscen_audit_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or Actor(None, "system", "", "system")


@contextmanager
def acting(user=None, *, via: str = "command", request_id: str | None = None):
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "system",
        request_id=request_id or uuid.uuid4().hex,
        via=via,
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
