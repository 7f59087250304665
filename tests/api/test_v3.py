"""Wagtail's API v3 (a preview in Wagtail 8), mounted at /api/v3/: articles
are listed and served whole, and its OpenAPI document types their fields."""

import re

import pytest

from health_articles.models import HealthArticlePage

pytest.importorskip("wagtail.api.v3")

ARTICLE = "health_articles.HealthArticlePage"
ARTICLE_FIELDS = [field.name for field in HealthArticlePage.api_fields]
MEDIA_ORIGIN = re.compile(r"https?://[^/\s]+(?=/media/)")


def media_as_paths(value):
    """``value`` with its media URLs as paths, as v3 serves them: it gives
    fields no request, and images.picture makes paths without one."""
    if isinstance(value, dict):
        return {key: media_as_paths(item) for key, item in value.items()}
    if isinstance(value, list):
        return [media_as_paths(item) for item in value]
    return MEDIA_ORIGIN.sub("", value) if isinstance(value, str) else value


pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(demo_content):
    return list(demo_content.get_children().live().specific().order_by("pk"))


def test_v3_lists_the_articles(client, articles):
    response = client.get("/api/v3/pages/", {"type": ARTICLE})
    assert response.status_code == 200
    listing = response.json()
    assert listing["count"] == len(articles)
    assert [item["id"] for item in listing["items"]] == [a.pk for a in articles]
    assert {item["meta"]["type"] for item in listing["items"]} == {ARTICLE}


def test_v3_serves_an_article_as_v2_does(client, articles):
    article = articles[0]
    response = client.get(f"/api/v3/pages/{article.pk}/")
    assert response.status_code == 200
    v3 = response.json()
    v2 = client.get(f"/api/v2/pages/{article.pk}/").json()
    # v3 gives the fields no request, so no link into v2's API either.
    for related in v2["related_articles"]:
        del related["meta"]["detail_url"]
    v2["hero_image"] = v2["hero_image"] and {
        "id": v2["hero_image"]["id"],
        "meta": {"type": v2["hero_image"]["meta"]["type"]},
    }
    assert {name: v3[name] for name in ARTICLE_FIELDS} == {
        name: media_as_paths(v2[name]) for name in ARTICLE_FIELDS
    }
    assert v3["body"][1]["value"]["treatments"][0]["certainty"]
    assert v3["related_articles"]
    assert v3["disclaimer"].startswith("<p>")


def test_v3_openapi_types_the_article_fields(client):
    document = client.get("/api/v3/openapi.json").json()
    schemas = document["components"]["schemas"]
    fields = schemas["HealthArticlePageSchema"]["properties"]

    def typed(schema):
        """The non-null schemas of a field's, each with a type or a reference."""
        options = [s for s in schema.get("anyOf", [schema]) if s != {"type": "null"}]
        return options and all("type" in s or "$ref" in s for s in options)

    assert [name for name in ARTICLE_FIELDS if not typed(fields[name])] == []
    body_items = fields["body"]["anyOf"][0]["items"]["anyOf"]
    assert {"$ref": "#/components/schemas/ArticleBodyBlockConditionSection"} in (
        body_items
    )
    assert schemas["TreatmentBlock"]["properties"]["certainty"]["enum"][-1] == (
        "not_graded"
    )
    assert fields["references"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/ReferenceEntry"
    }
    assert fields["word_count"]["anyOf"][0] == {"type": "integer"}
