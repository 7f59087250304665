"""Stored answers are kept by what they depend on, not by one version of
everything: a change makes stale the answers that show it, and no other."""

import html
import json
import re

import pytest
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from health_articles import caching
from health_articles.api.serializers import ArticlePageSerializer
from health_articles.caching import WARM_KEY, answer_key
from health_articles.models import ArticleAuthor, Person

from ..factories import HealthArticlePageFactory, condition_section
from ..helpers import publish

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*"


def detail(page):
    return f"/api/v2/pages/{page.pk}/"


def still_valid(client, url, response):
    """Whether a conditional GET with ``response``'s ETag answers 304."""
    return client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.fixture
def unrelated(index):
    """An article sharing no tag and no condition with ``article``."""
    page = HealthArticlePageFactory(
        parent=index,
        title="Sleep after surgery",
        slug="sleep",
        body=[condition_section("Insomnia")],
    )
    page.tags.add("sleep")
    page.save()
    return publish(page)


@pytest.fixture
def related(index, article):
    """An article sharing the tag "hip pain" with ``article``."""
    page = HealthArticlePageFactory(
        parent=index, title="Walking with hip pain", slug="walking"
    )
    page.tags.add("hip pain")
    page.save()
    return publish(page)


def test_publishing_one_article_leaves_the_others_valid(client, article, unrelated):
    answers = {
        url: client.get(url)
        for url in [
            detail(article),
            detail(unrelated),
            "/api/v2/tags/sleep/",
            "/api/v2/tags/hip-pain/",
            LISTING,
        ]
    }
    article.title = "Massage for hip pain, revised"
    publish(article)
    assert still_valid(client, detail(unrelated), answers[detail(unrelated)])
    assert still_valid(client, "/api/v2/tags/sleep/", answers["/api/v2/tags/sleep/"])
    # Its tags count the same articles as before.
    assert still_valid(
        client, "/api/v2/tags/hip-pain/", answers["/api/v2/tags/hip-pain/"]
    )
    # What shows the article is built again.
    assert not still_valid(client, detail(article), answers[detail(article)])
    assert not still_valid(client, LISTING, answers[LISTING])
    assert client.get(detail(article)).json()["title"] == article.title


def test_an_article_showing_another_as_related_follows_it(client, article, related):
    before = client.get(detail(article))
    assert [r["title"] for r in before.json()["related_articles"]] == [related.title]
    related.title = "Walking again after hip pain"
    publish(related)
    titles = [
        r["title"] for r in client.get(detail(article)).json()["related_articles"]
    ]
    assert titles == ["Walking again after hip pain"]


def test_a_new_article_sharing_a_condition_joins_the_related(client, article):
    assert client.get(detail(article)).json()["related_articles"] == []
    newcomer = HealthArticlePageFactory(
        parent=article.get_parent(), title="Hip arthritis and exercise", slug="ex"
    )  # the factory's body has the same condition, and no tags
    titles = [
        r["title"] for r in client.get(detail(article)).json()["related_articles"]
    ]
    assert titles == [newcomer.title]


def test_an_article_withdrawn_changes_its_tags_counts(client, article, unrelated):
    counted = client.get("/api/v2/tags/hip-pain/")
    listed = client.get("/api/v2/tags/")
    other = client.get("/api/v2/tags/sleep/")
    article.unpublish()
    assert client.get("/api/v2/tags/hip-pain/").status_code == 404
    assert not still_valid(client, "/api/v2/tags/", listed)
    assert still_valid(client, "/api/v2/tags/sleep/", other)
    assert counted.json()["count"] == 1


def test_a_tag_added_to_an_article_joins_the_tag_listings(client, article):
    filtered = "/api/v2/pages/?tag=knee-pain"
    assert client.get(filtered).json()["meta"]["total_count"] == 0
    names = [tag["name"] for tag in client.get("/api/v2/tags/").json()["items"]]
    assert "knee pain" not in names
    article.tags.add("knee pain")
    publish(article)
    assert client.get(filtered).json()["meta"]["total_count"] == 1
    names = [tag["name"] for tag in client.get("/api/v2/tags/").json()["items"]]
    assert "knee pain" in names


def test_a_condition_renamed_changes_the_related_articles(client, article):
    newcomer = HealthArticlePageFactory(
        parent=article.get_parent(),
        title="Knees",
        slug="knees",
        body=[condition_section("Knee osteoarthritis")],
    )
    assert client.get(detail(article)).json()["related_articles"] == []
    newcomer.body = [condition_section("Osteoarthritis of the hip")]
    publish(newcomer)
    titles = [
        r["title"] for r in client.get(detail(article)).json()["related_articles"]
    ]
    assert titles == ["Knees"]


