import datetime
import io
import json

import jsonschema
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from health_articles.models import HealthArticlePage, Reference
from health_articles.references import formats

from ..factories import HealthArticlePageFactory
from ..helpers import DATA, article_form_data, publish, reference_data

SEED_CITATIONS = json.loads((DATA / "citations" / "seed.json").read_text())["items"]
PASTED = "\n\n".join(entry["raw"] for entry in SEED_CITATIONS[:4])
NBIB = """PMID- 23313532
TI  - Manual therapy, exercise therapy, or both, in addition to usual care, for
      osteoarthritis of the hip or knee: a randomized controlled trial. 1: clinical
      effectiveness.
FAU - Abbott, J Haxby
AU  - Abbott JH
DP  - 2013 Apr
VI  - 21
IP  - 4
PG  - 525-34
LID - 10.1016/j.joca.2012.12.014 [doi]
TA  - Osteoarthritis Cartilage
JT  - Osteoarthritis and cartilage
"""


def csl_schema():
    return json.loads((DATA / "csl-data.schema.json").read_text())


# The command


def run_parse(path, *args):
    out = io.StringIO()
    call_command("parse_references", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_prints_one_csl_entry_per_reference_in_order(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text(PASTED)
    items = run_parse(path)
    assert [item["id"] for item in items] == [
        "abbott2013",
        "ahuja2020",
        "fishman2002",
        "fransen2014",
    ]
    assert items[0]["DOI"] == "10.1016/j.joca.2012.12.014"
    assert items[1]["PMCID"] == "PMC8022067"
    assert items[0]["custom"]["raw_text"] == SEED_CITATIONS[0]["raw"]
    jsonschema.validate(items, csl_schema())


def test_command_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASTED))
    items = run_parse("-")
    assert [item["id"] for item in items][:2] == ["abbott2013", "ahuja2020"]


def test_command_reads_pubmed_exports(tmp_path):
    path = tmp_path / "pubmed.nbib"
    path.write_text(NBIB)
    [item] = run_parse(path)
    assert item["PMID"] == "23313532"
    assert item["DOI"] == "10.1016/j.joca.2012.12.014"
    assert item["page"] == "525-534"


def test_command_refuses_a_file_of_the_wrong_format(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("not bibtex at all")
    with pytest.raises(CommandError, match="not a BibTeX file"):
        run_parse(path)


# The admin


def latest_draft(page):
    return HealthArticlePage.objects.get(pk=page.pk).get_latest_revision_as_object()


def import_url(page):
    return reverse("health_articles_admin:import_references", args=(page.pk,))


def test_editor_pastes_a_reference_list(editor_client, article):
    response = editor_client.get(import_url(article))
    assert response.status_code == 200
    response = editor_client.post(import_url(article), {"text": PASTED})
    assert response.status_code == 302
    draft = HealthArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    references = list(draft.references.all())
    assert len(references) == 2 + 4  # the two it had, then the four pasted
    pasted = references[2:]
    assert [r.raw_text for r in pasted] == [e["raw"] for e in SEED_CITATIONS[:4]]
    assert pasted[0].key == "abbott2013a"  # the article had abbott2013 already
    # Its DOI and PMID repeat that reference's: kept, and flagged by name.
    assert "Repeats the DOI of reference 1 (abbott2013)." in pasted[0].review_note
    assert "Repeats the PMID of reference 1 (abbott2013)." in pasted[0].review_note
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert warnings[-1] == (
        "2 repeat the DOI, PMID or PMCID of another reference (see their notes): "
        "remove one of each pair before saving."
    )
    assert pasted[1].pmid == "33840922"
    assert pasted[1].issued == "2020-10/2020-12"
    # Nothing published until the editor publishes the draft.
    assert HealthArticlePage.objects.get(pk=article.pk).references.count() == 2


def test_a_draft_that_fails_validation_is_named_not_a_500(editor_client, article):
    draft = latest_draft(article)
    draft.last_reviewed = datetime.date(2024, 5, 1)
    draft.next_review_due = datetime.date(2024, 1, 1)
    draft.save_revision(clean=False)
    response = editor_client.post(import_url(article), {"text": PASTED})
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("The latest draft has errors, so nothing was imported:")
    assert "next_review_due: The next review must come after the last." in error
    assert latest_draft(article).references.count() == 2


def test_nothing_pasted_is_dropped(editor_client, article):
    text = "Abbott JH. A trial. Osteoarthritis Cartilage. 2013;21:525-34.\n\n" + (
        "gibberish with no year, no title ~~~ www.not a url"
    )
    editor_client.post(import_url(article), {"text": text})
    draft = latest_draft(article)
    imported = list(draft.references.all())[2:]
    assert len(imported) == 2
    assert imported[1].raw_text == "gibberish with no year, no title ~~~ www.not a url"
    assert imported[1].review_note


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "refs.bib",
            "@article{pun2015, author={Pun, S. and Kumar, D. and Lane, N. E.}, "
            "title={Femoroacetabular impingement}, journal={Arthritis Rheumatol}, "
            "year={2015}, volume={67}, number={1}, pages={17--27}, "
            "doi={10.1002/art.38887}}",
        ),
        (
            "refs.ris",
            "TY  - JOUR\nAU  - Pun, S\nTI  - Femoroacetabular impingement\n"
            "T2  - Arthritis Rheumatol\nPY  - 2015\nVL  - 67\nIS  - 1\nSP  - 17\n"
            "EP  - 27\nDO  - 10.1002/art.38887\nER  - \n",
        ),
        ("pubmed.nbib", NBIB),
    ],
)
def test_editor_uploads_bibtex_ris_and_pubmed_files(
    editor_client, article, name, content
):
    upload = SimpleUploadedFile(name, content.encode())
    response = editor_client.post(import_url(article), {"file": upload})
    assert response.status_code == 302
    [imported] = list(latest_draft(article).references.all())[2:]
    assert imported.doi in ("10.1002/art.38887", "10.1016/j.joca.2012.12.014")
    assert imported.raw_text.strip()


