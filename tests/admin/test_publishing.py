"""A revision saved without validation that the article refuses to publish
(it cites a key its references lack) is never a 500 in the admin: approved
in a workflow, the editor is told why and the page stays in moderation;
bulk-published with others, they are published and the editor is told which
one was not."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import TaskState, Workflow

from ..factories import HealthArticlePageFactory
from ..helpers import refused_revision

pytestmark = pytest.mark.django_db

REFUSED = (
    "“Massage Therapy for Hip Pain” was not published: "
    "No reference has the key “abbott2013”."
)


def messages_of(response):
    """The messages for the editor's next page (Wagtail's own end in blank
    lines)."""
    return [
        (message.level_tag, message.message.strip())
        for message in get_messages(response.wsgi_request)
    ]


def in_moderation(article, editor):
    """``article``'s refused revision submitted to its workflow (Wagtail's
    default "Moderators approval", or the one its index has): the task state
    awaiting approval."""
    revision = refused_revision(article, user=editor)
    state = article.get_workflow().start(article, editor)
    assert state.current_task_state.revision == revision
    return state.current_task_state


def approve(client, article, task_state, data=(), **headers):
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(article.pk, "approve", task_state.pk),
    )
    return client.post(url, dict(data), headers=headers)


def assert_still_in_moderation(article, task_state):
    """Nothing of the approval kept: the live revision is the one before,
    the refused one still awaits approval."""
    live = article.live_revision_id
    article.refresh_from_db()
    assert article.live_revision_id == live != task_state.revision_id
    assert article.latest_revision_id == task_state.revision_id
    assert article.workflow_in_progress
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_approving_a_refused_revision_tells_the_editor(editor_client, editor, article):
    assert article.get_workflow() == Workflow.objects.get(name="Moderators approval")
    task_state = in_moderation(article, editor)
    dashboard = reverse("wagtailadmin_home")
    # The dashboard's "Approve" posts a form, and comes back to it.
    response = approve(editor_client, article, task_state, {"next": dashboard})
    assert response.status_code == 302
    assert response["Location"] == dashboard
    assert messages_of(response) == [("error", REFUSED)]
    assert_still_in_moderation(article, task_state)
    page = editor_client.get(dashboard)
    assert page.status_code == 200
    assert "No reference has the key “abbott2013”." in page.content.decode()


def test_approving_with_a_comment_in_the_modal_tells_the_editor(
    editor_client, editor, article
):
    task_state = in_moderation(article, editor)
    response = approve(
        editor_client,
        article,
        task_state,
        {"comment": "Checked."},
        x_requested_with="XMLHttpRequest",
    )
    assert response.status_code == 200
    assert response.json()["step"] == "success"
    edit = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    assert response.json()["redirect"] == edit
    assert messages_of(response) == [("error", REFUSED)]
    assert_still_in_moderation(article, task_state)


def test_bulk_publish_publishes_the_others_and_names_the_refused(
    editor_client, editor, index, article
):
    refused = refused_revision(article, user=editor)
    drafts = [
        HealthArticlePageFactory(parent=index, title=title, live=False)
        for title in ("Knee pain", "Neck pain")
    ]
    for draft in drafts:
        draft.save_revision(user=editor)
    ids = "&".join(f"id={page.pk}" for page in [drafts[0], article, drafts[1]])
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    listing = reverse("wagtailadmin_explore", args=(index.pk,))
    response = editor_client.post(f"{url}?{ids}&next={listing}")
    assert response.status_code == 302
    assert response["Location"] == listing
    assert messages_of(response) == [
        ("error", REFUSED),
        ("success", "2 pages have been published"),
    ]
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.live
    live = article.live_revision_id
    article.refresh_from_db()
    assert article.live_revision_id == live != refused.pk
    page = editor_client.get(listing)
    assert page.status_code == 200
    assert "No reference has the key “abbott2013”." in page.content.decode()


def test_bulk_publish_of_only_refused_pages_says_none_was(
    editor_client, editor, article
):
    refused_revision(article, user=editor)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = editor_client.post(f"{url}?id={article.pk}")
    assert response.status_code == 302
    assert messages_of(response) == [("error", REFUSED)]
