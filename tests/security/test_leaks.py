"""Nothing that is not live and public on this site reaches any reader."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
)

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


# Stored answers hold nothing visitor-specific. Each test asks as the
# visitor first (whose answer would be stored), then as an anonymous reader.


@pytest.fixture
def private_media(db):
    """An image and a document in a password-protected collection, and a
    session that passed the password."""
    root = Collection.get_first_root_node()
    private = root.add_child(name="Private collection")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="pw"
    )
    inner = private.add_child(name="Inside it")
    image = Image.objects.create(
        title="Secret scan", file=get_test_image_file(), collection=inner
    )
    document = Document.objects.create(
        title="Secret letter",
        file=ContentFile(b"Dear patient", name="letter.txt"),
        collection=private,
    )
    return {"images": image, "documents": document, "restriction": restriction}


@pytest.mark.parametrize("endpoint", ["images", "documents"])
def test_media_of_a_restricted_collection_reach_no_reader(
    client, private_media, endpoint
):
    visitor = Client()
    session = visitor.session
    session["passed_collection_view_restrictions"] = [private_media["restriction"].pk]
    session.save()
    item = private_media[endpoint]
    for reader in (visitor, client):
        listing = reader.get(f"/api/v2/{endpoint}/")
        assert listing.status_code == 200
        assert SECRET.encode() not in listing.content
        assert reader.get(f"/api/v2/{endpoint}/{item.pk}/").status_code == 404


@pytest.mark.parametrize(
    "asks",
    [{"QUERY_STRING": "format=api"}, {"HTTP_ACCEPT": "text/html"}],
    ids=["format-api", "accept-html"],
)
def test_the_browsable_api_is_never_stored(client, article, editor, asks):
    editor_client = Client()
    editor_client.force_login(editor)
    path = "/api/v2/pages/"
    query = asks.get("QUERY_STRING", "")
    headers = {k: v for k, v in asks.items() if k != "QUERY_STRING"}
    first = editor_client.get(f"{path}?{query}", **headers)
    assert first["Content-Type"].startswith("text/html")
    assert first["Cache-Control"] == "private, no-store"
    token = first.cookies["csrftoken"].value if "csrftoken" in first.cookies else ""
    second = client.get(f"{path}?{query}", **headers)
    assert second["Cache-Control"] == "private, no-store"
    assert "ETag" not in second
    if token:
        assert token.encode() not in second.content


def test_a_random_order_is_answered_fresh(client, article):
    response = client.get("/api/v2/pages/?order=random")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_if_none_match_star_is_no_304_for_a_missing_page(client, article):
    response = client.get("/api/v2/pages/999999/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404
    response = client.get(f"/api/v2/pages/{article.pk}/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 200
