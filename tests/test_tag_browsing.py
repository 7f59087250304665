import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from .factories import HealthArticleIndexPageFactory, HealthArticlePageFactory
from .helpers import publish

ARTICLES = "/api/v2/pages/?type=health_articles.HealthArticlePage"


def tagged(index, title, *tags, live=True, **kwargs):
    page = HealthArticlePageFactory(parent=index, title=title, live=live, **kwargs)
    page.tags.add(*tags)
    if live:
        publish(page)
    else:
        page.save()
    return page


@pytest.fixture
def library(index):
    """Four live articles with overlapping tags."""
    return {
        "hip": tagged(index, "Hip", "hip pain", "joint pain", "massage"),
        "knee": tagged(index, "Knee", "knee pain", "joint pain"),
        "back": tagged(index, "Back", "back pain", "massage"),
        "neck": tagged(index, "Neck", "neck pain", "massage"),
    }


def tag_counts(client, query=""):
    data = client.get("/api/v2/tags/" + query).json()
    return {item["slug"]: item["count"] for item in data["items"]}


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


# The tags endpoint


def test_tags_are_listed_with_slugs_and_counts(client, library):
    response = client.get("/api/v2/tags/")
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 6
    first = data["items"][0]
    assert first["name"] == "massage"
    assert first["slug"] == "massage"
    assert first["count"] == 3
    assert first["meta"]["type"] == "taggit.Tag"
    assert first["meta"]["detail_url"] == "http://localhost/api/v2/tags/massage/"
    assert first["meta"]["html_url"] == "http://testserver/tags/massage/"
    assert tag_counts(client)["joint-pain"] == 2


def test_tags_are_ordered_by_count_or_name(client, library):
    def slugs(order):
        items = client.get(f"/api/v2/tags/?order={order}").json()["items"]
        return [item["slug"] for item in items]

    assert slugs("-count")[:2] == ["massage", "joint-pain"]
    assert slugs("count")[-2:] == ["joint-pain", "massage"]
    assert slugs("name") == sorted(slugs("name"))
    assert slugs("-name") == sorted(slugs("name"), reverse=True)


def test_tags_are_paginated(client, library):
    data = client.get("/api/v2/tags/?order=name&limit=2&offset=2").json()
    assert data["meta"]["total_count"] == 6
    assert [item["slug"] for item in data["items"]] == ["joint-pain", "knee-pain"]


def test_one_tag_by_slug(client, library):
    response = client.get("/api/v2/tags/joint-pain/")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    response = client.get("/api/v2/tags/no-such-tag/")
    assert response.status_code == 404
    assert response.json()["message"]


@pytest.mark.parametrize(
    "query", ["?order=popularity", "?colour=red", "?limit=x", "?offset=-1"]
)
def test_bad_tag_queries_answer_400(client, library, query):
    response = client.get("/api/v2/tags/" + query)
    assert response.status_code == 400
    assert response.json()["message"]


def test_counts_follow_publishing(client, index, library):
    draft = tagged(index, "Draft", "joint pain", live=False)
    assert tag_counts(client)["joint-pain"] == 2
    publish(draft)
    assert tag_counts(client)["joint-pain"] == 3
    draft.unpublish()
    assert tag_counts(client)["joint-pain"] == 2
    PageViewRestriction.objects.create(page=library["knee"], restriction_type="login")
    counts = tag_counts(client)
    assert counts["joint-pain"] == 1
    assert "knee-pain" not in counts
    assert client.get("/api/v2/tags/knee-pain/").status_code == 404
    library["hip"].delete()
    counts = tag_counts(client)
    assert "joint-pain" not in counts
    assert counts["massage"] == 2


def test_tags_of_another_site_are_not_counted(client, library):
    from wagtail.models import Page, Site

    other_index = HealthArticleIndexPageFactory(
        parent=Page.get_first_root_node(), slug="other"
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_index)
    tagged(other_index, "Elsewhere", "foot pain", "massage")
    counts = tag_counts(client)
    assert "foot-pain" not in counts
    assert counts["massage"] == 3


def test_tags_endpoint_costs_constant_queries(client, no_stored_responses, index):
    def queries(path):
        client.get(path)  # warm the site cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    tagged(index, "One", "a", "b")
    few = queries("/api/v2/tags/?limit=50"), queries("/api/v2/tags/a/")
    for n in range(10):
        tagged(index, f"More {n}", f"tag {n}", "a", "b")
    many = queries("/api/v2/tags/?limit=50"), queries("/api/v2/tags/a/")
    assert few == many
    # Restrictions, site, and the tags with their counts once (not again
    # for the total); the detail the same.
    assert many[0] <= 3 and many[1] <= 4


# Tag slugs and names


def test_non_ascii_tags_get_stable_unique_slugs(client, index):
    page = tagged(index, "Dos", "santé du dos", "Hüfte")
    slugs = {tag.name: tag.slug for tag in page.tags.all()}
    assert slugs == {"santé du dos": "santé-du-dos", "Hüfte": "hüfte"}
    other = tagged(index, "Autre", "santé du dos")
    assert other.tags.get().slug == "santé-du-dos"
    response = client.get("/api/v2/tags/santé-du-dos/")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert titles(client.get(ARTICLES + "&tag=hüfte")) == ["Dos"]
    assert client.get("/tags/santé-du-dos/").status_code == 200


