"""Project-wide checks: migrations complete, production settings pass Django's deploy
checks, security headers, missing secrets fail loudly."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


@pytest.mark.django_db
def test_migrate_makes_the_cache_table_the_reference_data_load_needs():
    from django.conf import settings
    from django.db import connection

    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    call_command("migrate", verbosity=0)
    assert table in connection.introspection.table_names()


def run_settings_check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DROGSCEN_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "drogscen.config.settings", **env_overrides})
    env.pop("DEBUG", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = run_settings_check(
        {
            "SECRET_KEY": "x" * 20 + "production-like-secret-" + "y" * 30,
            "ALLOWED_HOSTS": "drogscen.example.org",
            "DROGSCEN_DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_secret_key_stops_the_start(tmp_path):
    result = run_settings_check({"DROGSCEN_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_outside_sources(client):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "http" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_sign_in_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.django_db
def test_the_swedish_page_switches_to_english(client, make_user):
    client.force_login(make_user("region", "viewer"))
    assert "Länsbild" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "County picture" in client.get("/").content.decode()
