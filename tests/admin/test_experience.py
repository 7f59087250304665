"""The editor's experience: tabs, help text, block icons and previews, the
articles listing and the reference tools in the article editor."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from health_articles.models import HealthArticlePage, Person

from ..factories import HealthArticlePageFactory
from ..helpers import publish


def edit_form(editor_client, page):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    return response.context["form"], BeautifulSoup(response.content, "html.parser")


def test_tabs_match_the_work(editor_client, article):
    _form, soup = edit_form(editor_client, article)
    # Each tab's label, without its (hidden) count of errors.
    tabs = [
        re.sub(r"\(\d*\)$", "", tab.get_text(strip=True))
        for tab in soup.select("[role=tab]")
    ]
    assert tabs[:4] == ["Content", "References", "Tags and review", "Promote"]


def test_every_field_of_the_article_form_has_help_text(editor_client, article):
    """Ours, and Wagtail's title, slug and search fields that editors fill in
    (scheduling and comment fields are Wagtail's own side panels)."""
    form, _soup = edit_form(editor_client, article)
    housekeeping = {"id", "ORDER", "DELETE"}
    ours = {
        field.name
        for field in HealthArticlePage._meta.get_fields()
        if field.model is HealthArticlePage
    } | {"title", "slug", "seo_title", "search_description"}
    missing = [
        name
        for name, field in form.fields.items()
        if name in ours and not field.help_text
    ]
    for prefix in ("references", "article_authors", "article_reviewers"):
        formset = form.formsets[prefix]
        missing += [
            f"{prefix}.{name}"
            for name, field in formset.empty_form.fields.items()
            if name not in housekeeping and not field.help_text
        ]
    assert missing == []


def body_blocks(block, path="body"):
    for name, child in getattr(block, "child_blocks", {}).items():
        yield f"{path}.{name}", child
        yield from body_blocks(child, f"{path}.{name}")
    if isinstance(block, blocks.ListBlock):
        yield from body_blocks(block.child_block, f"{path}[]")


def test_every_field_of_the_body_has_help_text():
    body = HealthArticlePage._meta.get_field("body").stream_block
    missing = []
    images = []  # Wagtail's ImageBlock: one field of the form, its own help
    for path, block in body_blocks(body):
        if any(path.startswith(f"{image}.") for image in images):
            continue
        if isinstance(block, ImageBlock):
            images.append(path)
            help_text = block.meta.help_text
        elif isinstance(block, blocks.FieldBlock):
            help_text = block.field.help_text
        elif isinstance(block, blocks.ListBlock):
            help_text = getattr(block.meta, "help_text", None)
        else:  # a struct: its fields carry the help
            continue
        if not help_text:
            missing.append(path)
    assert missing == []


def test_body_blocks_have_icons_descriptions_and_previews():
    body = HealthArticlePage._meta.get_field("body").stream_block
    for name, block in body.child_blocks.items():
        assert block.meta.icon != "placeholder", name
        assert block.meta.description, name
        assert block.meta.preview_value, name
        # The preview renders.
        assert block.render(block.normalize(block.meta.preview_value)).strip(), name


def test_person_fields_have_help_text():
    missing = [
        field.name
        for field in Person._meta.get_fields()
        if getattr(field, "editable", False)
        and not field.auto_created
        and hasattr(field, "help_text")
        and not field.help_text
    ]
    assert missing == []


def test_references_tab_offers_import_and_export(editor_client, article):
    _form, soup = edit_form(editor_client, article)
    import_url = reverse("health_articles_admin:import_references", args=(article.pk,))
    link = soup.find("a", href=import_url)
    assert link.get_text(strip=True) == "Import references"
    assert soup.find(
        "a",
        href=reverse(
            "health_articles_admin:export_references", args=(article.pk, "bib")
        ),
    )


def test_new_article_says_to_save_before_importing(editor_client, index):
    url = reverse(
        "wagtailadmin_pages:add",
        args=("health_articles", "healtharticlepage", index.pk),
    )
    content = editor_client.get(url).content.decode()
    assert "Save the article once to import references" in content


@pytest.fixture
def listing(editor_client, index):
    overdue = HealthArticlePageFactory(
        parent=index, title="Overdue article", next_review_due=datetime.date(2020, 1, 1)
    )
    overdue.tags.add("hip pain", "Back pain")
    publish(overdue)
    HealthArticlePageFactory(parent=index, title="Never reviewed")
    response = editor_client.get(reverse("health_article_listing:index"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [th.get_text(" ", strip=True) for th in soup.select("thead th")]
    rows = {}
    for row in soup.select("tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in row.select("td")]
        title = next(cell for cell in cells if "article" in cell or "review" in cell)
        rows[title.split(" ")[0]] = dict(zip(headings, cells, strict=False))
    return headings, rows


def test_articles_listing_shows_review_status_and_tags(listing):
    headings, rows = listing
    assert "Review" in headings and "Tags" in headings
    assert rows["Overdue"]["Review"] == "Overdue"
    assert rows["Overdue"]["Tags"] == "Back pain, hip pain"
    assert rows["Never"]["Review"] == "Not reviewed"


def test_articles_listing_is_in_the_menu(editor_client, index):
    response = editor_client.get(reverse("wagtailadmin_home"))
    assert reverse("health_article_listing:index") in response.content.decode()


def test_articles_listing_reads_tags_in_one_query(editor_client, index):
    url = reverse("health_article_listing:index")

    def queries():
        editor_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("hip pain, knee pain") == len(
            HealthArticlePage.objects.child_of(index)
        )
        return [q["sql"] for q in captured.captured_queries if "taggit_tag" in q["sql"]]

    def add_articles(count):
        for _ in range(count):
            page = HealthArticlePageFactory(parent=index)
            page.tags.add("hip pain", "knee pain")
            page.save()

    add_articles(2)
    assert len(queries()) == 1
    add_articles(6)
    # One query for the tags of every row. (Wagtail's own row buttons, and
    # wagtail-localize's "Translate this page" and "Sync" among them, read
    # the page's translations for each row: two queries a row.)
    assert len(queries()) == 1