def test_tags_differing_in_case_are_one_tag(client, index):
    tagged(index, "A", "hip pain")
    tagged(index, "B", "Hip pain")
    tagged(index, "C", "HIP PAIN")
    assert Tag.objects.count() == 1
    assert tag_counts(client) == {"hip-pain": 3}


# Filtering articles by tag


def test_filter_by_slug_or_name_ignoring_case(client, library):
    for value in ("joint-pain", "joint pain", "Joint Pain", "JOINT-PAIN"):
        assert titles(client.get(ARTICLES + f"&tag={value}")) == ["Hip", "Knee"]


def test_filter_all_of_and_any_of(client, library):
    assert titles(client.get(ARTICLES + "&tag=massage,joint-pain")) == ["Hip"]
    assert titles(client.get(ARTICLES + "&tag=massage&tag=joint-pain")) == ["Hip"]
    assert titles(client.get(ARTICLES + "&tag_any=knee-pain,back pain")) == [
        "Back",
        "Knee",
    ]
    assert titles(client.get(ARTICLES + "&tag=massage&tag_any=hip-pain,neck-pain")) == [
        "Hip",
        "Neck",
    ]


def test_filter_works_without_type(client, library):
    assert titles(client.get("/api/v2/pages/?tag=knee-pain")) == ["Knee"]


def test_filter_combines_with_search_and_order(client, library):
    response = client.get(ARTICLES + "&tag=massage&search=Neck")
    assert titles(response) == ["Neck"]
    response = client.get(ARTICLES + "&tag_any=massage&order=-title")
    assert [item["title"] for item in response.json()["items"]] == [
        "Neck",
        "Hip",
        "Back",
    ]


def test_wagtails_own_tags_filter_keeps_its_meaning(client, library):
    assert titles(client.get(ARTICLES + "&tags=joint pain")) == ["Hip", "Knee"]
    assert titles(client.get(ARTICLES + "&tags=joint pain,massage")) == ["Hip"]
    # It matches names exactly, as in stock Wagtail.
    assert titles(client.get(ARTICLES + "&tags=joint-pain")) == []


def test_unknown_tag_gives_an_empty_list(client, library):
    assert titles(client.get(ARTICLES + "&tag=gout")) == []
    assert titles(client.get(ARTICLES + "&tag_any=gout,lupus")) == []


@pytest.mark.parametrize(
    "query",
    [
        "&tag=",
        "&tag=a,,b",
        "&tag_any=,",
        "&tag=" + "x" * 101,
        "&tag=" + ",".join(f"t{n}" for n in range(21)),
    ],
)
def test_malformed_tag_filters_answer_400(client, library, query):
    response = client.get(ARTICLES + query)
    assert response.status_code == 400
    assert "tag" in response.json()["message"]


def test_tag_filters_cost_constant_queries(client, no_stored_responses, index):
    def queries():
        path = ARTICLES + "&tag=a&tag_any=b,c&fields=*&limit=50"
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    tagged(index, "One", "a", "b")
    few = queries()
    for n in range(8):
        tagged(index, f"More {n}", "a", "c", f"t{n}")
    assert queries() == few


# Reader pages and feeds


def test_tag_index_page_lists_tags_with_counts(client, library):
    response = client.get("/tags/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/tags/joint-pain/"' in content
    assert 'joint pain</a>\n    <span class="count">(2 articles)</span>' in content


def test_tag_page_lists_articles_newest_first_and_paginates(client, index):
    from datetime import timedelta

    from django.utils import timezone

    for n in range(23):
        page = tagged(index, f"Article {n:02d}", "hip pain", live=False)
        page.first_published_at = timezone.now() - timedelta(days=30 - n)
        publish(page)
    content = client.get("/tags/hip-pain/").content.decode()
    assert content.index("Article 22") < content.index("Article 21")
    assert "Article 02" not in content
    assert "Page 1 of 2" in content
    second = client.get("/tags/hip-pain/?page=2").content.decode()
    assert "Article 02" in second and "Article 00" in second
    assert client.get("/tags/gout/").status_code == 404


def test_article_page_links_its_tags(client, library):
    content = client.get(library["hip"].url).content.decode()
    assert '<a href="/tags/joint-pain/" rel="tag">joint pain</a>' in content


def test_feed_of_all_articles_is_valid_rss(client, library, index):
    tagged(index, "Draft", "massage", live=False)
    response = client.get("/feed/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert sorted(entry.title for entry in feed.entries) == [
        "Back",
        "Hip",
        "Knee",
        "Neck",
    ]
    hip = next(entry for entry in feed.entries if entry.title == "Hip")
    assert hip.link == "http://testserver" + library["hip"].url
    assert hip.summary == "A short summary of the article."
    assert {tag.term for tag in hip.tags} == {"hip pain", "joint pain", "massage"}


def test_feed_per_tag_is_valid_rss(client, library):
    response = client.get("/tags/joint-pain/feed/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.title == "Articles tagged “joint pain”"
    assert sorted(entry.title for entry in feed.entries) == ["Hip", "Knee"]
    assert client.get("/tags/gout/feed/").status_code == 404
