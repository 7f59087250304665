"""Redirects for frontends routing by path: Wagtail's redirects endpoint,
and pages/find/ following the site's redirects to the page they lead to."""

import pytest
from wagtail.contrib.redirects.models import Redirect

from ..helpers import publish

pytestmark = pytest.mark.django_db


def find(client, path):
    return client.get("/api/v2/pages/find/", {"html_path": path})


def test_find_follows_the_redirect_a_renamed_article_leaves(
    client, article, django_capture_on_commit_callbacks
):
    article.slug = "hip-pain-and-massage"
    # Wagtail makes a redirect from the old path once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    response = find(client, "/hip/")
    assert response.status_code == 302
    assert f"/api/v2/pages/{article.pk}/" in response["Location"]
    assert find(client, "/hip-pain-and-massage/").status_code == 302


def test_find_follows_a_redirect_an_editor_made(client, article):
    Redirect.objects.create(old_path="/old-hip-article", redirect_page=article)
    response = find(client, "/old-hip-article/")
    assert response.status_code == 302
    assert f"/api/v2/pages/{article.pk}/" in response["Location"]


def test_find_does_not_follow_a_redirect_to_an_unpublished_page_or_a_link(
    client, article
):
    Redirect.objects.create(old_path="/elsewhere", redirect_link="https://example.org/")
    assert find(client, "/elsewhere/").status_code == 404
    Redirect.objects.create(old_path="/withdrawn", redirect_page=article)
    article.unpublish()
    assert find(client, "/withdrawn/").status_code == 404


def test_the_redirects_endpoint_lists_and_finds_redirects(client, article):
    listing = client.get("/api/v2/redirects/")
    assert listing.status_code == 200
    assert listing.json()["items"] == []
    Redirect.objects.create(old_path="/old-hip-article", redirect_page=article)
    # The stored listing went stale with the new redirect.
    items = client.get("/api/v2/redirects/").json()["items"]
    assert [(item["old_path"], item["location"]) for item in items] == [
        ("/old-hip-article", "/hip/")
    ]
    found = client.get("/api/v2/redirects/find/", {"html_path": "/old-hip-article"})
    assert found.status_code == 302
    assert "/api/v2/redirects/" in found["Location"]


def test_redirects_to_drafts_or_private_pages_are_not_listed_or_found(client, article):
    Redirect.objects.create(old_path="/old-hip-article", redirect_page=article)
    Redirect.objects.create(old_path="/elsewhere", redirect_link="https://example.org/")
    listed = client.get("/api/v2/redirects/").json()["items"]
    assert {item["old_path"] for item in listed} == {"/old-hip-article", "/elsewhere"}
    article.unpublish()
    listed = client.get("/api/v2/redirects/").json()["items"]
    assert [item["old_path"] for item in listed] == ["/elsewhere"]
    found = client.get("/api/v2/redirects/find/", {"html_path": "/old-hip-article"})
    assert found.status_code == 404


def test_redirects_find_takes_the_path_as_a_frontend_has_it(client, article):
    Redirect.objects.create(old_path="/old-hip-article", redirect_page=article)
    for path in ("/old-hip-article", "/old-hip-article/"):
        found = client.get("/api/v2/redirects/find/", {"html_path": path})
        assert found.status_code == 302, path


@pytest.mark.parametrize("endpoint", ["pages", "redirects"])
def test_find_of_a_path_no_url_can_have_answers_404(client, article, endpoint):
    response = client.get(f"/api/v2/{endpoint}/find/", {"html_path": "//[x"})
    assert response.status_code == 404
    assert "message" in response.json()
