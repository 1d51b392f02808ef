"""Settings: defaults first, then the operator's values from the environment, then
values computed from both. A secret that production needs and lacks stops the start."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- the operator's values -------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(os.environ.get("DROGSCEN_DATA_DIR", PROJECT_DIR / "var"))
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("DROGSCEN_ALLOW_DEV_SECRET", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example), "
            "or set DEBUG=1 for a development machine."
        )
    SECRET_KEY = "drogscen-development-only-not-secret"  # noqa: S105 - development only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'drogscen.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# Map tiles only where the deployment has its own tile server; boundaries otherwise.
MAP_TILE_URL = os.environ.get("DROGSCEN_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("DROGSCEN_MAP_TILE_ATTRIBUTION", "")


def _share(name: str, default: str) -> float:
    text = os.environ.get(name, default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise ImproperlyConfigured(f"{name} must be a number between 0 and 1, not {text!r}.")
    return value


# The goal chart's illustrative target path ends at this share of the first year's count
# in 2027 (reports/labels.py); the steering group's own number when it sets one.
TARGET_END_SHARE = _share("DROGSCEN_TARGET_END_SHARE", "0.5")

# --- Django ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drogscen.core",
    "drogscen.audit",
    "drogscen.geo",
    "drogscen.accounts",
    "drogscen.scenes",
    "drogscen.questionnaires",
    "drogscen.mappings",
    "drogscen.reports",
    "drogscen.interventions",
    "drogscen.outcomes",
    "drogscen.evaluations",
    "drogscen.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "drogscen.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "drogscen.core.middleware.IdleSessionMiddleware",
    "drogscen.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "drogscen.core.middleware.LoginRequiredMiddleware",
    "drogscen.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "drogscen.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "drogscen.config.urls"
WSGI_APPLICATION = "drogscen.config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "drogscen.accounts.context_processors.principal",
                "drogscen.core.context_processors.map_tiles",
            ],
        },
    }
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Uploaded files (crime event imports waiting for the task worker); never served.
MEDIA_ROOT = Path(os.environ.get("DROGSCEN_MEDIA_ROOT", DATA_DIR / "uploads"))
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Front-end libraries come from the npm registry at set-up (package.json) and are served
# by the app itself: police networks block CDNs.
NODE_MODULES = Path(os.environ.get("DROGSCEN_NODE_MODULES", PROJECT_DIR / "node_modules"))
for prefix, relative in [
    ("vendor/leaflet", "leaflet/dist"),
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/chartjs", "chart.js/dist"),
]:
    if (NODE_MODULES / relative).is_dir():
        STATICFILES_DIRS.append((prefix, NODE_MODULES / relative))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# --- security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Signed out after this long without a request (core.middleware.IdleSessionMiddleware
# moves the expiry on while the session is used).
SESSION_COOKIE_AGE = int(os.environ.get("DROGSCEN_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Two-factor sign-in for managers, police organisations and administrators (accounts/two_factor.py).
DROGSCEN_TWO_FACTOR = env_bool("DROGSCEN_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "drogscen"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"] + ([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else []),
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain and its subdomains to HTTPS for good: a
        # decision for the county's IT, not for one application.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Failed logins per username and per address before a pause (see accounts/throttling.py).
LOGIN_FAILURE_LIMIT = int(os.environ.get("DROGSCEN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("DROGSCEN_LOGIN_FAILURE_WINDOW", "900"))
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the
# client's own address is REMOTE_ADDR). Set it, or all users share the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("DROGSCEN_TRUSTED_PROXIES", "0"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "drogscen_cache",
    }
}

# --- API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "drogscen.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "drogscen.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drogscen.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drogscen.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "drogscen API",
    "DESCRIPTION": "Open drug scenes in Stockholm county: registry, mappings and follow-up.",
    "VERSION": "1",
    # Several models have a `status`; each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "InterventionStatusEnum": "drogscen.interventions.models.Intervention.Status",
        "SceneStatusEnum": ["active", "closed"],
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- background work -------------------------------------------------------------------
# A database-backed queue: no extra server. `drogscen db_worker` runs the worker.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DROGSCEN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pyogrio reports every file it writes at INFO; exports print their own summary.
        "pyogrio": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- computed --------------------------------------------------------------------------
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the page server read while the task worker writes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
