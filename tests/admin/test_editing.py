import pytest
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from health_articles.models import HealthArticlePage

from ..helpers import (
    add_url,
    article_form_data,
    condition_data,
    reference_data,
    treatment_data,
)


def post_new_article(client, index, **kwargs):
    return client.post(add_url(index), article_form_data(**kwargs))


def test_editor_creates_an_article_with_every_part(editor_client, index):
    response = post_new_article(editor_client, index)
    assert response.status_code == 302, response.context["form"].errors
    page = HealthArticlePage.objects.get(slug="hip-pain")
    assert page.live is False  # saved as a draft
    revision = page.get_latest_revision_as_object()
    assert revision.summary == "What massage can do for hip pain."
    blocks = list(revision.body)
    assert [block.block_type for block in blocks] == [
        "rich_text",
        "condition_section",
        "heading",
        "treatment",
    ]
    section = blocks[1].value
    assert section["name"] == "Osteoarthritis of the hip"
    assert list(section["alternate_names"]) == ["HOA"]
    assert section["treatments"][0]["name"] == "Massage therapy"
    assert list(section["treatments"][0]["references"]) == ["abbott2013"]
    assert blocks[3].value["name"] == "Stretching"
    assert sorted(tag.name for tag in revision.tags.all()) == ["hip pain", "joint pain"]
    abbott, ahuja = revision.references.all()
    # Identifiers are normalised as they are saved.
    assert abbott.doi == "10.1016/J.JOCA.2012.12.014"
    assert ahuja.pmid == "33840922"
    assert ahuja.pmcid == "PMC8022067"
    assert abbott.as_csl()["author"][-1] == {"literal": "MOA Trial team"}


def test_editor_publishes_and_the_api_serves_it(editor_client, index, client):
    response = post_new_article(editor_client, index, action="action-publish")
    assert response.status_code == 302
    page = HealthArticlePage.objects.get(slug="hip-pain")
    assert page.live
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert data["body"][1]["value"]["treatments"][0]["references"] == ["abbott2013"]
    assert [ref["key"] for ref in data["references"]] == ["ahuja2020", "abbott2013"]
    assert {"name": "joint pain", "slug": "joint-pain"} in data["tags"]


def test_editor_edits_an_article(editor_client, index):
    post_new_article(editor_client, index, action="action-publish")
    page = HealthArticlePage.objects.get(slug="hip-pain")
    ids = list(page.references.values_list("pk", flat=True))
    references = [
        dict(reference_data("abbott2013", title="Renamed trial"), id=str(ids[0])),
        dict(reference_data("ahuja2020"), id=str(ids[1])),
    ]
    data = article_form_data(
        title="Massage for hip pain",
        references=references,
        initial_references=2,
        tags='"hip pain"',  # as the tag widget submits one multi-word tag
        action="action-publish",
    )
    response = editor_client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)), data
    )
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.title == "Massage for hip pain"
    assert page.references.get(key="abbott2013").title == "Renamed trial"
    assert page.references.count() == 2
    assert [tag.name for tag in page.tags.all()] == ["hip pain"]


def test_edit_form_renders_every_part(editor_client, article):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    assert response.status_code == 200
    content = response.content.decode()
    for field in ("id_summary", "id_tags", "id_hero_image", "id_references-1-doi"):
        assert f'id="{field}"' in content
    # The body editor is built client-side from the block definitions and value.
    assert "condition_section" in content
    assert "Osteoarthritis of the hip" in content


def test_editor_adds_a_hero_image(editor_client, index):
    image = Image.objects.create(title="Hip", file=get_test_image_file())
    data = article_form_data(action="action-publish")
    data["hero_image"] = str(image.pk)
    response = editor_client.post(add_url(index), data)
    assert response.status_code == 302
    assert HealthArticlePage.objects.get(slug="hip-pain").hero_image == image


def test_preview_renders_the_unsaved_article(editor_client, index):
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("health_articles", "healtharticlepage", index.pk),
    )
    response = editor_client.post(url, article_form_data())
    assert response.status_code == 200
    assert response.json() == {"is_valid": True, "is_available": True}
    response = editor_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Osteoarthritis of the hip" in content
    assert 'href="#ref-abbott2013"' in content
    assert not HealthArticlePage.objects.exists()


def form_errors(response):
    assert response.status_code == 200, "the form should be shown again"
    return response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "doi:11.5/xyz", "is not a DOI"),
        ("doi", "not a doi", "is not a DOI"),
        ("pmid", "PMID 12ab", "is not a PubMed ID"),
        ("pmid", "0123", "is not a PubMed ID"),
        ("pmcid", "PMCX99", "is not a PubMed Central ID"),
        ("issued", "April 2013", "is not a date"),
        ("url", "javascript:alert(1)", "Enter a valid URL"),
        ("url", "ftp://files.example.org/paper.pdf", "Enter a valid URL"),
    ],
)
def test_malformed_identifiers_are_refused_on_the_field(
    editor_client, index, field, value, message
):
    references = [
        reference_data("abbott2013", **{field: value}),
        reference_data("ahuja2020"),
    ]
    content = form_errors(post_new_article(editor_client, index, references=references))
    assert message in content
    assert not HealthArticlePage.objects.exists()


def test_citing_a_missing_reference_key_is_refused(editor_client, index):
    body = [
        (
            "condition_section",
            condition_data(
                "Piriformis syndrome",
                treatments=[treatment_data("Stretching", references=["nobody2020"])],
            ),
        ),
        ("treatment", treatment_data("Massage", references=["ghost1999"])),
    ]
    response = post_new_article(editor_client, index, body=body)
    content = form_errors(response)
    # Block errors reach the page as JSON for the StreamField editor.
    assert "No reference has the key" in content
    assert "nobody2020" in content
    assert "ghost1999" in content
    error = response.context["form"].errors["body"].as_data()[0]
    nested = error.block_errors[0].block_errors["treatments"].block_errors[0]
    assert "nobody2020" in str(nested.block_errors["references"].block_errors[0])
    top_level = error.block_errors[1].block_errors["references"].block_errors[0]
    assert "ghost1999" in str(top_level)
    assert not HealthArticlePage.objects.exists()


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        ({}, {"key": "abbott2013"}, "key"),
        (
            {"doi": "10.1136/bmj.l185"},
            {"doi": "https://doi.org/10.1136/BMJ.L185"},
            "doi",
        ),
        ({"pmid": "23313532"}, {"pmid": "PMID: 23313532"}, "pmid"),
        ({"pmcid": "PMC8022067"}, {"pmcid": "8022067"}, "pmcid"),
    ],
)
def test_duplicate_references_are_refused(editor_client, index, first, second, field):
    references = [
        reference_data("abbott2013", **first),
        reference_data("ahuja2020", **first),
    ]
    references[1].update(second)
    response = post_new_article(editor_client, index, references=references)
    content = form_errors(response)
    # Named by key: the admin's order is not the numbers readers see.
    assert f"Reference “{references[1]['key']}” repeats the" in content
    assert "of reference “abbott2013”." in content
    formset = response.context["form"].formsets["references"]
    assert field in formset.forms[1].errors
    assert not HealthArticlePage.objects.exists()


def test_the_references_tab_shows_the_numbers_readers_see(editor_client, article):
    """The admin lists abbott2013 first; readers see ahuja2020 as [1], the
    first the body cites."""
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    content = response.content.decode()
    assert "Numbers readers see" in content
    first = content.index('<li value="1"><code>ahuja2020</code>')
    second = content.index('<li value="2"><code>abbott2013</code>')
    assert first < second