def test_a_wrong_file_is_refused_with_a_message(editor_client, article):
    upload = SimpleUploadedFile("refs.bib", b"this is not bibtex")
    response = editor_client.post(import_url(article), {"file": upload})
    assert response.status_code == 200
    assert "not a BibTeX file" in response.content.decode()


def test_import_and_export_are_offered_in_the_editor(editor_client, article):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    content = response.content.decode()
    assert import_url(article) in content
    assert reverse(
        "health_articles_admin:export_references", args=(article.pk, "bib")
    ) in (content)


# Exports


@pytest.mark.parametrize(
    ("kind", "marker"),
    [
        ("json", '"DOI": "10.1016/j.joca.2012.12.014"'),
        ("bib", "@article{"),
        ("ris", "TY  - JOUR"),
    ],
)
def test_references_export_from_the_api_and_the_admin(
    client, editor_client, article, kind, marker
):
    api = client.get(f"/api/v2/pages/{article.pk}/references.{kind}")
    assert api.status_code == 200
    assert marker in api.content.decode()
    admin = editor_client.get(
        reverse("health_articles_admin:export_references", args=(article.pk, kind))
    )
    assert admin.status_code == 200
    assert "attachment" in admin["Content-Disposition"]
    assert marker in admin.content.decode()


def test_exported_csl_json_is_valid_and_round_trips(client, article):
    items = json.loads(
        client.get(f"/api/v2/pages/{article.pk}/references.json").content
    )
    jsonschema.validate(items, csl_schema())
    assert [item["id"] for item in items] == ["abbott2013", "ahuja2020"]


def test_every_reference_the_api_serves_is_valid_csl_json(client, demo_content):
    article = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    jsonschema.validate([entry["csl"] for entry in data["references"]], csl_schema())


@pytest.mark.parametrize(
    ("style", "start", "source"),
    [
        ("vancouver", "Abbott JH, Robertson MC.", "2013 Apr;21(4):525–34."),
        ("apa", "Abbott, J. H., & Robertson, M. C. (2013).", "21(4), 525–534."),
        ("ama", "Abbott JH, Robertson MC.", "2013;21(4):525-534."),
    ],
)
def test_citation_style_is_chosen_per_request(client, article, style, start, source):
    data = client.get(f"/api/v2/pages/{article.pk}/?citation_style={style}").json()
    formatted = data["references"][0]["formatted"]
    assert formatted.startswith(start)
    assert source in formatted


def test_an_unknown_citation_style_answers_400(client, article):
    response = client.get(f"/api/v2/pages/{article.pk}/?citation_style=mla")
    assert response.status_code == 400
    assert "citation_style" in response.json()["message"]


def test_the_site_setting_picks_the_page_style(client, article):
    from wagtail.models import Site

    from health_articles.models import HealthArticleSettings

    settings = HealthArticleSettings.for_site(Site.objects.get(is_default_site=True))
    settings.citation_style = "apa"
    settings.save()
    publish(article)
    content = client.get(article.url).content.decode()
    assert "Abbott, J. H., &amp; Robertson, M. C. (2013)." in content


def test_isbn_is_checked_and_normalised(article):
    from django.core.exceptions import ValidationError

    reference = article.references.first()
    reference.isbn = "9780374275631"
    reference.full_clean()
    assert reference.isbn == "978-0-374-27563-1"
    reference.isbn = "9780374275632"
    with pytest.raises(ValidationError, match="not an ISBN"):
        reference.full_clean()


# Limits: what one import may hold, refused with a message on the field


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_the_form_states_its_limits(editor_client, article):
    content = editor_client.get(import_url(article)).content.decode()
    assert f"{formats.MAX_TEXT_CHARACTERS:,} characters" in content
    # The article holds two references: the rest of MAX_REFERENCES is offered.
    assert f"{formats.MAX_REFERENCES - 2} references" in content
    assert filesizeformat(formats.MAX_FILE_BYTES) in content  # 2.0 MB


