import datetime
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from wagtail.models import PageViewRestriction

from health_articles import caching
from health_articles.api.views import FragmentJSONRenderer
from health_articles.caching import (
    BUILDING_KEY,
    GENERATION_KEY,
    StoredAPIResponseMiddleware,
    answer_key,
)
from health_articles.references import formatting

from .. import helpers
from ..factories import HealthArticleIndexPageFactory
from ..helpers import publish

ENDPOINTS = [
    "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*",
    "/api/v2/tags/",
    "/api/v2/images/",
]


def detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_responses_carry_validators_and_cache_control(client, article, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept" in response["Vary"]


def test_cache_control_is_configurable(client, article, settings):
    settings.HEALTH_ARTICLES_API_CACHE_CONTROL = "public, max-age=300, s-maxage=3600"
    response = client.get(detail_url(article))
    assert response["Cache-Control"] == "public, max-age=300, s-maxage=3600"


def test_conditional_request_answers_304_without_building_the_body(client, article):
    first = client.get(detail_url(article))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(article), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    assert len(queries) == 0
    assert response["ETag"] == first["ETag"]
    response = client.get(
        detail_url(article), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert response.status_code == 304


def test_a_stale_etag_gets_the_full_response(client, article):
    response = client.get(detail_url(article), HTTP_IF_NONE_MATCH='"stale"')
    assert response.status_code == 200


def test_a_repeated_request_is_served_from_the_cache(client, article):
    first = client.get(detail_url(article))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(detail_url(article))
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"


def test_publishing_makes_cached_responses_stale(client, article):
    first = client.get(detail_url(article))
    article.title = "Renamed article"
    publish(article)
    response = client.get(detail_url(article), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed article"
    listing = client.get(ENDPOINTS[0]).json()
    assert listing["items"][0]["title"] == "Renamed article"


@pytest.mark.parametrize(
    "change",
    [
        lambda page: page.unpublish(),
        lambda page: page.delete(),
        lambda page: PageViewRestriction.objects.create(
            page=page, restriction_type="login"
        ),
    ],
)
def test_unpublishing_deleting_and_privacy_take_effect_at_once(client, article, change):
    assert client.get(detail_url(article)).status_code == 200
    assert client.get("/api/v2/tags/").json()["meta"]["total_count"] == 2
    change(article)
    assert client.get(detail_url(article)).status_code == 404
    assert client.get("/api/v2/tags/").json()["meta"]["total_count"] == 0


def test_moving_a_page_takes_effect_at_once(client, article, index):
    before = client.get(detail_url(article)).json()["meta"]["html_url"]
    section = HealthArticleIndexPageFactory(parent=index, title="Hips", slug="hips")
    article.move(section, pos="last-child")
    after = client.get(detail_url(article)).json()["meta"]["html_url"]
    assert after == before.replace("/hip/", "/hips/hip/")


def test_errors_are_not_stored(client, article):
    assert client.get("/api/v2/pages/?limit=x").status_code == 400
    assert client.get("/api/v2/pages/999999/").status_code == 404
    assert "ETag" not in client.get("/api/v2/pages/999999/")


@override_settings(
    WAGTAILFRONTENDCACHE={
        "cdn": {"BACKEND": "tests.helpers.RecordingBackend"},
    }
)
@pytest.mark.parametrize("change", ["publish", "unpublish"])
def test_publishing_purges_the_api_urls_from_the_frontend_cache(article, change):
    helpers.PURGED.clear()
    if change == "publish":
        article.title = "Renamed"
        publish(article)
    else:
        article.unpublish()
    purged = set(helpers.PURGED)
    assert f"http://localhost/api/v2/pages/{article.pk}/" in purged
    assert "http://localhost/api/v2/pages/" in purged
    assert "http://localhost/api/v2/tags/hip-pain/" in purged
    assert "http://localhost/tags/hip-pain/feed/" in purged
    assert "http://localhost/hip/" in purged  # Wagtail's own purge of the page


def test_a_shared_redis_cache_carries_the_generations(article):
    redis = {
        "default": {
            "BACKEND": "health_articles.cache_backend.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
        }
    }
    with override_settings(CACHES=redis):
        caches["default"].clear()
        before = caching.generation("page:1")
        # Another process's change, seen through Redis.
        caches["default"].set(GENERATION_KEY.format("page:1"), before + 5, None)
        assert caching.generation("page:1") == before + 5
        caching.changed("page:1")
        assert caching.generation("page:1") not in (before, before + 5)
        caches["default"].clear()


def test_editing_site_settings_makes_responses_stale(client, article):
    from wagtail.models import Site

    from health_articles.models import HealthArticleSettings

    first = client.get(detail_url(article)).json()["disclaimer"]
    settings = HealthArticleSettings.for_site(Site.objects.get(is_default_site=True))
    settings.medical_disclaimer = "<p>New words.</p>"
    settings.save()
    assert client.get(detail_url(article)).json()["disclaimer"] == "<p>New words.</p>"
    assert first != "<p>New words.</p>"


def stored_key(client, url):
    """The cache key of the stored answer of ``url`` (built once here)."""
    client.get(url)
    return answer_key(RequestFactory().get(url))


def later(seconds, action):
    thread = threading.Timer(seconds, action)
    thread.start()
    return thread


def test_a_response_another_request_is_building_is_waited_for(client, article):
    url = detail_url(article)
    key = stored_key(client, url)
    theirs = {**cache.get(key), "content": b'{"built": "by the other request"}'}
    cache.delete(key)
    cache.set(BUILDING_KEY.format(key), 1)  # as a concurrent request does
    thread = later(0.2, lambda: cache.set(key, theirs))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    thread.join()
    assert response.json() == {"built": "by the other request"}
    assert len(queries) == 0


def test_a_build_that_gives_up_is_taken_over(client, article):
    url = detail_url(article)
    key = stored_key(client, url)
    cache.delete(key)
    cache.set(BUILDING_KEY.format(key), 1)
    thread = later(0.2, lambda: cache.delete(BUILDING_KEY.format(key)))
    response = client.get(url)
    thread.join()
    assert response.json()["title"] == article.title
    assert cache.get(key) is not None
    assert cache.get(BUILDING_KEY.format(key)) is None


def view_must_not_run(request):
    raise AssertionError("the view ran")


def test_middleware_answers_stored_responses_before_the_view(client, article, rf):
    url = detail_url(article)
    built = client.get(url)  # builds and stores it
    answer = StoredAPIResponseMiddleware(view_must_not_run)(
        rf.get(url, HTTP_HOST="testserver")
    )
    assert answer.status_code == 200
    assert answer.content == built.content
    assert answer["ETag"] == built["ETag"]
    conditional = StoredAPIResponseMiddleware(view_must_not_run)(
        rf.get(url, HTTP_HOST="testserver", HTTP_IF_NONE_MATCH=built["ETag"])
    )
    assert conditional.status_code == 304


def test_middleware_leaves_everything_else_to_the_view(client, article, rf):
    ran = []

    def view(request):
        ran.append(request.path)
        return HttpResponse("built")

    middleware = StoredAPIResponseMiddleware(view)
    url = detail_url(article)
    # Not stored yet; not the API; not a GET; a preview is never stored.
    middleware(rf.get(url, HTTP_HOST="testserver"))
    middleware(rf.get(article.url, HTTP_HOST="testserver"))
    client.get(url)
    middleware(rf.post(url, HTTP_HOST="testserver"))
    middleware(
        rf.get(
            "/api/v2/page_preview/?content_type=x&token=y",
            HTTP_HOST="testserver",
            HTTP_IF_MODIFIED_SINCE="Thu, 01 Jan 2099 00:00:00 GMT",
        )
    )
    assert len(ran) == 4


def references_of(client, page, query=""):
    return client.get(f"{detail_url(page)}{query}").json()["references"]


def test_formatted_citations_are_kept_under_their_content(client, article):
    reference = article.references.get(key="abbott2013")
    served = references_of(client, article, "?citation_style=apa")
    store = caches["citations"]
    key = formatting.format_key(reference.as_csl(), "apa")
    entry = next(entry for entry in served if entry["key"] == "abbott2013")
    assert store.get(key) == entry["formatted_html"]
    # Another process reads it from there, not citeproc.
    store.set(key, "<i>kept</i>")
    formatting.SEEN.clear()  # what this process has seen
    cache.clear()  # the stored API responses, not the citations
    served = references_of(client, article, "?citation_style=apa")
    entry = next(entry for entry in served if entry["key"] == "abbott2013")
    assert entry["formatted_html"] == "<i>kept</i>"


def test_an_edited_reference_is_formatted_anew(client, article):
    before = references_of(client, article)
    reference = article.references.get(key="abbott2013")
    key = formatting.format_key(reference.as_csl())
    reference.title = "Manual therapy and exercise for hip osteoarthritis"
    reference.save()
    publish(article)
    assert formatting.format_key(reference.as_csl()) != key
    after = references_of(client, article)
    entry = next(entry for entry in after if entry["key"] == "abbott2013")
    assert "Manual therapy and exercise for hip osteoarthritis" in entry["formatted"]
    assert after != before


def test_a_citation_key_names_the_reference_style_and_formatter():
    csl = {"id": "a", "type": "book", "title": "Hip pain"}
    key = formatting.format_key(csl)
    assert key == formatting.format_key(dict(reversed(csl.items())))
    assert key != formatting.format_key(csl, "apa")
    assert key != formatting.format_key({**csl, "title": "Knee pain"})
    assert formatting.FORMATTER.startswith(f"{formatting.FORMAT_REVISION}:")


class CountingCache(LocMemCache):
    """The memory cache, noting the keys read."""

    reads = []

    def get(self, key, default=None, version=None):
        self.reads.append(key)
        return super().get(key, default, version)


@override_settings(
    CACHES={
        "default": {"BACKEND": "tests.api.test_caching.CountingCache"},
        "citations": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
)
def test_a_response_not_stored_is_looked_up_once(client, article):
    url = detail_url(article)
    key = stored_key(client, url)
    caches["default"].delete(key)
    CountingCache.reads.clear()
    assert client.get(url).status_code == 200
    assert CountingCache.reads.count(key) == 1


@pytest.mark.parametrize(
    "accept",
    ["", "*/*", "application/json", "application/json; q=0.9, */*; q=0.1", "x/y, */*"],
)
def test_every_accept_that_gets_json_shares_one_stored_answer(client, article, accept):
    url = detail_url(article)
    first = client.get(url)  # stored for a request without Accept
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response["ETag"] == first["ETag"]
    assert len(queries) == 0
    assert response["Content-Type"] == "application/json"


def test_answers_stored_for_one_path_are_capped(client, article, settings):
    settings.HEALTH_ARTICLES_API_MAX_VARIANTS = 3
    keys = [
        stored_key(client, f"/api/v2/pages/?limit={limit}") for limit in range(1, 6)
    ]
    assert [cache.get(key) is not None for key in keys] == [True] * 3 + [False] * 2
    # Past the cap the answers are still right, only built each time.
    assert len(client.get("/api/v2/pages/?limit=5").json()["items"]) >= 1


FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"


@pytest.mark.parametrize(
    "since",
    ["Mon, 1 Jan 99999999999999999999 00:00:00 GMT", "Mon, 1 Jan 2024 00:00:00 +99999"],
)
def test_an_impossible_if_modified_since_is_ignored(client, article, since):
    response = client.get(detail_url(article), HTTP_IF_MODIFIED_SINCE=since)
    assert response.status_code == 200


def test_a_date_answers_304_only_for_an_answer_that_exists(client, article):
    assert (
        client.get("/api/v2/pages/999999/", HTTP_IF_MODIFIED_SINCE=FUTURE).status_code
        == 404
    )
    bad = client.get("/api/v2/pages/?offset=abc", HTTP_IF_MODIFIED_SINCE=FUTURE)
    assert bad.status_code == 400
    assert (
        client.get(detail_url(article), HTTP_IF_MODIFIED_SINCE=FUTURE).status_code
        == 304
    )


def test_a_change_in_the_same_second_moves_last_modified_on(client, article):
    first = client.get(detail_url(article))
    article.title = "Changed within the second"
    publish(article)
    again = client.get(
        detail_url(article), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert again.status_code == 200
    assert again.json()["title"] == "Changed within the second"


def test_http_and_https_answers_are_stored_apart(client, article):
    plain = client.get("/api/v2/tags/")
    secure = client.get("/api/v2/tags/", secure=True)
    assert plain["ETag"] != secure["ETag"]
    assert secure.json()["items"][0]["meta"]["html_url"].startswith("https://")


def test_a_timeout_of_none_keeps_answers_until_the_next_change(
    client, article, settings
):
    settings.HEALTH_ARTICLES_API_CACHE_TIMEOUT = None
    key = stored_key(client, detail_url(article))
    assert cache.get(key) is not None


def test_a_collection_saved_makes_media_answers_stale(client, db):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    locked = root.add_child(name="Locked")
    CollectionViewRestriction.objects.create(
        collection=locked, restriction_type="login"
    )
    open_one = root.add_child(name="Open")
    Image.objects.create(title="Scan", file=get_test_image_file(), collection=open_one)
    assert client.get("/api/v2/images/").json()["meta"]["total_count"] == 1
    # As the admin's collection form moves and saves it.
    open_one.move(locked, "sorted-child")
    Collection.objects.get(pk=open_one.pk).save()
    assert client.get("/api/v2/images/").json()["meta"]["total_count"] == 0


def test_a_listings_item_is_written_as_drfs_renderer_writes_it():
    data = {
        "title": "Hip\u2028pain\u2029",
        "first_published_at": datetime.datetime(
            2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC
        ),
        "label": gettext_lazy("References"),
        3: Decimal("1.5"),
        "nested": [{"é": (1, 2.5, None, True)}],
    }
    encoded = FragmentJSONRenderer.encode(data)
    assert encoded == JSONRenderer().render(data)
    assert b"\\u2028" in encoded and "\u2028".encode() not in encoded
