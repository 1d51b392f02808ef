"""Benchmark of the county picture (DESIGN §7): the dashboard and a scene page with 500
scenes and 10 years of mappings — query count and server time — and the time to render
the yearly report as PDF. Prints figures; asserts nothing.

    .venv/bin/python bench/dashboard.py [--scenes 500] [--years 10] [--runs 15]

Runs on a fresh SQLite database in a temporary folder (set DATABASE_URL to measure on
PostgreSQL: a database of that name is created and dropped by Django's test runner
machinery is NOT used — point it at an empty database you can throw away)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        os.environ["DROGSCEN_DATA_DIR"] = tempfile.mkdtemp(prefix="drogscen-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drogscen.config.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conftest import square
    from drogscen.accounts.models import Organisation
    from drogscen.audit.context import acting
    from drogscen.geo.models import LocalPoliceArea
    from drogscen.mappings.services import mapping_record_approved
    from drogscen.scenes.services import scene_create

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    rng = random.Random(7)
    area = LocalPoliceArea.objects.get(slug="jarva")
    city = Organisation.objects.get(code="kommun:0180")
    first_year = 2025 - args.years
    answers = {
        "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
        "symptoms": ["perceived_unsafe", "crime_hotspot"],
        "sellers_origin": "local",
        "buyers_origin": "mixed",
        "main_substance": "cannabis",
        "overall_assessment": "Syntetisk plats för mätning.",
    }
    started = time.perf_counter()
    with acting(None, via="command"):
        for i in range(args.scenes):
            scene = scene_create(
                ref=f"B-{i:04d}",
                name=f"Plats B-{i:04d}",
                geometry=square(17.80 + (i % 25) * 0.012, 59.34 + (i // 25) * 0.004, 40),
                local_police_area=area,
                identified_on=date(first_year, 1, 1),
            )
            for year in range(first_year, 2025):
                open_answers = dict(answers)
                if rng.random() < 0.1:
                    open_answers["criteria"] = ["persistent"]
                    open_answers = {
                        k: open_answers[k] for k in ("criteria", "symptoms", "overall_assessment")
                    }
                mapping_record_approved(
                    scene=scene,
                    year=year,
                    mapped_on=date(year, 11, 1),
                    participants=[city],
                    answers=open_answers,
                    lead_local_police_area=area,
                )
    print(
        f"data: {args.scenes} scenes × {args.years} years of approved mappings "
        f"(set up in {time.perf_counter() - started:.1f} s)"
    )

    client = Client()
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", "", "x")
    client.force_login(admin)

    def measure(path: str) -> None:
        client.get(path)  # warm: spatial indexes, template cache
        times, counts = [], set()
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (path, response.status_code)
            counts.add(len(queries.captured_queries))
        print(
            f"{path}: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; {args.runs} runs), "
            f"queries {sorted(counts)}"
        )

    measure("/?year=2024")
    measure(f"/platser/B-{args.scenes // 2:04d}/")
    measure("/platser/")
    try:
        from drogscen.reports.builder import report_build
        from drogscen.reports.renderers import render_pdf
    except ImportError:
        print("PDF: renderer not available")
        return
    t0 = time.perf_counter()
    pdf = render_pdf(report_build(year=2024))
    print(f"PDF report for 2024: {time.perf_counter() - t0:.2f} s, {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
