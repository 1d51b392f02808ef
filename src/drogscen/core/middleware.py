import time

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.middleware.locale import LocaleMiddleware

# The API authenticates by token or session itself and answers 401 as JSON; static
# files and the health check are public, and so is the language switch: the public
# statistics page offers English to visitors who never sign in.
OPEN_PREFIXES = ("/api/", "/static/", "/healthz", "/i18n/setlang/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose otherwise with the language switch (a cookie): the
    browser's Accept-Language is ignored, since shared police and municipal computers
    often come set to English."""

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


# Browser features the app never uses, switched off for every page (and any script that
# might get in): no camera, microphone, location, payment or USB, no interest cohorts.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "midi",
        "display-capture",
        "browsing-topics",
        "interest-cohort",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class IdleSessionMiddleware:
    """Sign a session out after SESSION_COOKIE_AGE without a request: the stored session
    is saved again (and its expiry moved on) at most once a minute while it is used, so a
    page costs no write to the session table on every request."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get("_seen", 0) >= self.REFRESH_SECONDS:
                session["_seen"] = now
        return self.get_response(request)


def session_seen_at_sign_in(sender, request, user, **kwargs) -> None:
    """A new session starts as seen, so its first page does not save it again."""
    if request is not None and hasattr(request, "session"):
        request.session["_seen"] = int(time.time())
