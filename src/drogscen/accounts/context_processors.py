from drogscen.core import access


def principal(request):
    """The signed-in user's organisations and roles, for the page header."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"principal": None}
    return {"principal": access.principal_for(user)}
