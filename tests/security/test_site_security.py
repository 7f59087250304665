import pytest
from django.urls import reverse

ORIGIN = "https://frontend.example"


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
