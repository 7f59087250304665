"""The cache is an optimisation, never a dependency: with Redis stopped or
hung every endpoint and page still answers, publishing still works, and once
Redis is back nothing stale is served. A real redis-server, started here on
a port of its own."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from health_articles.models import HealthArticlePage

from ..helpers import publish

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server")
PATHS = [
    "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*",
    "/api/v2/tags/",
    "/api/v2/images/",
    "/tags/",
    "/feed/",
]


class RedisProcess:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_cache():
    server = RedisProcess()
    server.start()
    location = f"redis://127.0.0.1:{server.port}/0"
    backend = {
        "BACKEND": "health_articles.cache_backend.ResilientRedisCache",
        "LOCATION": location,
    }
    with override_settings(CACHES={"default": backend, "citations": backend}):
        yield server
    if server.process.poll() is None:
        os.kill(server.process.pid, signal.SIGCONT)
        server.stop()
    for alias in ("default", "citations"):
        caches[alias].close()


def answers(client, paths=PATHS):
    statuses = {}
    for path in paths:
        started = time.monotonic()
        statuses[path] = (client.get(path).status_code, time.monotonic() - started)
    return statuses


def test_stopped_redis_costs_no_answer_and_nothing_stale_after(
    client, article, redis_cache, django_capture_on_commit_callbacks
):
    url = f"/api/v2/pages/{article.pk}/"
    assert client.get(url).status_code == 200  # stored in Redis
    redis_cache.stop()
    for path, (status, seconds) in answers(client, [*PATHS, url, article.url]).items():
        assert status == 200, path
        assert seconds < 2, path
    # Publishing during the outage succeeds, and readers see it at once.
    article.title = "Changed while Redis was down"
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    assert client.get(url).json()["title"] == "Changed while Redis was down"
    redis_cache.start()
    time.sleep(5.5)  # past the backend's pause after a failure
    assert client.get(url).json()["title"] == "Changed while Redis was down"


def test_hung_redis_is_waited_for_briefly(client, article, redis_cache):
    url = f"/api/v2/pages/{article.pk}/"
    assert client.get(url).status_code == 200
    os.kill(redis_cache.process.pid, signal.SIGSTOP)  # alive, answers nothing
    try:
        started = time.monotonic()
        for path, (status, _seconds) in answers(client, [*PATHS, url]).items():
            assert status == 200, path
        # One short wait for the socket, then no more asking for a while.
        assert time.monotonic() - started < 3
    finally:
        os.kill(redis_cache.process.pid, signal.SIGCONT)


def test_a_change_unrecorded_in_the_outage_is_recorded_when_redis_answers(
    client, article, redis_cache, django_capture_on_commit_callbacks
):
    """Redis hung (its data kept) while an editor published: once it answers
    again, the change is recorded before any stored answer is used."""
    url = f"/api/v2/pages/{article.pk}/"
    assert client.get(url).json()["title"] == article.title  # stored
    os.kill(redis_cache.process.pid, signal.SIGSTOP)
    try:
        HealthArticlePage.objects.filter(pk=article.pk).update(title="Retitled")
        article.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            publish(article)  # its bump cannot reach Redis
    finally:
        os.kill(redis_cache.process.pid, signal.SIGCONT)
    time.sleep(5.5)
    assert client.get(url).json()["title"] == "Retitled"
