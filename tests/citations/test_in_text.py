"""Citations inside rich text: the editor control, numbering, API markers, checks."""

import io
import json

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils.form_data import rich_text

from health_articles.blocks import BODY_TEXT_FEATURES
from health_articles.exchange import DocumentError, export_document, import_document
from health_articles.models import HealthArticlePage

from ..factories import HealthArticlePageFactory, condition_section
from ..helpers import (
    add_url,
    article_form_data,
    condition_data,
    publish,
    reference_data,
)


def cite(key):
    return f'<a linktype="citation" key="{key}">[{key}]</a>'


def cited_text(html):
    """Rich text form data keeping citations (the body's feature set)."""
    return rich_text(html, features=BODY_TEXT_FEATURES)


@pytest.fixture
def cited_article(index):
    """References listed a, b, c; the text cites c first, then a; b is uncited."""
    page = HealthArticlePageFactory(
        parent=index,
        slug="cited",
        body=[
            {"type": "rich_text", "value": f"<p>Hip pain is common {cite('c')}.</p>"},
            condition_section(
                "Piriformis syndrome",
                description=f"<p>A nerve entrapment {cite('a')} {cite('c')}.</p>",
            ),
        ],
        references=[{"key": key, "title": f"Study {key}"} for key in "abc"],
    )
    return publish(page)


def test_editor_has_a_cite_control_in_body_text(editor_client, index):
    response = editor_client.get(add_url(index))
    content = response.content.decode()
    assert "health_articles/js/citation.js" in content
    # The body's rich text editors offer the CITATION entity.
    soup = BeautifulSoup(content, "html.parser")
    body_options = json.loads(
        soup.find(attrs={"data-w-block-data-value": True})["data-w-block-data-value"]
    )
    assert '"type": "CITATION"' in json.dumps(body_options)


def test_citation_posted_from_the_editor_is_stored_and_numbered(
    editor_client, index, client
):
    body = [
        ("rich_text", cited_text(f"<p>Hip pain is common {cite('ahuja2020')}.</p>")),
        ("condition_section", condition_data("Piriformis", references=["abbott2013"])),
    ]
    data = article_form_data(body=body, action="action-publish")
    response = editor_client.post(add_url(index), data)
    assert response.status_code == 302
    page = HealthArticlePage.objects.get(slug="hip-pain")
    stored = page.body[0].value.source
    assert 'linktype="citation"' in stored
    assert 'key="ahuja2020"' in stored
    # The text cites ahuja2020 before the condition cites abbott2013, so
    # ahuja2020 is [1] although the list has abbott2013 first.
    api = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert [ref["key"] for ref in api["references"]] == ["ahuja2020", "abbott2013"]
    marker = BeautifulSoup(api["body"][0]["value"], "html.parser").a
    assert marker.get_text() == "[1]"
    assert marker["href"] == "#ref-ahuja2020"
    assert marker["data-reference-number"] == "1"


def test_api_numbers_by_first_appearance_and_flags_uncited(client, cited_article):
    data = client.get(f"/api/v2/pages/{cited_article.pk}/").json()
    references = data["references"]
    assert [(r["number"], r["key"], r["cited"]) for r in references] == [
        (1, "c", True),
        (2, "a", True),
        (3, "b", False),
    ]
    assert [r["anchor"] for r in references] == ["ref-c", "ref-a", "ref-b"]
    intro = BeautifulSoup(data["body"][0]["value"], "html.parser")
    assert [a.get_text() for a in intro.select("a.citation")] == ["[1]"]
    description = BeautifulSoup(data["body"][1]["value"]["description"], "html.parser")
    markers = description.select("a.citation")
    assert [(a["data-reference-key"], a.get_text()) for a in markers] == [
        ("a", "[2]"),
        ("c", "[1]"),
    ]
    assert all(a["href"] == f"#ref-{a['data-reference-key']}" for a in markers)


def test_stored_form_is_served_on_request(client, cited_article):
    data = client.get(
        f"/api/v2/pages/{cited_article.pk}/?rich_text_format=db_html"
    ).json()
    assert data["body"][0]["value"] == f"<p>Hip pain is common {cite('c')}.</p>"


