import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured


def import_fresh(name):
    """Import a settings module anew, with the base settings it builds on."""
    for module in (name, "blogsite.settings.base"):
        sys.modules.pop(module, None)
    return importlib.import_module(name)


def test_dev_settings_define_the_demo_editor():
    dev = import_fresh("blogsite.settings.dev")
    assert dev.DEMO_EDITOR_ACCOUNT["username"] == "editor"


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
    assert not hasattr(production, "DEMO_EDITOR_ACCOUNT")
    assert production.DEBUG is False


def test_case_sensitive_tags_are_warned_about(settings):
    from health_articles.checks import tags_are_case_insensitive

    assert tags_are_case_insensitive(None) == []
    settings.TAGGIT_CASE_INSENSITIVE = False
    [warning] = tags_are_case_insensitive(None)
    assert warning.id == "health_articles.W001"
