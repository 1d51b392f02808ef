from drogscen.core import access


def principal(request):
    """The signed-in user's organisations and roles, for the page header."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"roles": (), "imports_files": False, "keeps_rounds": False}
    roles = access.memberships(user)
    # Every import writes, so only editors and above (the kinds say exactly what).
    imports_files = user.is_superuser or any(role.allows("editor") for role in roles)
    # The rounds and their editions are the coordination office's.
    keeps_rounds = user.is_superuser or any(role.kind == "coordination" for role in roles)
    return {"roles": roles, "imports_files": imports_files, "keeps_rounds": keeps_rounds}