def test_listing_numbers_citations_without_extra_queries(
    client, cited_article, index, no_stored_responses
):
    url = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=body"

    def queries():
        client.get(url + "&_=warm")
        with CaptureQueriesContext(connection) as captured:
            items = client.get(url).json()["items"]
        return len(captured), items

    few, _items = queries()
    for n in range(5):
        page = HealthArticlePageFactory(
            parent=index, slug=f"more-{n}", references=["ahuja2020", "abbott2013"]
        )
        publish(page)
    many, items = queries()
    assert len(items) == 6
    assert many == few
    cited = next(item for item in items if item["id"] == cited_article.pk)
    assert "[1]" in cited["body"][0]["value"]


def test_markdown_shows_the_numbers(client, cited_article):
    data = client.get(
        f"/api/v2/pages/{cited_article.pk}/?rich_text_format=markdown"
    ).json()
    # Markdown escapes the brackets: \[1\] reads [1].
    assert "\\[1\\]" in data["body"][0]["value"]
    assert "[c]" not in data["body"][0]["value"]


def test_citations_are_not_counted_as_words(index):
    plain = HealthArticlePageFactory(
        parent=index,
        body=[{"type": "rich_text", "value": "<p>Hip pain is common.</p>"}],
    )
    cited = HealthArticlePageFactory(
        parent=index,
        body=[
            {"type": "rich_text", "value": f"<p>Hip pain is common. {cite('a')}</p>"}
        ],
        references=["a"],
    )
    assert cited.word_count == plain.word_count


def test_a_key_cannot_break_out_of_its_attribute(client, index):
    hostile = 'a" onmouseover="alert(1)'
    page = publish(HealthArticlePageFactory(parent=index, slug="hostile"))
    # Stored past the model's checks (no reference could have such a key).
    HealthArticlePage.objects.filter(pk=page.pk).update(
        body=[
            {
                "type": "rich_text",
                "value": '<p><a linktype="citation" '
                'key="a&quot; onmouseover=&quot;alert(1)">x</a></p>',
            }
        ]
    )
    for html in (
        client.get(page.url).content.decode(),
        client.get(f"/api/v2/pages/{page.pk}/").json()["body"][0]["value"],
    ):
        soup = BeautifulSoup(html, "html.parser")
        link = soup.select_one("a.citation")
        assert link.get_text() == "[?]"
        assert link["data-reference-key"] == hostile
        assert not link.has_attr("onmouseover")


def test_page_shows_numbers_linked_to_the_list(client, cited_article):
    soup = BeautifulSoup(client.get(cited_article.url).content, "html5lib")
    entries = soup.select("section.references ol > li")
    assert [li["id"] for li in entries] == ["ref-c", "ref-a", "ref-b"]
    markers = soup.select("main a.citation")
    assert [(a["href"], a.get_text()) for a in markers] == [
        ("#ref-c", "[1]"),
        ("#ref-a", "[2]"),
        ("#ref-c", "[1]"),
    ]


@pytest.mark.parametrize("key", ["nosuchkey", ""])
def test_publishing_a_citation_of_a_missing_reference_is_refused(
    editor_client, index, key
):
    body = [("rich_text", cited_text(f"<p>Common {cite(key)}.</p>"))]
    response = editor_client.post(
        add_url(index), article_form_data(body=body, action="action-publish")
    )
    assert response.status_code == 200
    error = response.context["form"].errors["body"].as_data()[0]
    assert error.block_errors[0].messages == [f"No reference has the key “{key}”."]
    assert not HealthArticlePage.objects.exists()


def test_missing_reference_in_a_nested_treatment_names_the_field(editor_client, index):
    body = [
        (
            "condition_section",
            condition_data(
                "Piriformis",
                treatments=[
                    {
                        "name": "Massage",
                        "description": cited_text(f"<p>{cite('gone')}</p>"),
                        "evidence": cited_text(f"<p>{cite('gone')} {cite('x')}</p>"),
                        "certainty": "not_graded",
                        "study_types": (),
                        "references": {"count": "0"},
                    }
                ],
            ),
        )
    ]
    response = editor_client.post(
        add_url(index), article_form_data(body=body, action="action-publish")
    )
    assert response.status_code == 200
    error = response.context["form"].errors["body"].as_data()[0]
    treatment = error.block_errors[0].block_errors["treatments"].block_errors[0]
    assert treatment.block_errors["description"].messages == [
        "No reference has the key “gone”."
    ]
    assert treatment.block_errors["evidence"].messages == [
        "No reference has the key “gone”, “x”."
    ]
    assert not HealthArticlePage.objects.exists()


