import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from .factories import HealthArticlePageFactory, condition_section
from .helpers import publish


def article(index, title, tags=(), conditions=(), live=True):
    body = [condition_section(name, alternate_names=alt) for name, alt in conditions]
    page = HealthArticlePageFactory(parent=index, title=title, body=body, live=live)
    page.tags.add(*tags)
    return publish(page) if live else page


HIP_OA = ("Osteoarthritis of the hip", ["HOA"])
FAI = ("Femoroacetabular impingement", ["FAI"])


@pytest.fixture
def hip(index):
    return article(index, "Hip", ["hip pain", "joint pain", "massage"], [HIP_OA, FAI])


def related(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    return response.json()["related_articles"]


def test_ranked_by_shared_tags_then_shared_conditions(client, index, hip):
    article(index, "One tag", ["massage"])
    two_tags = article(index, "Two tags", ["hip pain", "joint pain"])
    article(
        index,
        "One tag, one condition",
        ["joint pain"],
        [("hip osteoarthritis", ["hoa"])],
    )
    article(index, "Condition only", [], [("FAI", [])])
    article(index, "Nothing shared", ["gout"], [("Gout", [])])
    items = related(client, hip)
    assert [item["title"] for item in items] == [
        "Two tags",
        "One tag, one condition",
        "One tag",
        "Condition only",
    ]
    assert items[1]["shared_tags"] == 1
    assert items[1]["shared_conditions"] == 1
    assert items[0]["id"] == two_tags.pk
    assert items[0]["meta"]["html_url"] == two_tags.full_url
    assert items[0]["meta"]["type"] == "health_articles.HealthArticlePage"
    assert items[0]["summary"] == "A short summary of the article."


def test_drafts_and_private_articles_are_never_related(client, index, hip):
    article(index, "Draft", ["hip pain"], live=False)
    private = article(index, "Private", ["hip pain"])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert related(client, hip) == []


def test_at_most_five(client, index, hip):
    for n in range(8):
        article(index, f"Related {n}", ["massage"])
    assert len(related(client, hip)) == 5


def test_only_in_the_detail(client, hip):
    url = (
        "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=related_articles"
    )
    assert client.get(url).status_code == 400


def test_detail_queries_do_not_grow_with_candidates(
    client, no_stored_responses, index, hip
):
    def queries():
        client.get(f"/api/v2/pages/{hip.pk}/")
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v2/pages/{hip.pk}/")
        return len(captured)

    article(index, "First", ["massage"], [HIP_OA])
    few = queries()
    for n in range(10):
        article(index, f"More {n}", ["massage", "joint pain"], [FAI])
    assert queries() == few


def test_article_page_shows_related_articles(client, index, hip):
    article(index, "Knee", ["joint pain"])
    content = client.get(hip.url).content.decode()
    assert 'aria-labelledby="related-heading"' in content
    assert ">Knee</a>" in content
