"""Under database pressure the site degrades: the production server, with
psycopg's pool, answers 503 with Retry-After while no connection can be had,
and serves again once one can. On PostgreSQL, with a real role whose
connection limit the test sets."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ROLE = "health_articles_limited"

pytestmark = [
    # The server reads what the test writes; the rows the migrations made
    # (the default locale) are put back after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="connection limits are PostgreSQL's (DATABASE_URL=postgres://…)",
    ),
]


@pytest.fixture
def limited_role(article):
    """A role that may hold one connection to the test database."""
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN CONNECTION LIMIT 1")
        cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {ROLE}')
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
    settings = connection.settings_dict
    yield {
        "url": f"postgres://{ROLE}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{database}",
        "conninfo": f"host={settings['HOST'] or '127.0.0.1'} "
        f"port={settings['PORT'] or 5432} dbname={database} user={ROLE}",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
            [ROLE],
        )
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


# A Redis database of its own for the servers' shared cache, emptied first.
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def start_server(limited_role):
    """Starts gunicorn with the production settings, reading as the limited
    role and sharing stored answers in Redis; stops what it started."""
    redis = pytest.importorskip("redis").Redis.from_url(REDIS_URL)
    try:
        redis.flushdb()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    processes = []

    def start(port):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "blogsite.settings.production",
            "SECRET_KEY": "test-" + "k" * 60,
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": limited_role["url"],
            "REDIS_URL": REDIS_URL,
            "DB_POOL_SIZE": "1",
            "DB_POOL_TIMEOUT": "1",
        }
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "blogsite.wsgi", "--workers", "1"]
            + ["-c", "blogsite/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return process, port
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    redis.flushdb()


def test_no_free_connection_answers_503_then_the_site_recovers(
    limited_role, start_server, article
):
    path = f"/api/v2/pages/{article.pk}/"
    stored = "/api/v2/tags/"
    first, port = start_server(free_port())
    assert get(port, stored)[0] == 200  # now stored, in the shared cache
    # A new server process on the same address (its pool holds no connection
    # yet), and someone else holds the role's only connection.
    first.terminate()
    first.wait(timeout=10)
    start_server(port)
    holder = psycopg.connect(limited_role["conninfo"])
    try:
        # What is stored is still served; what needs the database waits for a
        # connection, then answers 503 with Retry-After.
        assert get(port, stored)[0] == 200
        status, headers, body = get(port, path)
        assert status == 503, body
        assert headers["Retry-After"] == "5"
        assert b"busy" in body
        status, headers, _body = get(port, "/tags/")
        assert (status, headers["Content-Type"]) == (503, "text/plain")
    finally:
        holder.close()
    # Once it is free the pool connects again, and readers are served.
    deadline = time.monotonic() + 60
    while (status := get(port, path)[0]) != 200:
        assert status == 503
        assert time.monotonic() < deadline, "the site did not recover"
        time.sleep(0.5)
