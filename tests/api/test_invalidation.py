"""Every change a reader could see makes stored answers stale, once it is
committed: the next GET, and the next conditional GET, show it. In real
transactions (the test database's own are committed)."""

import datetime
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, Page

from health_articles.caching import PAGES, generation, page_dependency
from health_articles.models import HealthArticlePage

from ..factories import HealthArticlePageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=title"


def titles(client):
    return sorted(item["title"] for item in client.get(LISTING).json()["items"])


def shows(client, url, change, seen):
    """``seen(answer)`` is false before ``change`` and true after it, both
    for a full GET and for a conditional GET with the ETag from before."""
    before = client.get(url)
    assert not seen(before.json())
    etag = before["ETag"]
    change()
    conditional = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert conditional.status_code == 200
    assert seen(conditional.json())
    assert seen(client.get(url).json())


def test_stale_only_once_committed(client, article):
    url = f"/api/v2/pages/{article.pk}/"
    client.get(url)
    version = generation(page_dependency(article.pk))
    with transaction.atomic():
        article.title = "Retitled while the transaction is open"
        article.save_revision().publish()
        # A request now must not store the old content as the new.
        assert generation(page_dependency(article.pk)) == version
    assert generation(page_dependency(article.pk)) != version
    assert client.get(url).json()["title"] == "Retitled while the transaction is open"


def test_a_live_page_saved_without_publishing(client, article):
    def change():
        article.title = "Saved straight"
        article.save()

    shows(client, LISTING, change, lambda data: "Saved straight" in str(data))


def test_a_draft_saved_on_a_live_page_changes_nothing(client, article):
    client.get(LISTING)
    names = [PAGES, page_dependency(article.pk)]
    versions = [generation(name) for name in names]
    article.title = "A draft title"
    article.save_revision()
    assert [generation(name) for name in names] == versions


def test_an_alias(client, article, index):
    other = index.add_child(instance=Page(title="Elsewhere", slug="elsewhere"))

    def change():
        article.create_alias(parent=other, update_slug="hip-alias")

    shows(client, LISTING, change, lambda data: data["meta"]["total_count"] == 2)


def test_a_copy(client, article, index):
    def change():
        article.copy(to=index, update_attrs={"slug": "hip-copy"}, keep_live=True)

    shows(client, LISTING, change, lambda data: data["meta"]["total_count"] == 2)


def test_a_queryset_update_then_the_purge_command(client, article):
    url = f"/api/v2/pages/{article.pk}/"
    client.get(url)
    HealthArticlePage.objects.filter(pk=article.pk).update(title="Updated in bulk")
    assert client.get(url).json()["title"] != "Updated in bulk"  # no signal
    call_command("purge_stored_answers", stdout=io.StringIO())
    assert client.get(url).json()["title"] == "Updated in bulk"


def test_scheduled_publishing(client, index):
    page = HealthArticlePageFactory(parent=index, title="Scheduled", live=False)
    revision = page.save_revision(approved_go_live_at=timezone.now())

    def change():
        revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
        revision.save()
        call_command("publish_scheduled", stdout=io.StringIO())

    shows(client, LISTING, change, lambda data: "Scheduled" in str(data))


def test_scheduled_expiry(client, article):
    def change():
        HealthArticlePage.objects.filter(pk=article.pk).update(
            expire_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        call_command("publish_scheduled", stdout=io.StringIO())

    shows(client, LISTING, change, lambda data: data["meta"]["total_count"] == 0)


def test_import_articles(client, article, tmp_path):
    call_command(
        "export_articles", output=str(tmp_path / "a.json"), stdout=io.StringIO()
    )
    document = json.loads((tmp_path / "a.json").read_text())
    document["articles"][0]["title"] = "Imported title"
    (tmp_path / "a.json").write_text(json.dumps(document))

    def change():
        call_command("import_articles", str(tmp_path / "a.json"), stdout=io.StringIO())

    shows(client, LISTING, change, lambda data: "Imported title" in str(data))


def test_a_restriction_on_a_collection(client, db):
    collection = Collection.get_first_root_node().add_child(name="Clinic")
    Image.objects.create(
        title="Scan", file=get_test_image_file(), collection=collection
    )

    def change():
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type="login"
        )

    shows(
        client,
        "/api/v2/images/",
        change,
        lambda data: data["meta"]["total_count"] == 0,
    )


@pytest.mark.parametrize("kind", ["image", "document"])
def test_an_image_or_document_edited(client, db, kind):
    if kind == "image":
        item = Image.objects.create(title="Old", file=get_test_image_file())
    else:
        item = Document.objects.create(
            title="Old", file=ContentFile(b"x", name="leaflet.txt")
        )

    def change():
        item.title = "New"
        item.save()

    shows(
        client,
        f"/api/v2/{kind}s/",
        change,
        lambda data: [i["title"] for i in data["items"]] == ["New"],
    )


def test_a_tag_renamed(client, article):
    def change():
        tag = Tag.objects.get(name="hip pain")
        tag.name = "hip ache"
        tag.save()

    shows(
        client,
        "/api/v2/tags/",
        change,
        lambda data: "hip ache" in [tag["name"] for tag in data["items"]],
    )
