"""Imports respect locks, workflows and concurrent edits: refused on a page
locked by someone else or in moderation, with the reason; an edit form
loaded before an import cannot save over the references it added."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from ..helpers import article_form_data, reference_data

PASTED = (
    "Ioannidis JPA. Why most published research findings are false. "
    "PLoS Med. 2005;2(8):e124. doi:10.1371/journal.pmed.0020124"
)


def import_url(page):
    return reverse("health_articles_admin:import_references", args=(page.pk,))


def reference_count(page):
    page.refresh_from_db()  # its latest revision, as saved since
    return page.get_latest_revision_as_object().references.count()


@pytest.fixture
def other_client(django_user_model):
    other = django_user_model.objects.create_superuser(
        username="other", email="other@example.com", password="secret"
    )
    client = Client()
    client.force_login(other)
    client.user = other
    return client


def test_a_page_locked_by_another_user_refuses_imports(
    editor_client, other_client, article
):
    article.locked, article.locked_by = True, other_client.user
    article.locked_at = timezone.now()
    article.save()
    response = editor_client.get(import_url(article))
    content = response.content.decode()
    assert "was locked" in content and "other" in content
    assert 'name="text"' not in content  # no form offered
    response = editor_client.post(import_url(article), {"text": PASTED})
    assert response.status_code == 200
    assert reference_count(article) == 2
    # The one who locked it may import.
    response = other_client.post(import_url(article), {"text": PASTED})
    assert response.status_code == 302
    assert reference_count(article) == 3


def test_a_page_in_moderation_refuses_imports(editor_client, editor, article):
    workflow = Workflow.objects.create(name="Medical review")
    task = GroupApprovalTask.objects.create(name="Reviewer approves")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=article)
    article.save_revision(user=editor)
    workflow.start(article, editor)
    article.refresh_from_db()
    assert article.workflow_in_progress
    response = editor_client.post(import_url(article), {"text": PASTED})
    assert response.status_code == 200
    content = response.content.decode()
    assert "in moderation (Medical review, task “Reviewer approves”)" in content
    assert reference_count(article) == 2


def loaded_form(client, page):
    """The edit form's revision inputs, as the editor's browser holds them."""
    content = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    content = content.content.decode()
    revision = re.search(r'name="loaded_revision_id" value="(\d+)"', content)
    created = re.search(r'name="loaded_revision_created_at" value="([^"]*)"', content)
    return {
        "loaded_revision_id": revision.group(1),
        "loaded_revision_created_at": created.group(1),
    }


def edit_data(page, loaded):
    # Saved references are the formset's initial forms; those a draft added
    # (no id yet) come after them.
    saved = [r for r in page.references.all() if r.pk]
    added = [r for r in page.references.all() if not r.pk]
    references = [
        *(dict(reference_data(r.key), id=str(r.pk)) for r in saved),
        *(reference_data(r.key) for r in added),
    ]
    data = article_form_data(
        title="Massage for hip pain",
        slug=page.slug,
        references=references,
        initial_references=len(saved),
        action="action-publish",
    )
    data.update(loaded)
    return data


def test_a_form_loaded_before_an_import_cannot_drop_its_references(
    editor_client, other_client, article
):
    loaded = loaded_form(editor_client, article)  # editor A opens the form
    response = other_client.post(import_url(article), {"text": PASTED})  # B imports
    assert response.status_code == 302
    assert reference_count(article) == 3
    url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    response = editor_client.post(url, edit_data(article, loaded))  # A saves
    assert response.status_code == 200
    content = response.content.decode()
    assert "added references this form does not have: ioannidis2005" in content
    article.refresh_from_db()
    assert article.title != "Massage for hip pain"
    assert reference_count(article) == 3
    # Reloaded, the form has them and saves.
    fresh = loaded_form(editor_client, article)
    data = edit_data(article.get_latest_revision_as_object(), fresh)
    assert editor_client.post(url, data).status_code == 302


def test_a_form_loaded_on_the_latest_revision_saves(editor_client, article):
    loaded = loaded_form(editor_client, article)
    url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    response = editor_client.post(url, edit_data(article, loaded))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Massage for hip pain"
