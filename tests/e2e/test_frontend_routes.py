"""The example frontend's routes, in Chromium: every view reached by links
from its home page, each link alive (the frontend's own views render
without an error; the API's links answer)."""

from urllib.parse import urlsplit

import pytest

from health_articles.models import HealthArticlePage

from .frontend import crawl, settle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_every_link_from_home_leads_somewhere(
    page, frontend, live_server, demo_content
):
    seen, elsewhere = crawl(page, frontend, frontend + "/")
    api_links = {href for href in elsewhere if href.startswith(live_server.url)}
    articles = HealthArticlePage.objects.live()
    # Home, the tags page, every tag's page and every article.
    assert {urlsplit(url).path for url in seen} >= {
        "/",
        "/tags/",
        "/tags/hip-pain/",
        *(f"/{article.slug}/" for article in articles),
    }
    assert api_links  # the footer's link to the API at least
    for href in api_links:
        assert page.request.get(href).status == 200, href
    assert page.js_errors == []
    assert page.csp_violations == []


def test_an_unknown_path_says_not_found(page, frontend, demo_content):
    settle(page, frontend + "/no-such-article/")
    assert page.get_by_role("heading", level=1).inner_text() == "Article not found"


def test_a_renamed_article_opens_at_its_old_path_and_shows_its_new_one(
    page, frontend, demo_content
):
    hip = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    hip.slug = "santé-de-la-hanche"  # Wagtail keeps a redirect from the old path
    hip.save_revision().publish()
    settle(page, frontend + "/massage-therapy-for-hip-pain/#ref-ahuja2020")
    assert page.get_by_role("heading", level=1).inner_text() == hip.title
    assert page.url == frontend + "/sant%C3%A9-de-la-hanche/#ref-ahuja2020"
    settle(page, frontend + "/santé-de-la-hanche/")
    assert page.get_by_role("heading", level=1).inner_text() == hip.title
    assert page.js_errors == []
