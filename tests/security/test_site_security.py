import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ORIGIN = "https://frontend.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def test_cors_applies_to_the_api_for_configured_origins(client, article, cors):
    response = client.get("/api/v2/pages/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    preflight = client.options(
        "/api/v2/tags/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == ORIGIN


def test_cors_is_refused_to_other_origins(client, article, cors):
    response = client.get("/api/v2/pages/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_does_not_apply_outside_the_api(client, article, cors):
    for path in (article.url, "/tags/", "/admin/login/"):
        response = client.get(path, HTTP_ORIGIN=ORIGIN)
        assert "Access-Control-Allow-Origin" not in response, path


def test_admin_login_locks_out_password_guessing(client, editor):
    url = reverse("wagtailadmin_login")
    for _ in range(4):
        response = client.post(url, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
    # The fifth failure locks the account out, even with the right password.
    response = client.post(url, {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": "editor", "password": "secret"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def guess_five_times(client, **meta):
    for _ in range(5):
        client.post(
            reverse("wagtailadmin_login"),
            {"username": "editor", "password": "wrong"},
            **meta,
        )


def log_in(client, **meta):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": "secret"},
        **meta,
    )


def test_behind_a_trusted_proxy_a_lockout_hits_the_guessing_client(
    client, editor, settings
):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    guess_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert log_in(client, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == (
        429
    )
    # The editor, elsewhere, behind the same proxy, is not locked out.
    response = log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert response.status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, editor, settings
):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The proxy appends the address it saw; what the client wrote stays left.
    guess_five_times(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    forged = log_in(client, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **proxy)
    assert forged.status_code == 429


def test_without_trusted_proxies_the_forwarded_address_is_ignored(client, editor):
    guess_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 429


def test_admin_login_works_with_the_right_password(client, editor):
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "editor", "password": "secret"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_pages_may_not_be_framed_by_other_sites(client, article):
    assert client.get(article.url)["X-Frame-Options"] == "DENY"


def test_sitemap_lists_only_live_public_articles(client, article, index):
    from wagtail.models import PageViewRestriction

    from ..factories import HealthArticlePageFactory
    from ..helpers import publish

    draft = HealthArticlePageFactory(parent=index, live=False, slug="draft-page")
    private = publish(HealthArticlePageFactory(parent=index, slug="private-page"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    content = client.get("/sitemap.xml").content.decode()
    assert article.url in content
    assert draft.slug not in content
    assert private.slug not in content


@pytest.mark.parametrize(
    ("path", "scripts"),
    [
        ("page", "'self'"),
        ("/api/v2/pages/", "'self'"),
        ("/feed/", "'self'"),
        ("/tags/", "'self'"),
        # Wagtail's admin templates still run inline scripts.
        ("/admin/login/", "'self' 'unsafe-inline'"),
    ],
)
def test_every_answer_carries_a_content_security_policy(client, article, path, scripts):
    response = client.get(article.url if path == "page" else path)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == scripts
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_gunicorn_names_no_server(tmp_path):
    """The production server, as `make serve` starts it: no Server header."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings.production",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "blogsite.wsgi"]
        + ["-c", "blogsite/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/admin/login/")
                response = connection.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.getheader("Date")
        assert response.getheader("Server") is None
        assert response.getheader("Content-Security-Policy")
    finally:
        server.terminate()
        server.wait(timeout=10)
