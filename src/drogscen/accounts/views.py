from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from drogscen.accounts import throttling
from drogscen.audit.models import AuditEntry
from drogscen.audit.recorder import record


def client_address(request) -> str:
    """The address sign-in attempts are counted by. Behind reverse proxies every request
    comes from a proxy, so with DROGSCEN_TRUSTED_PROXIES=N the client is the address the
    outermost of the N trusted proxies saw: the N-th entry from the right of
    X-Forwarded-For (entries further left are whatever the client chose to send)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-in attempts. Wait %(minutes)s minutes and try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if not throttling.login_attempt(username, address):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            from django.contrib.auth import get_user_model

            record(
                action=AuditEntry.Action.SIGN_IN_FAILED,
                model=get_user_model(),
                object_repr=username[:150],
                changes={"address": address},
            )
            raise
        throttling.login_succeeded(username, address)
        return cleaned


@method_decorator(sensitive_post_parameters(), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
