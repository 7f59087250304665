"""Nothing that is not live and public on this site reaches any reader."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from ..factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    condition_section,
)
from ..helpers import publish

SECRET = "Secret"
SHARED_CONDITION = condition_section("Piriformis syndrome")


def make(index, title, tags=("hip pain",), live=True):
    page = HealthArticlePageFactory(
        parent=index, title=title, live=live, body=[SHARED_CONDITION]
    )
    page.tags.add(*tags)
    return publish(page) if live else page


@pytest.fixture
def pages(index):
    public = make(index, "Public article")
    draft = make(index, "Draft Secret", tags=("hip pain", "secret draft"), live=False)
    draft.save()

    changed = make(index, "Changed article")
    changed.title = "Unpublished Secret"
    changed.tags.add("secret change")
    changed.save_revision()  # saved as a draft, not published

    scheduled = make(index, "Scheduled Secret", tags=("secret schedule",), live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=7)
    scheduled.save_revision().publish()  # waits for go_live_at
    scheduled.refresh_from_db()
    assert not scheduled.live

    private = []
    for kind in ("password", "login", "groups"):
        page = make(
            index, f"Private {kind} Secret", tags=("hip pain", f"secret {kind}")
        )
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=kind, password="pw"
        )
        if kind == "groups":
            restriction.groups.add(Group.objects.get(name="Editors"))
        private.append(page)

    other_index = HealthArticleIndexPageFactory(
        parent=Page.get_first_root_node(), slug="other-site", title="Other"
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_index)
    other = make(other_index, "Other site Secret", tags=("hip pain", "secret other"))
    return {
        "public": public,
        "changed": changed,
        "hidden": [draft, scheduled, *private, other],
    }


def assert_no_secret(response):
    assert response.status_code in (200, 404), response.status_code
    assert SECRET.lower() not in response.content.decode().lower()


READER_URLS = [
    "/",
    "/api/v2/pages/",
    "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*&limit=100",
    "/api/v2/pages/?search=Secret",
    "/api/v2/pages/?type=health_articles.HealthArticlePage&search=Secret",
    "/api/v2/pages/?type=health_articles.HealthArticlePage&tag=hip-pain&fields=*",
    "/api/v2/pages/?tag_any=secret-draft,secret-change,secret-schedule,secret-other",
    "/api/v2/tags/?limit=100",
    "/tags/",
    "/tags/hip-pain/",
    "/feed/",
    "/tags/hip-pain/feed/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", READER_URLS)
def test_listings_feeds_and_sitemap_show_only_live_public_pages(client, pages, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_no_secret(response)


# HTML pages follow Wagtail's own rules for logged-in readers; the API, the
# feeds and the sitemap answer everyone as an anonymous reader.
ANONYMOUS_URLS = [url for url in READER_URLS if url not in ("/", "/tags/hip-pain/")]


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_a_logged_in_editor_sees_no_more_through_the_api_and_feeds(
    editor_client, pages, url
):
    assert_no_secret(editor_client.get(url))


def test_unpublished_changes_stay_out_of_the_published_page(client, pages):
    changed = pages["changed"]
    data = client.get(f"/api/v2/pages/{changed.pk}/").json()
    assert data["title"] == "Changed article"
    assert_no_secret(client.get(f"/api/v2/pages/{changed.pk}/"))
    assert_no_secret(client.get(changed.url))


def test_details_of_hidden_pages_are_not_found(client, pages):
    for page in pages["hidden"]:
        response = client.get(f"/api/v2/pages/{page.pk}/")
        assert response.status_code == 404, page.title
        assert_no_secret(response)
        assert_no_secret(client.get(f"/api/v2/pages/find/?html_path={page.url_path}"))


def test_tag_details_and_feeds_of_hidden_tags_are_not_found(client, pages):
    for slug in (
        "secret-draft",
        "secret-change",
        "secret-schedule",
        "secret-password",
        "secret-login",
        "secret-groups",
        "secret-other",
    ):
        for url in (f"/api/v2/tags/{slug}/", f"/tags/{slug}/", f"/tags/{slug}/feed/"):
            assert client.get(url).status_code == 404, url


def test_related_articles_and_counts_hold_nothing_hidden(client, pages):
    data = client.get(f"/api/v2/pages/{pages['public'].pk}/").json()
    assert [item["title"] for item in data["related_articles"]] == ["Changed article"]
    assert_no_secret(client.get(pages["public"].url))
    counts = {
        item["slug"]: item["count"]
        for item in client.get("/api/v2/tags/").json()["items"]
    }
    assert counts == {"hip-pain": 2}
