"""Who is acting right now: the request being served (its user read when an entry is
written, so a user authenticated later by the API's token check is named), or the user
a command or service names with `acting()`."""

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
_request: ContextVar[object | None] = ContextVar("drogscen_audit_request", default=None)


def _actor_of(user, *, via: str, request_id: str) -> Actor:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return Actor(
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "anonymous",
        request_id=request_id,
        via=via,
    )


def current_actor() -> Actor:
    actor = _current.get()
    if actor is not None:
        return actor
    request = _request.get()
    if request is not None:
        via = "api" if request.path.startswith("/api/") else "web"
        return _actor_of(getattr(request, "user", None), via=via, request_id=request.request_id)
    return Actor(None, "system", "", "system")


@contextmanager
def serving(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


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
