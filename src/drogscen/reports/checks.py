"""System check: the PDF report needs Pango, a system library WeasyPrint loads when it
is imported; without it every other output still works, so a Warning, not an Error."""

from __future__ import annotations

import ctypes
from ctypes.util import find_library

from django.core import checks

# (the library's name for find_library, its soname, the Debian/Ubuntu package)
PANGO_LIBRARIES = (
    ("pango-1.0", "libpango-1.0.so.0", "libpango-1.0-0"),
    ("pangoft2-1.0", "libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
)


def _loadable(name: str, soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return find_library(name) is not None
    return True


def missing_pango_packages() -> list[str]:
    return [package for name, soname, package in PANGO_LIBRARIES if not _loadable(name, soname)]


@checks.register(checks.Tags.compatibility)
def pango_installed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    missing = missing_pango_packages()
    if not missing:
        return []
    return [
        checks.Warning(
            "The PDF report cannot be made: the Pango library that WeasyPrint needs is not "
            "installed.",
            hint="On Debian or Ubuntu: apt-get install " + " ".join(missing),
            id="drogscen.reports.W001",
        )
    ]
