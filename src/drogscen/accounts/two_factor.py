"""Two-factor sign-in with a time-based one-time code (TOTP, RFC 6238) through django-otp
(docs/architecture.md#sign-in): required for managers, for everyone in a police
organisation and for system administrators; optional for the others, and once a user
has set it up it is asked for at every sign-in. A signed-in session that still needs
its second factor reaches only the two-factor pages and sign-out.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from drogscen.core import access

POLICE_KINDS = frozenset({"police_area", "police_region"})
# Reached before the second factor: these pages, signing out, the language switch, static
# files, the health check and the API (which authenticates by token, not by session).
OPEN_PREFIXES = ("/konto/tvafaktor/", "/logout/", "/i18n/", "/static/", "/healthz", "/api/")
ISSUER = "drogscen"


def two_factor_required(user) -> bool:
    """Managers, police organisations' members and system administrators must use it."""
    if user.is_superuser:
        return True
    roles = access.memberships(user)
    return any(role.role == "manager" or role.kind in POLICE_KINDS for role in roles)


def confirmed_device(user) -> TOTPDevice | None:
    return next(
        (d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)), None
    )


class TwoFactorMiddleware:
    """After OTPMiddleware: send a signed-in session that needs its second factor to the
    page that asks for it (or sets it up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.DROGSCEN_TWO_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            device = confirmed_device(user)
            if device is not None:
                return redirect("two_factor_verify")
            if two_factor_required(user):
                return redirect("two_factor_setup")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError(
                _("The code is not right. Check the time on your phone and try the newest code.")
            )
        return code


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up the authenticator app: a new secret shown as a QR code and as text, kept
    unconfirmed until the first right code."""
    if confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by(
        "-pk"
    ).first() or TOTPDevice.objects.create(user=request.user, name=ISSUER, confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        otp_login(request, device)
        return redirect("dashboards:home")
    uri = device.config_url  # names the issuer (OTP_TOTP_ISSUER) for the app's list
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(uri),
            "secret": _grouped(_base32(device)),
            "required": two_factor_required(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        wanted = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
        return redirect(wanted if wanted and safe else "dashboards:home")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(text: str) -> str:
    """The QR code as an inline SVG element (paths only: nothing a CSP blocks)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    # made here from the device's own URI, no user text: safe to put in the page
    return mark_safe(svg.replace("<svg", '<svg role="img" aria-label="QR"', 1))