def test_a_tag_taken_off_an_article_changes_that_tags_answer(client, article):
    before = client.get("/api/v2/tags/joint-pain/")
    assert before.json()["count"] == 1
    article.tags.remove("joint pain")
    publish(article)
    assert client.get("/api/v2/tags/joint-pain/").status_code == 404


def test_a_person_edited_changes_only_the_articles_naming_them(
    client, article, unrelated
):
    person = Person.objects.create(name="A. Writer")
    ArticleAuthor.objects.create(page=article, person=person)
    publish(article)
    mine, theirs = client.get(detail(article)), client.get(detail(unrelated))
    person.name = "A. Writer, RMT"
    person.save()
    assert still_valid(client, detail(unrelated), theirs)
    assert not still_valid(client, detail(article), mine)
    names = [a["name"] for a in client.get(detail(article)).json()["authors"]]
    assert names == ["A. Writer, RMT"]


@pytest.fixture
def serialised(monkeypatch):
    """The ids of the pages serialised, in order."""
    pks = []
    original = ArticlePageSerializer.to_representation

    def counting(self, instance):
        pks.append(instance.pk)
        return original(self, instance)

    monkeypatch.setattr(ArticlePageSerializer, "to_representation", counting)
    return pks


def test_a_publish_builds_its_article_for_the_listings_in_use(
    client, article, unrelated, related, serialised
):
    client.get(LISTING)
    client.get(LISTING + "&limit=2")  # the same items, another selection
    client.get(LISTING.replace("fields=*", "fields=title"))
    serialised.clear()
    article.title = "Massage for hip pain, revised"
    # In the editor's request: once it has answered, for all it committed.
    # (As Django's test client, without closing the test's connection.)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        signals.request_started.send(sender=None)
        publish(article)
        assert serialised == []
        signals.request_finished.send(sender=None)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    # Once for each variant of the items asked for (two).
    assert serialised == [article.pk, article.pk]
    serialised.clear()
    with CaptureQueriesContext(connection) as rebuilt:
        items = client.get(LISTING).json()["items"]
        assert client.get(LISTING + "&limit=2").json()["items"] == items[:2]
    assert serialised == []
    assert items[0]["title"] == "Massage for hip pain, revised"
    cache.clear()
    assert client.get(LISTING).json()["items"] == items
    assert not any("COUNT(" in q["sql"] for q in rebuilt.captured_queries)


def test_a_change_outside_a_request_builds_its_article_at_once(
    client, article, serialised
):
    client.get(LISTING)
    serialised.clear()
    article.title = "Massage for hip pain, revised"
    publish(article)  # as a command would
    assert set(serialised) == {article.pk}
    serialised.clear()
    assert client.get(LISTING).json()["items"][0]["title"] == article.title
    assert serialised == []


def test_a_listing_that_could_not_be_built_again_does_not_stop_a_publish(
    client, article, caplog
):
    client.get(LISTING)
    noted = cache.get(WARM_KEY)
    (where, when), *_ = noted.values()
    cache.set(
        WARM_KEY, {**noted, "gone": (("http", "testserver", "/gone/", [], "80"), when)}
    )
    article.title = "Massage for hip pain, revised"
    publish(article)
    assert "Could not build page" in caplog.text
    assert client.get(LISTING).json()["items"][0]["title"] == article.title


def test_a_listing_rebuilt_after_a_publish_serialises_one_article(
    client, article, unrelated, related, serialised, monkeypatch
):
    """Where the publish did not build it (more pages changed at once than
    are built again, or the cache lost what listings are in use)."""
    client.get(LISTING)
    monkeypatch.setattr(caching, "WARM_PAGES", 0)
    article.title = "Massage for hip pain, revised"
    publish(article)
    serialised.clear()
    with CaptureQueriesContext(connection) as rebuilt:
        items = client.get(LISTING).json()["items"]
    assert serialised == [article.pk]
    assert [item["title"] for item in items] == [
        "Massage for hip pain, revised",
        unrelated.title,
        related.title,
    ]
    # As built from cold, with every article serialised.
    cache.clear()
    serialised.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(LISTING).json()["items"] == items
    assert sorted(serialised) == sorted([article.pk, unrelated.pk, related.pk])
    # Which articles, and how many, was kept: not counted or ordered again.
    assert not any("COUNT(" in q["sql"] for q in rebuilt.captured_queries)
    assert any("COUNT(" in q["sql"] for q in cold.captured_queries)
    assert len(rebuilt) < len(cold)


