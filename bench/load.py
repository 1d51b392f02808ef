"""Load benchmark: concurrent users over the main pages and the API, served by gunicorn
with production settings on the demo county. Prints requests/s, p50/p95/p99 latency
and errors per database; asserts nothing.

    .venv/bin/python bench/load.py [--users 50] [--seconds 30] [--workers 2]
                                   [--database sqlite|postgresql|both]

Each user is one of three roles (the coordination office, a local police area's analyst,
a municipality's case officer), signs in once, then loops over the county picture, the
scene list, a scene page, the mappings list, the outcomes page and three API lists
without pause (a closed loop: the figures are the server's capacity, not a traffic
model). PostgreSQL: a throw-away database `drogscen_load_<random>` is created on
TEST_DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432) and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DROGSCEN = [sys.executable, "-m", "drogscen"]
ROLES = ("samordnare", "jarva-analytiker", "stockholm-handlaggare")
PASSWORD_SOURCE = ROOT / "src" / "drogscen" / "core" / "demo.py"
PAGES = ("/", "/platser/", "/kartlaggningar/", "/utfall/")
API = ("/api/v1/scenes/", "/api/v1/mappings/", "/api/v1/interventions/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_password() -> str:
    match = re.search(r'DEMO_PASSWORD\s*=\s*"([^"]+)"', PASSWORD_SOURCE.read_text())
    if not match:
        raise SystemExit("cannot find DEMO_PASSWORD in core/demo.py")
    return match.group(1)


def environment(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DROGSCEN_DATA_DIR": str(data_dir),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DROGSCEN_LOGIN_FAILURE_LIMIT": "100000",
        # the pages are measured, not the sign-in: the users sign in with the password
        "DROGSCEN_TWO_FACTOR": "0",
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str]) -> None:
    for command in (["demo"], ["collectstatic", "--noinput", "-v", "0"]):
        done = subprocess.run([*DROGSCEN, *command], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"drogscen {' '.join(command)} failed:\n{done.stderr[-2000:]}")


# Production settings mark the cookies Secure; the benchmark talks plain HTTP on loopback
# as if behind a TLS proxy (X-Forwarded-Proto), so it carries the cookies itself.
PROXY = {"X-Forwarded-Proto": "https"}


def keep_cookies(client: httpx.AsyncClient, response: httpx.Response, jar: dict) -> None:
    jar.update({name: value for name, value in response.cookies.items()})
    client.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> None:
    jar: dict[str, str] = {}
    page = await client.get("/login/")
    keep_cookies(client, page, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"https://{client.base_url.host}:{client.base_url.port}/login/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in of {username} failed ({response.status_code})")
    keep_cookies(client, response, jar)


async def user_loop(base: str, username: str, password: str, until: float, out: dict):
    async with httpx.AsyncClient(
        base_url=base, timeout=60, follow_redirects=False, headers=PROXY
    ) as client:
        await sign_in(client, username, password)
        scene = None
        api = (await client.get("/api/v1/scenes/")).json()
        features = api.get("features") or api.get("results") or []
        if features:
            first = features[0]
            scene = (first.get("properties") or first).get("ref")
        paths = [*PAGES, *([f"/platser/{scene}/"] if scene else []), *API]
        while time.monotonic() < until:
            for path in paths:
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                out["latencies"].append(time.perf_counter() - start)
                out["errors"] += 0 if ok else 1
                if time.monotonic() >= until:
                    break


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "drogscen.config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def run(database_url: str, label: str, args) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="drogscen-load-"))
    env = environment(database_url, data_dir)
    try:
        prepare(env)
        port = free_port()
        server = serve(env, port, args.workers)
        try:
            out = {"latencies": [], "errors": 0}
            password = demo_password()
            until = time.monotonic() + args.seconds
            started = time.perf_counter()

            async def everyone():
                await asyncio.gather(
                    *(
                        user_loop(
                            f"http://127.0.0.1:{port}", ROLES[i % len(ROLES)], password, until, out
                        )
                        for i in range(args.users)
                    )
                )

            asyncio.run(everyone())
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        report(label, args, out, elapsed)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def report(label: str, args, out: dict, elapsed: float) -> None:
    latencies = sorted(out["latencies"])
    if not latencies:
        print(f"{label}: no requests completed")
        return
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"{label}: {args.users} users, {args.workers} gunicorn workers, {elapsed:.0f} s: "
        f"{len(latencies)} requests, {len(latencies) / elapsed:.1f} requests/s, "
        f"p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms, "
        f"p99 {quantiles[98] * 1000:.0f} ms, errors {out['errors']}"
    )


def postgres_database() -> tuple[str, callable]:
    import psycopg

    server = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x")
    base = server.rsplit("/", 1)[0]
    name = f"drogscen_load_{secrets.token_hex(4)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.database in {"sqlite", "both"}:
        with tempfile.TemporaryDirectory(prefix="drogscen-load-db-") as folder:
            run(f"sqlite:///{folder}/drogscen.sqlite3", "SQLite", args)
    if args.database in {"postgresql", "both"}:
        url, drop = postgres_database()
        try:
            run(url, "PostgreSQL", args)
        finally:
            drop()


if __name__ == "__main__":
    main()
