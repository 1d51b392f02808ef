"""Every user-facing string is translated into Swedish, the default language."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

import drogscen

PACKAGE = Path(drogscen.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_every_swedish_entry_is_translated():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


def test_compiled_catalogue_matches_the_source():
    source = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.pofile(str(CATALOGUE))}
    compiled = {
        e.msgid: e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))
        if e.msgid
    }
    assert compiled == {k: v for k, v in source.items() if k}, "run compilemessages"


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    copy = tmp_path / "drogscen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "sv",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "drogscen.config.test_settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PACKAGE.parent),
        },
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/sv/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(CATALOGUE))}
    assert extracted - known == set(), "run makemessages -l sv and translate the new strings"