def test_answers_carry_their_dependencies_as_cache_tags(client, article):
    answer = client.get(detail(article))
    tags = answer["xkey"].split()
    assert f"page:{article.pk}" in tags and "all" in tags and "pages" not in tags
    assert answer["Surrogate-Key"] == answer["xkey"]
    assert answer["Cache-Tag"].split(",") == tags
    listing = client.get(LISTING)
    assert {"live-pages", f"page:{article.pk}"} <= set(listing["xkey"].split())
    stored = client.get(detail(article))  # answered from the cache: the same tags
    assert stored["xkey"] == answer["xkey"]
    preview = client.get("/api/v2/page_preview/?content_type=x&token=y")
    assert not preview.has_header("xkey")


def test_an_unfiltered_listing_follows_which_pages_are_live(client, article, unrelated):
    first = "/api/v2/pages/?type=health_articles.HealthArticlePage&limit=1"
    by_title = first + "&title=" + article.title
    answers = {url: client.get(url) for url in (first, by_title)}
    assert [i["id"] for i in answers[first].json()["items"]] == [article.pk]
    unrelated.title = "Sleep after surgery, revised"
    publish(unrelated)
    # Not in it, and no page went live or stopped being live.
    assert still_valid(client, first, answers[first])
    # A filter may select by what changed: built again.
    assert not still_valid(client, by_title, answers[by_title])
    newcomer = HealthArticlePageFactory(parent=article.get_parent(), title="New")
    assert client.get(first).json()["meta"]["total_count"] == 3
    newcomer.unpublish()
    assert client.get(first).json()["meta"]["total_count"] == 2
    unrelated.delete()
    assert client.get(first).json()["meta"]["total_count"] == 1


def test_a_child_of_a_page_not_live_follows_it_going_live(client, article):
    index = article.get_parent().specific
    index.unpublish()
    assert client.get(detail(article)).json()["meta"]["parent"] is None
    publish(index)
    parent = client.get(detail(article)).json()["meta"]["parent"]
    assert parent["id"] == index.pk


def test_the_admins_bulk_actions_make_answers_stale(client, editor_client, db):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    locked = root.add_child(name="Locked")
    CollectionViewRestriction.objects.create(
        collection=locked, restriction_type="login"
    )
    image = Image.objects.create(title="Scan", file=get_test_image_file())
    assert client.get("/api/v2/images/").json()["meta"]["total_count"] == 1
    # "Add to collection", which moves them with QuerySet.update().
    response = editor_client.post(
        f"/admin/bulk/wagtailimages/image/add_to_collection/?id={image.pk}",
        {"collection": locked.pk},
    )
    assert response.status_code == 302
    assert Image.objects.get(pk=image.pk).collection_id == locked.pk
    assert client.get("/api/v2/images/").json()["meta"]["total_count"] == 0


def test_a_listing_of_kept_articles_is_answered_without_queries(
    client, article, unrelated
):
    """The site, the view restrictions, the selection and each article's
    serialised form are kept: a listing whose answer was dropped (an edit
    of a page it does not show) is put together again from them alone."""
    first = client.get(LISTING)
    cache.delete(answer_key(RequestFactory().get(LISTING)))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(LISTING)
    assert again.content == first.content
    assert [q["sql"] for q in queries.captured_queries] == []


def test_the_browsable_api_shows_a_listing_of_kept_articles(client, article):
    """Kept as encoded JSON, a listing's articles are decoded again for the
    browsable API, which indents them."""
    data = client.get(LISTING).json()
    page = client.get(LISTING + "&format=api").content.decode()
    shown = page.split("<pre")[-1].split("</pre>")[0]
    shown = html.unescape(re.sub(r"<[^>]+>", "", shown))
    body = shown[shown.index("\n{") : shown.rindex("}") + 1]
    assert '\n    "items": [\n        {' in body  # indented
    assert json.loads(body) == data


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_outside_a_request_builds_its_article_once(
    client, article, serialised
):
    """Wagtail's publish saves several times; the article's is one transaction."""
    client.get(LISTING)
    serialised.clear()
    article.title = "Massage for hip pain, revised"
    publish(article)  # as a command would, committing for real
    assert serialised == [article.pk]
    assert client.get(LISTING).json()["items"][0]["title"] == article.title