def warnings_after(response, client):
    assert response.status_code == 302
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def test_uncited_references_are_saved_with_a_warning(editor_client, index):
    references = [reference_data("abbott2013"), reference_data("ahuja2020")]
    references.append(reference_data("unused2019"))
    response = editor_client.post(
        add_url(index),
        article_form_data(references=references, action="action-publish"),
    )
    messages = warnings_after(response, editor_client)
    assert any("Not cited in the article: unused2019." in m for m in messages)
    assert HealthArticlePage.objects.get(slug="hip-pain").live


def test_no_warning_when_every_reference_is_cited(editor_client, index):
    response = editor_client.post(
        add_url(index), article_form_data(action="action-publish")
    )
    messages = warnings_after(response, editor_client)
    assert not any("Not cited" in m or "DOI" in m for m in messages)


def test_doubtful_doi_is_saved_with_a_warning(editor_client, index):
    doubtful = "10.1002/(SICI)1097-4679(199710)53:6<555::AID-JCLP5>3.0.CO;2-#"
    references = [
        reference_data("abbott2013", doi=f"https://doi.org/{doubtful}"),
        reference_data("ahuja2020"),
    ]
    response = editor_client.post(
        add_url(index),
        article_form_data(references=references, action="action-publish"),
    )
    messages = warnings_after(response, editor_client)
    assert any(
        m.startswith(f"abbott2013: “{doubtful}” does not match") for m in messages
    )
    page = HealthArticlePage.objects.get(slug="hip-pain")
    assert page.references.get(key="abbott2013").doi == doubtful


def test_parser_flags_a_doubtful_doi_for_review(tmp_path):
    source = tmp_path / "refs.txt"
    source.write_text(
        "Smith J. A study. J Clin Psychol. 1997;53(6):555-67. "
        "doi:10.1002/(SICI)1097-4679(199710)53:6<555::AID-JCLP5>3.0.CO;2-#\n"
    )
    out = io.StringIO()
    call_command("parse_references", str(source), stdout=out, stderr=io.StringIO())
    [item] = json.loads(out.getvalue())
    assert item["DOI"].startswith("10.1002/(SICI)")
    assert any(
        "does not match the pattern" in n for n in item["custom"]["needs_review"]
    )


def test_import_refuses_a_citation_of_a_missing_key(cited_article, index):
    document = export_document(HealthArticlePage.objects.filter(pk=cited_article.pk))
    article = document["articles"][0]
    article["slug"] = "copy"
    article["body"][0]["value"] = f"<p>{cite('zzz')}</p>"
    with pytest.raises(DocumentError, match="no reference has the key “zzz”"):
        import_document(document)


def test_import_keeps_only_what_the_editor_allows(cited_article, index):
    document = export_document(HealthArticlePage.objects.filter(pk=cited_article.pk))
    article = document["articles"][0]
    article["slug"] = "imported"
    article["body"][0]["value"] = (
        '<p onclick="steal()">Hip pain <img src="x" onerror="alert(1)"/>'
        f"<script>alert(2)</script>is common {cite('c')}.</p>"
    )
    article["disclaimer"] = '<p>See a doctor.<iframe src="https://x"></iframe></p>'
    [imported] = import_document(document)
    stored = imported.body[0].value.source
    for bad in ("onclick", "<img", "onerror", "alert(1)", "<script"):
        assert bad not in stored
    assert 'linktype="citation"' in stored and "is common" in stored
    assert "<iframe" not in imported.disclaimer
    assert "See a doctor." in imported.disclaimer


def test_import_refuses_keys_differing_only_in_case(cited_article):
    document = export_document(HealthArticlePage.objects.filter(pk=cited_article.pk))
    document["articles"][0]["references"][1]["key"] = "A"
    with pytest.raises(DocumentError, match="repeats"):
        import_document(document)


def test_import_refuses_rich_text_it_cannot_read(cited_article):
    document = export_document(HealthArticlePage.objects.filter(pk=cited_article.pk))
    document["articles"][0]["slug"] = "unreadable"
    document["articles"][0]["body"][0]["value"] = "<p>Hip <img src=x> pain</p>"
    with pytest.raises(DocumentError, match=r"body\[0\].*not readable"):
        import_document(document)
