"""wagtail-localize on the articles: translators are offered the text, never
a reference key, an identifier, a clinical code or a citation's target, and
a translation made through it publishes with the source's references, its
citations resolving to the same numbers."""

import pytest
from wagtail.models import Locale
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from health_articles.body import cited_reference_keys
from health_articles.models import HealthArticlePage, Reference

pytestmark = pytest.mark.django_db

HIP = "massage-therapy-for-hip-pain"


@pytest.fixture
def hip(demo_content):
    return HealthArticlePage.objects.get(slug=HIP, locale__language_code="en")


def offered(page):
    """What translators are shown: each string segment's text, as
    wagtail-localize stores it (attributes stripped to ids)."""
    return [
        segment.string.data
        for segment in extract_segments(page)
        if isinstance(segment, StringSegmentValue)
    ]


def not_to_translate(page):
    """Each key, identifier, code and citation target of the article."""
    words = set()
    for reference in page.references.all():
        words |= {reference.key, f"ref-{reference.key}"}
        words |= {
            value
            for value in (
                reference.doi,
                reference.pmid,
                reference.pmcid,
                reference.isbn,
            )
            if value
        }
    for block in page.body:
        if block.block_type == "condition_section":
            words |= {code["code"] for code in block.value["codes"]}
    words |= {key for _path, key in cited_reference_keys(page.body)}
    return words


def test_no_key_identifier_code_or_citation_is_offered(hip):
    strings = offered(hip)
    guarded = not_to_translate(hip)
    assert len(guarded) > 40
    leaks = sorted(word for word in guarded for text in strings if word in text)
    assert leaks == []
    # Nor any segment at all of the reference list, the keys cited by a
    # block or the codes (not even as a value to override).
    paths = [segment.path for segment in extract_segments(hip)]
    assert not [p for p in paths if p.startswith("references")]
    assert not [p for p in paths if p.endswith((".references", ".codes"))]
    assert not [p for p in paths if ".references." in p or ".codes." in p]


def test_the_prose_is_offered(hip):
    strings = offered(hip)
    assert "Massage Therapy for Hip Pain" in strings
    assert "Osteoarthritis of the hip" in strings
    assert "Supervised exercise therapy" in strings
    assert any(text.startswith("Hip pain is common") for text in strings)
    assert any(text.startswith("In a Dutch trial of 109 people") for text in strings)
    assert "Living with hip pain" in strings


def test_a_citation_inside_a_sentence_is_an_empty_link(hip):
    """Its key stays in the link's attributes, which translators never edit."""
    segments = [
        segment
        for segment in extract_segments(hip)
        if isinstance(segment, StringSegmentValue) and segment.attrs
    ]
    citations = [attrs for segment in segments for attrs in segment.attrs.values()]
    assert citations
    for segment in segments:
        assert "[" not in segment.string.data
        for attrs in segment.attrs.values():
            assert attrs["linktype"] == "citation"
            assert attrs["key"] in not_to_translate(hip)


@pytest.fixture
def french():
    return Locale.objects.get_or_create(language_code="fr-ca")[0]


def translate(source, locale):
    """Every string of ``source`` translated (a marked copy of its text),
    as a translator would save them in wagtail-localize's editor."""
    for segment in StringSegment.objects.filter(source=source).select_related(
        "string", "context"
    ):
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": f"FR {segment.string.data}"},
        )


def test_a_translation_through_wagtail_localize_keeps_its_citations(
    client, hip, french, django_capture_on_commit_callbacks
):
    index = hip.get_parent().specific
    for page in (index, hip):  # each as its own request would, committed
        with django_capture_on_commit_callbacks(execute=True):
            source, _created = TranslationSource.get_or_create_from_instance(page)
            translate(source, french)
            source.create_or_update_translation(french, publish=True)
    translation = HealthArticlePage.objects.get(
        translation_key=hip.translation_key, locale=french
    )
    assert translation.live
    assert translation.title == "FR Massage Therapy for Hip Pain"
    assert translation.get_parent().specific.title == f"FR {index.title}"
    assert translation.cited_keys == hip.cited_keys
    assert translation.reference_numbers == hip.reference_numbers
    fields = ["key", "title", "doi", "pmid", "pmcid", "url"]
    assert list(translation.references.values_list(*fields)) == list(
        hip.references.values_list(*fields)
    )
    assert Reference.objects.filter(page=translation).count() == 16
    translation.full_clean()

    english = client.get(f"/api/v2/pages/{hip.pk}/").json()
    answer = client.get(f"/api/v2/pages/{translation.pk}/").json()
    assert answer["meta"]["locale"] == "fr-ca"
    assert [ref["key"] for ref in answer["references"]] == [
        ref["key"] for ref in english["references"]
    ]
    assert [ref["number"] for ref in answer["references"]] == [
        ref["number"] for ref in english["references"]
    ]
    first = answer["body"][0]["value"]
    assert ">FR Hip pain is common" in first
    assert 'data-reference-key="ahuja2020"' in first
    assert 'data-reference-number="1"' in first
    # The page is served, under its language's prefix.
    assert translation.url.startswith("/fr-ca/")
    page = client.get(translation.url)
    assert page.status_code == 200
    assert '<html lang="fr-ca">' in page.content.decode()
    # Synchronising again (the source changed) keeps it all.
    source = TranslationSource.objects.get_for_instance(hip)
    source.update_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        source.create_or_update_translation(french, publish=True)
    translation.refresh_from_db()
    assert translation.reference_numbers == hip.reference_numbers
    assert Reference.objects.filter(page=translation).count() == 16
