import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured


def import_fresh(name):
    """Import a settings module anew, with the base settings it builds on."""
    for module in (name, "blogsite.settings.base"):
        sys.modules.pop(module, None)
    return importlib.import_module(name)


def test_dev_settings_define_the_demo_accounts():
    dev = import_fresh("blogsite.settings.dev")
    assert set(dev.DEMO_ACCOUNTS) == {"editor", "reviewer", "admin"}


def test_production_settings_refuse_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        import_fresh("blogsite.settings.production")


def test_production_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("ALLOWED_HOSTS", "clinic.example, www.clinic.example")
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal:5432/articles")
    production = import_fresh("blogsite.settings.production")
    assert production.SECRET_KEY == "s3cret"
    assert production.ALLOWED_HOSTS == ["clinic.example", "www.clinic.example"]
    assert production.DATABASES["default"]["HOST"] == "db.internal"
    assert production.DATABASES["default"]["NAME"] == "articles"
    assert not hasattr(production, "DEMO_ACCOUNTS")
    assert production.DEBUG is False


def test_case_sensitive_tags_are_warned_about(settings):
    from health_articles.checks import tags_are_case_insensitive

    assert tags_are_case_insensitive(None) == []
    settings.TAGGIT_CASE_INSENSITIVE = False
    [warning] = tags_are_case_insensitive(None)
    assert warning.id == "health_articles.W001"


def test_production_settings_pass_the_deploy_checks():
    import os
    import secrets
    import subprocess

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "clinic.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_uses_redis_when_redis_url_is_set(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.clinic.example")
    production = import_fresh("blogsite.settings.production")
    cache = production.CACHES["default"]
    assert cache["BACKEND"] == "health_articles.cache_backend.ResilientRedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert production.CORS_ALLOWED_ORIGINS == ["https://app.clinic.example"]
    monkeypatch.delenv("REDIS_URL")
    production = import_fresh("blogsite.settings.production")
    # Without Redis, every worker still shares them: in the database.
    for alias in ("default", "citations"):
        assert production.CACHES[alias]["BACKEND"] == (
            "django.core.cache.backends.db.DatabaseCache"
        )


def test_a_cache_of_each_process_is_warned_about_in_deploy_checks(settings):
    from health_articles.checks import stored_answers_are_shared

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    [warning] = stored_answers_are_shared(None)
    assert warning.id == "health_articles.W002"
    settings.HEALTH_ARTICLES_API_CACHE_TIMEOUT = 0
    assert stored_answers_are_shared(None) == []
    settings.HEALTH_ARTICLES_API_CACHE_TIMEOUT = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "health_articles_default_cache",
        }
    }
    assert stored_answers_are_shared(None) == []


def test_purge_urls_must_be_http(settings):
    from health_articles.checks import purge_urls_are_http

    settings.HEALTH_ARTICLES_PURGE_URLS = ["http://127.0.0.1:6081/"]
    assert purge_urls_are_http(None) == []
    settings.HEALTH_ARTICLES_PURGE_URLS = ["file:///etc/passwd", "127.0.0.1:6081"]
    assert [error.id for error in purge_urls_are_http(None)] == [
        "health_articles.E001"
    ] * 2


def test_a_request_field_limit_too_low_for_a_long_reference_list_is_warned(settings):
    from health_articles.checks import edit_form_fits_in_a_request

    assert edit_form_fits_in_a_request(None) == []  # the site's own setting
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # Django's default
    [warning] = edit_form_fits_in_a_request(None)
    assert warning.id == "health_articles.W003"
    assert "more than about 20 references may answer 400" in warning.msg
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = None
    assert edit_form_fits_in_a_request(None) == []


def test_dev_settings_let_frontend_dev_servers_read_the_api():
    dev = import_fresh("blogsite.settings.dev")
    for origin in ("http://localhost:3000", "http://127.0.0.1:3000"):
        assert origin in dev.CORS_ALLOWED_ORIGINS
    assert "http://127.0.0.1:8001" in dev.CORS_ALLOWED_ORIGINS  # the example one


def test_browser_code_may_revalidate_with_etags(client, article, settings):
    """A frontend on another origin reads ETag and sends If-None-Match: the
    preflight allows the header, the answer exposes the validators."""
    origin = "http://localhost:3000"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    url = f"/api/v2/pages/{article.pk}/"
    preflight = client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    response = client.get(url, HTTP_ORIGIN=origin)
    assert response["Access-Control-Allow-Origin"] == origin
    exposed = {
        h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")
    }
    assert {"etag", "last-modified"} <= exposed
    again = client.get(url, HTTP_ORIGIN=origin, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == origin