def test_a_paste_over_the_limit_is_refused_on_the_field(editor_client, article):
    text = "Doe J. A title. J Med. 2020;1:1-2.\n" * (formats.MAX_TEXT_CHARACTERS // 30)
    response = editor_client.post(import_url(article), {"text": text})
    assert response.status_code == 200
    [error] = field_errors(response, "text")
    assert f"at most {formats.MAX_TEXT_CHARACTERS} characters" in error
    assert latest_draft(article).references.count() == 2


def test_a_file_over_the_size_limit_is_refused_on_the_field(editor_client, article):
    upload = SimpleUploadedFile(
        "big.bib", b"@article{a, title={" + b"x" * formats.MAX_FILE_BYTES + b"}}"
    )
    response = editor_client.post(import_url(article), {"file": upload})
    assert response.status_code == 200
    [error] = field_errors(response, "file")
    assert f"the largest accepted is {filesizeformat(formats.MAX_FILE_BYTES)}" in error


def test_more_references_than_the_article_can_take_are_refused(editor_client, article):
    # The measured case: a RIS file of 20,000 records (1.2 MB).
    ris = "".join(
        f"TY  - JOUR\nTI  - Title {i}\nAU  - Doe, J.\nPY  - 2020\nER  - \n"
        for i in range(20_000)
    )
    upload = SimpleUploadedFile("many.ris", ris.encode())
    response = editor_client.post(import_url(article), {"file": upload})
    assert response.status_code == 200
    [error] = field_errors(response, "file")
    assert "holds 20000 references" in error.replace(",", "")
    assert f"can take {formats.MAX_REFERENCES - 2} more" in error
    assert latest_draft(article).references.count() == 2
    # A paste counts the same way.
    text = "\n".join(f"Doe J. Title {i}. J Med. 2020;1:1-2." for i in range(400))
    response = editor_client.post(import_url(article), {"text": text})
    [error] = field_errors(response, "text")
    assert "holds 400 references" in error


@pytest.mark.parametrize(
    "content, message",
    [
        (b"@article{a,\x00 title={T}}", "holds a NUL character (at character 12)"),
        ("@article{a, title={T}}".encode("utf-16"), "is not UTF-8 text"),
        (b"@article{a, title={Caf\xe9}}", "byte 23 is not valid UTF-8"),
    ],
)
def test_a_file_that_is_not_utf8_text_is_refused_with_a_message(
    editor_client, article, content, message
):
    upload = SimpleUploadedFile("refs.bib", content)
    response = editor_client.post(import_url(article), {"file": upload})
    assert response.status_code == 200
    [error] = field_errors(response, "file")
    assert message in error


def test_a_nul_in_pasted_text_is_refused_with_a_message(editor_client, article):
    response = editor_client.post(import_url(article), {"text": "Doe J.\x00 Title."})
    assert response.status_code == 200
    assert field_errors(response, "text") == ["Null characters are not allowed."]


def test_a_huge_bibtex_field_is_read_without_decoding_it(editor_client, article):
    # The measured case: one 1 MB field took 20 s to decode.
    upload = SimpleUploadedFile(
        "long.bib",
        b"@article{long2020, author={Doe, J.}, year={2020}, journal={J Med},"
        b" title={" + b"word " * 200_000 + b"}}",
    )
    response = editor_client.post(import_url(article), {"file": upload})
    assert response.status_code == 302
    imported = latest_draft(article).references.get(key="long2020")
    # Cut to the field's length, the whole kept as the source text.
    assert len(imported.title) == Reference._meta.get_field("title").max_length
    assert len(imported.raw_text) > 1_000_000


def test_the_editor_stays_usable_at_the_largest_reference_list(editor_client, index):
    """An article with MAX_REFERENCES references: its edit view renders every
    one and saves; one more is refused by the form, not a timeout."""
    page = HealthArticlePage.objects.get(pk=_article_with_references(index).pk)
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="id_references-{formats.MAX_REFERENCES - 1}-key"' in content
    ids = list(page.references.values_list("pk", flat=True))
    references = [
        dict(reference_data(f"ref{i}"), id=str(pk)) for i, pk in enumerate(ids)
    ]
    data = article_form_data(
        references=references,
        initial_references=len(ids),
        body=[("rich_text", rich_text("<p>Text.</p>"))],
        action="action-publish",
    )
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = editor_client.post(url, data)
    assert response.status_code == 302
    data = article_form_data(
        references=[*references, reference_data("one-more")],
        initial_references=len(ids),
        body=[("rich_text", rich_text("<p>Text.</p>"))],
        action="action-publish",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert page.references.count() == formats.MAX_REFERENCES
    # Nor can an import add one.
    response = editor_client.post(import_url(page), {"text": PASTED})
    assert "can take 0 more" in field_errors(response, "text")[0]


def _article_with_references(index):
    page = HealthArticlePageFactory(parent=index, title="Long list", slug="long")
    Reference.objects.bulk_create(
        Reference(
            page=page, key=f"ref{i}", title=f"A trial called ref{i}", sort_order=i
        )
        for i in range(formats.MAX_REFERENCES)
    )
    publish(page)
    return page
