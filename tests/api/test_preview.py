"""Headless preview: the admin's Preview opens the frontend with a signed token,
and /api/v2/page_preview/ serves the unsaved draft in the detail's shape."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from health_articles.models import HealthArticlePage

from ..helpers import article_form_data

FRONTEND = "http://frontend.example/"


@pytest.fixture
def frontend(settings):
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        "CLIENT_URLS": {"default": FRONTEND},
        "REDIRECT_ON_PREVIEW": True,
    }
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND.rstrip("/")]


def open_preview(editor_client, url, data):
    """Post the form to the admin's preview, then open it as the editor does."""
    response = editor_client.post(url, data)
    assert response.json() == {"is_valid": True, "is_available": True}
    response = editor_client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(FRONTEND + "?")
    query = parse_qs(urlsplit(location).query)
    return query["content_type"][0], query["token"][0]


def preview_new_article(editor_client, index):
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("health_articles", "healtharticlepage", index.pk),
    )
    return open_preview(editor_client, url, article_form_data())


def preview_api(client, content_type, token, **headers):
    return client.get(
        "/api/v2/page_preview/",
        {"content_type": content_type, "token": token},
        **headers,
    )


def test_preview_of_a_new_article_opens_the_frontend(
    frontend, editor_client, index, client
):
    content_type, token = preview_new_article(editor_client, index)
    assert content_type == "health_articles.healtharticlepage"
    response = preview_api(client, content_type, token)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert data["title"] == "Massage Therapy for Hip Pain"
    assert data["body"][1]["value"]["name"] == "Osteoarthritis of the hip"
    assert [ref["key"] for ref in data["references"]] == ["ahuja2020", "abbott2013"]
    assert {"name": "hip pain", "slug": "hip-pain"} in data["tags"]
    assert not HealthArticlePage.objects.exists()


def test_preview_shows_unsaved_changes_in_the_detail_shape(
    frontend, editor_client, article, client
):
    published = client.get(f"/api/v2/pages/{article.pk}/").json()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    data = article_form_data(title="A better title", slug=article.slug)
    content_type, token = open_preview(editor_client, url, data)
    preview = preview_api(client, content_type, token).json()
    assert preview["title"] == "A better title"
    assert preview["id"] == article.pk
    # The same fields as the published detail, which is unchanged.
    assert preview.keys() == published.keys()
    assert preview["meta"].keys() == published["meta"].keys()
    assert client.get(f"/api/v2/pages/{article.pk}/").json()["title"] == (
        "Massage Therapy for Hip Pain"
    )


def test_frontend_may_read_the_preview_across_origins(
    frontend, editor_client, article, client
):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    content_type, token = open_preview(
        editor_client, url, article_form_data(slug=article.slug)
    )
    response = preview_api(
        client, content_type, token, HTTP_ORIGIN=FRONTEND.rstrip("/")
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND.rstrip("/")


@pytest.fixture
def preview_token(frontend, editor_client, article):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    data = article_form_data(title="Draft title", slug=article.slug)
    return open_preview(editor_client, url, data)


def test_the_genuine_token_works(preview_token, client):
    content_type, token = preview_token
    assert preview_api(client, content_type, token).json()["title"] == "Draft title"


def tampered(token):
    """The token with one character of its signature changed."""
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def another_page(token, page_id):
    """The token's signature over another page's identifier."""
    _identifier, timestamp, signature = token.rsplit(":", 2)
    return f"id={page_id}:{timestamp}:{signature}"


@pytest.mark.parametrize(
    "change",
    [
        lambda ct, token: (ct, "bogus"),
        lambda ct, token: (ct, ""),
        lambda ct, token: (ct, tampered(token)),
        lambda ct, token: (ct, another_page(token, 1)),
        lambda ct, token: ("health_articles.healtharticleindexpage", token),
        lambda ct, token: ("wagtailcore.page", token),
        lambda ct, token: ("nosuch.model", token),
        lambda ct, token: ("", token),
    ],
    ids=[
        "bogus",
        "empty",
        "tampered",
        "other-page",
        "other-type",
        "base-page",
        "unknown-type",
        "no-type",
    ],
)
def test_a_bad_token_gets_404_and_no_content(preview_token, client, change):
    content_type, token = change(*preview_token)
    response = preview_api(client, content_type, token)
    assert response.status_code == 404
    assert response.json() == {"message": "This preview has expired or is not valid."}
    assert b"Draft title" not in response.content


def test_an_expired_token_gets_404(preview_token, client, settings):
    settings.HEALTH_ARTICLES_PREVIEW_MAX_AGE = -1
    response = preview_api(client, *preview_token)
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["colour", "child_of", "search", "limit"])
def test_other_parameters_are_refused(preview_token, client, name):
    content_type, token = preview_token
    response = client.get(
        "/api/v2/page_preview/",
        {"content_type": content_type, "token": token, name: "3"},
    )
    assert response.status_code == 400
    assert name in response.json()["message"]


def test_without_a_frontend_preview_renders_the_site_page(article):
    assert [mode for mode, _label in article.preview_modes] == [""]


def test_with_a_frontend_it_is_the_default_preview(frontend, article):
    assert article.default_preview_mode == "frontend"
    assert [mode for mode, _label in article.preview_modes] == ["frontend", ""]


def test_a_genuine_token_for_a_row_of_another_type_gets_404(preview_token, client):
    """The stored draft must be of the asked type, not just the token genuine."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail_headless_preview.models import PagePreview

    from health_articles.models import HealthArticleIndexPage

    content_type, token = preview_token
    PagePreview.objects.filter(token=token).update(
        content_type=ContentType.objects.get_for_model(HealthArticleIndexPage)
    )
    assert preview_api(client, content_type, token).status_code == 404


def test_each_preview_has_a_token_of_its_own(frontend, editor_client, article):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    first = open_preview(editor_client, url, article_form_data(slug=article.slug))
    second = open_preview(editor_client, url, article_form_data(slug=article.slug))
    assert first[1] != second[1]


def test_publishing_discards_the_previews(preview_token, client, article):
    from ..helpers import publish

    content_type, token = preview_token
    publish(article)
    assert preview_api(client, content_type, token).status_code == 404


def test_unpublishing_ends_the_previews(preview_token, client, article):
    article.unpublish()
    assert preview_api(client, *preview_token).status_code == 404


@pytest.mark.parametrize("restricted", ["article", "index"])
def test_making_the_page_private_ends_its_previews(
    preview_token, client, article, index, restricted
):
    page = {"article": article, "index": index}[restricted]
    PageViewRestriction.objects.create(
        page=page, restriction_type="password", password="secret"
    )
    response = preview_api(client, *preview_token)
    assert response.status_code == 404
    assert b"Draft title" not in response.content


def test_a_new_page_under_a_private_index_is_not_previewed(
    frontend, editor_client, index, client
):
    content_type, token = preview_new_article(editor_client, index)
    assert preview_api(client, content_type, token).status_code == 200
    PageViewRestriction.objects.create(page=index, restriction_type="login")
    assert preview_api(client, content_type, token).status_code == 404


def test_deleting_the_page_ends_its_previews(preview_token, client, article):
    article.delete()
    assert preview_api(client, *preview_token).status_code == 404
