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
