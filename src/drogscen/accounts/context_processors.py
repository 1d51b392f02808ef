from drogscen.core import access


def principal(request):
    """The signed-in user's organisations and roles, for the page header."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"roles": ()}
    return {"roles": access.memberships(user)}
