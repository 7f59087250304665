"""Hostile text from editors is shown as text everywhere it is rendered."""

import json

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from health_articles.models import ArticleAuthor, HealthArticlePage, Person

from ..helpers import (
    article_form_data,
    condition_data,
    reference_data,
    treatment_data,
)

PAYLOADS = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert("x2")>',
    "</script><script>alert('x3')</script>",
    "<svg/onload=alert('x4')>",
    "' onmouseover='alert(5)",
    "]]><x>x6</x><![CDATA[",
    "{{ 7*7 }}{% now 'Y' %}",
]


@pytest.fixture
def hostile_article(editor_client, index):
    person = Person.objects.create(
        name=PAYLOADS[0], credentials=PAYLOADS[1], bio=PAYLOADS[3]
    )
    body = [
        ("heading", {"text": PAYLOADS[2], "level": "h2"}),
        (
            "rich_text",
            rich_text(
                "<p>Before <a href=\"javascript:alert('x8')\">a link</a> after.</p>"
            ),
        ),
        (
            "condition_section",
            condition_data(
                PAYLOADS[3],
                alternate_names=[PAYLOADS[4]],
                references=["ref1"],
                treatments=[treatment_data(PAYLOADS[5], references=["ref1"])],
            ),
        ),
    ]
    references = [
        reference_data(
            "ref1",
            title=PAYLOADS[0],
            authors=f"{PAYLOADS[1]}, J\n{PAYLOADS[5]}",
            container_title=PAYLOADS[2],
            raw_text=PAYLOADS[6],
            doi="10.1000/<script>",
        )
    ]
    data = article_form_data(
        title=PAYLOADS[0],
        body=body,
        references=references,
        tags=f'"{PAYLOADS[3]}", "{PAYLOADS[6]}"',
        action="action-publish",
    )
    data["summary"] = PAYLOADS[1]
    response = editor_client.post(
        reverse(
            "wagtailadmin_pages:add",
            args=("health_articles", "healtharticlepage", index.pk),
        ),
        data,
    )
    assert response.status_code == 302, response.context["form"].errors
    page = HealthArticlePage.objects.get(slug="hip-pain")
    ArticleAuthor.objects.create(page=page, person=person)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def assert_no_live_markup(markup):
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(["img", "svg", "x"]):
        raise AssertionError(f"injected element: {tag}")
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.startswith("on"), tag
            if attribute == "href":
                assert not str(value).lower().startswith("javascript:"), tag
    for script in soup.find_all("script"):
        assert script.get("type") == "application/ld+json", script
        # Data only: no "<" that could close the element, and valid JSON.
        assert "<" not in script.string
        json.loads(script.string)
    text = soup.get_text()
    assert "<script>alert('x1')</script>" in text  # shown, as text
    assert "{{ 7*7 }}" in text  # a tag name, shown and not evaluated


def test_article_page_shows_payloads_as_text(client, hostile_article):
    assert_no_live_markup(client.get(hostile_article.url).content.decode())


def test_tag_pages_show_payloads_as_text(client, hostile_article):
    markup = client.get("/tags/").content.decode()
    soup = BeautifulSoup(markup, "html.parser")
    assert not soup.find_all(["svg", "img"])
    for tag in hostile_article.tags.all():
        page = client.get(reverse("health_articles:tag", args=(tag.slug,)))
        assert page.status_code == 200
        assert not BeautifulSoup(page.content, "html.parser").find_all(["svg", "img"])


def test_feeds_carry_payloads_as_text(client, hostile_article):
    for url in ["/feed/"] + [
        reverse("health_articles:tag_feed", args=(tag.slug,))
        for tag in hostile_article.tags.all()
    ]:
        response = client.get(url)
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.bozo_exception)
        [entry] = feed.entries
        assert entry.title == PAYLOADS[0]


def test_api_returns_payloads_as_data(client, hostile_article):
    data = client.get(f"/api/v2/pages/{hostile_article.pk}/").json()
    assert data["title"] == PAYLOADS[0]
    assert data["summary"] == PAYLOADS[1]
    assert data["references"][0]["csl"]["title"] == PAYLOADS[0]
    formatted_html = data["references"][0]["formatted_html"]
    assert "<script>" not in formatted_html
    assert "&lt;script&gt;" in formatted_html
    assert "javascript:" not in json.dumps(data["body"])
    assert data["authors"][0]["name"] == PAYLOADS[0]


def test_javascript_urls_are_refused_at_input(editor_client, index):
    references = [reference_data("ref1", url="javascript:alert(1)")]
    response = editor_client.post(
        reverse(
            "wagtailadmin_pages:add",
            args=("health_articles", "healtharticlepage", index.pk),
        ),
        article_form_data(references=references, body=[]),
    )
    assert response.status_code == 200
    for field in ("profile_url", "same_as"):
        person = Person(name="X", **{field: "javascript:alert(1)"})
        with pytest.raises(Exception, match="valid URL"):
            person.full_clean()
