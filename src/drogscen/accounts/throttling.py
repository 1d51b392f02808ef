"""Login throttling: after a number of failed sign-ins for one username or from one
address within a window, further attempts are refused until the window has passed."""

from __future__ import annotations

import hashlib
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"drogscen:login-fail:user:{digest}", f"drogscen:login-fail:addr:{address}"]


def _count(key: str) -> int:
    if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def login_attempt(username: str, address: str) -> bool:
    """Count the attempt before the password is checked, so a burst of parallel guesses
    cannot all slip under the limit; False when the limit is passed."""
    limit = settings.LOGIN_FAILURE_LIMIT
    counts = [_count(key) for key in _keys(username, address)]
    return all(count <= limit for count in counts)


def login_succeeded(username: str, address: str) -> None:
    """A right password: the attempt was no failure."""
    user_key, address_key = _keys(username, address)
    cache.delete(user_key)
    with suppress(ValueError):  # nothing counted any more (the window passed)
        cache.decr(address_key)
