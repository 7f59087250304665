"""Medical review as a step of Wagtail's workflow: reviewers approve or
reject with a comment through the admin, the approval records the reviewer
and the date on the published revision and moves the review dates; the
history shows in the admin and the API; reviewers see what falls due on
their dashboard and are e-mailed once per due date."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupPagePermission,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from health_articles.models import (
    ArticleReviewer,
    MedicalReview,
    MedicalReviewTask,
    Person,
)
from health_articles.review import add_months

from .factories import HealthArticlePageFactory
from .helpers import publish, refused_revision


@pytest.fixture
def reviewers(db):
    group = Group.objects.create(name="Medical reviewers")
    group.permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    return group


@pytest.fixture
def review_workflow(index, reviewers):
    task = MedicalReviewTask.objects.create(name="Medical review")
    task.groups.set([reviewers])
    workflow = Workflow.objects.create(name="Medical review")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index)
    return workflow


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer(django_user_model, reviewers, index):
    user = django_user_model.objects.create_user(
        username="reviewer",
        email="reviewer@example.com",
        password="secret",
        first_name="Dana",
        last_name="Reviewer",
    )
    user.groups.add(reviewers)
    # An approval publishes the article, as the reviewer.
    for permission in ("change", "publish"):
        GroupPagePermission.objects.create(
            group=reviewers, page=index, permission_type=permission
        )
    Person.objects.create(name="Dr Dana Reviewer", credentials="MD", user=user)
    return user


def submit(article, user):
    """The article's latest draft submitted to its workflow, as the editor's
    *Submit for moderation* does; the task state awaiting a reviewer."""
    article.title = "Massage for hip pain, reviewed"
    revision = article.save_revision(user=user)
    state = article.get_workflow().start(article, user)
    assert state.current_task_state.revision == revision
    return state.current_task_state


def act(client, article, task_state, action, comment=""):
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(article.pk, action, task_state.pk)
    )
    return client.post(url, {"comment": comment})


def test_an_approval_the_article_refuses_records_no_review(
    reviewer, editor, review_workflow, article
):
    """Approving a revision saved without validation that the article will
    not publish (a citation of a missing key) keeps nothing: no review, no
    review dates, the task still awaiting a reviewer."""
    refused_revision(article, user=editor)
    task_state = article.get_workflow().start(article, editor).current_task_state
    response = act(logged_in(reviewer), article, task_state, "approve", "Checked.")
    assert response.status_code == 302
    assert not MedicalReview.objects.exists()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    live = article.live_revision_id
    article.refresh_from_db()
    assert article.live_revision_id == live
    assert article.last_reviewed is None


def test_an_approval_records_the_reviewer_and_publishes_with_the_review_dates(
    client, editor, reviewer, review_workflow, article
):
    task_state = submit(article, editor)
    response = act(
        logged_in(reviewer),
        article,
        task_state,
        "approve",
        "Checked against NICE NG226.",
    )
    assert response.status_code in (200, 302)
    [review] = MedicalReview.objects.all()
    assert review.decision == "approved"
    assert review.reviewer == Person.objects.get(user=reviewer)
    assert review.comment == "Checked against NICE NG226."
    assert review.revision == task_state.revision
    article.refresh_from_db()
    today = timezone.localdate()
    # The approved revision is what went live, with the review on it.
    assert article.live and article.title == "Massage for hip pain, reviewed"
    assert article.live_revision == task_state.revision
    assert article.last_reviewed == today
    assert article.next_review_due == add_months(today, 36)  # the site's interval
    assert ArticleReviewer.objects.filter(page=article, person__user=reviewer).exists()
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert data["review"]["last_reviewed"] == today.isoformat()
    assert "Dr Dana Reviewer" in [person["name"] for person in data["reviewers"]]
    history = client.get(f"/api/v2/pages/{article.pk}/reviews/").json()
    assert history["items"] == [
        {
            "reviewed_at": review.reviewed_at.isoformat(),
            "decision": "approved",
            "revision": task_state.revision.pk,
            "reviewer": {
                "id": review.reviewer.pk,
                "name": "Dr Dana Reviewer",
                "credentials": "MD",
            },
        }
    ]


def test_a_rejection_is_recorded_with_its_comment_and_nothing_is_published(
    client, editor, editor_client, reviewer, review_workflow, article
):
    before = client.get(f"/api/v2/pages/{article.pk}/reviews/").json()
    assert before["items"] == []
    task_state = submit(article, editor)
    act(logged_in(reviewer), article, task_state, "reject", "Cite the 2023 trial.")
    [review] = MedicalReview.objects.all()
    assert (review.decision, review.comment) == ("rejected", "Cite the 2023 trial.")
    article.refresh_from_db()
    assert article.title == "Massage Therapy for Hip Pain"  # not published
    assert article.last_reviewed is None
    # The stored API answer follows the new review.
    after = client.get(f"/api/v2/pages/{article.pk}/reviews/").json()
    assert [item["decision"] for item in after["items"]] == ["rejected"]
    # The admin shows the history with the comment.
    edit = editor_client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    content = edit.content.decode()
    assert "Medical review history" in content
    assert "Cite the 2023 trial." in content and "Dr Dana Reviewer, MD" in content


def test_only_reviewers_may_approve(
    editor, review_workflow, article, django_user_model
):
    task_state = submit(article, editor)
    outsider = django_user_model.objects.create_user(username="outsider", password="x")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = act(logged_in(outsider), article, task_state, "approve")
    assert response.status_code in (302, 403)
    assert not MedicalReview.objects.exists()
    article.refresh_from_db()
    assert article.last_reviewed is None


# Reminders


def due_in(article, days):
    article.last_reviewed = timezone.localdate() - datetime.timedelta(days=900)
    article.next_review_due = timezone.localdate() + datetime.timedelta(days=days)
    return publish(article)


def assign(article, user):
    person = Person.objects.get(user=user)
    ArticleReviewer.objects.create(page=article, person=person, sort_order=0)


def remind(*args):
    out = io.StringIO()
    call_command("send_review_reminders", *args, stdout=out)
    return out.getvalue()


def test_the_assigned_reviewer_is_reminded_once_per_due_date(reviewer, article):
    assign(article, reviewer)
    due_in(article, 10)
    output = remind()
    assert "Sent 1 reminders." in output
    [message] = mail.outbox
    assert message.to == ["reviewer@example.com"]
    assert article.title in message.subject
    assert reverse("wagtailadmin_pages:edit", args=(article.pk,)) in message.body
    assert "Sent 0 reminders." in remind()  # the next day's run: nothing new
    assert len(mail.outbox) == 1
    article.refresh_from_db()
    due_in(article, 20)  # a new due date (e.g. moved by an editor)
    remind()
    assert len(mail.outbox) == 2


def test_reminders_skip_what_is_not_due_and_who_cannot_be_mailed(
    reviewer, article, index
):
    assign(article, reviewer)
    due_in(article, 45)  # not within 30 days
    unlinked = Person.objects.create(name="No login")
    other = due_in(HealthArticlePageFactory(parent=index, title="Other"), 5)
    ArticleReviewer.objects.create(page=other, person=unlinked, sort_order=0)
    assert "Would send 0 reminders." in remind("--dry-run")
    assert "Sent 0 reminders." in remind()
    assert mail.outbox == []
    article.refresh_from_db()
    due_in(article, -3)  # overdue: reminded too
    assert "would remind reviewer@example.com" in remind("--dry-run")
    assert mail.outbox == []
    remind()
    assert "overdue" in mail.outbox[0].body


# The dashboard


def test_reviewers_see_what_falls_due_on_their_dashboard(
    editor_client, reviewer, review_workflow, article, django_user_model
):
    assign(article, reviewer)
    due_in(article, 12)
    content = logged_in(reviewer).get(reverse("wagtailadmin_home")).content.decode()
    assert "Medical reviews due" in content
    assert article.title in content and "yours" in content
    writer = django_user_model.objects.create_user(username="writer", password="x")
    writer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    content = logged_in(writer).get(reverse("wagtailadmin_home")).content.decode()
    assert "Medical reviews due" not in content
