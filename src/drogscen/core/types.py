"""Type aliases for annotations shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# The acting user of a service (`by`) or a selector (`fetched_by`): a signed-in user or
# the anonymous one; `User | None` where None is the system (a command-line import).
# The alias's value is evaluated only when a type checker or `User.__value__` asks, so
# importing this module loads no Django models (apps.py files may import it).
type User = AbstractBaseUser | AnonymousUser
