"""Settings for the test suite: the normal settings with a development secret, fast
password hashing and tasks run inline."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DROGSCEN_ALLOW_DEV_SECRET", "1")

from drogscen.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="drogscen-test-uploads-"))
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_CODE = "sv"
# The feature tests sign in with force_login; the two-factor tests switch it on.
DROGSCEN_TWO_FACTOR = False
