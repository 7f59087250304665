"""The citation check is the model's: a body citing a key none of the
article's references has is refused by ``full_clean`` (so by every save of a
live page, every revision saved with validation and every publish), by the
admin's form on the body field, and never published from a revision saved
without validation (publish_scheduled reports and unschedules one and goes
on; tests/admin/test_publishing.py has the admin's paths). Wagtail's copy
for translation keeps the keys."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from health_articles.models import HealthArticlePage, Reference

from ..factories import HealthArticlePageFactory
from ..helpers import (
    article_form_data,
    condition_data,
    publish,
    reference_data,
    refused_revision,
    renamed,
    treatment_data,
)

MISSING_ABBOTT = {"body": ["No reference has the key “abbott2013”."]}
ONE_MINUTE = datetime.timedelta(minutes=1)


def saved_keys(page):
    return set(Reference.objects.filter(page=page).values_list("key", flat=True))


def test_full_clean_refuses_a_body_citing_a_missing_key(article):
    article.full_clean()
    renamed(article, "abbott2013", "fr-abbott2013")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert refused.value.message_dict == MISSING_ABBOTT
    # Placed at the citing field, as the editor shows it: the treatment's
    # list of keys in the condition section.
    error = refused.value.error_dict["body"][0]
    treatment = error.block_errors[1].block_errors["treatments"].block_errors[0]
    assert treatment.block_errors["references"].block_errors[0].messages == [
        "No reference has the key “abbott2013”."
    ]
    # Nor is the live page saved so.
    with pytest.raises(ValidationError):
        article.save()
    assert saved_keys(article) == {"abbott2013", "ahuja2020"}


def test_full_clean_reads_the_references_the_page_holds_unsaved(index):
    page = HealthArticlePageFactory.build(references=["ahuja2020"])
    page.body = HealthArticlePageFactory.build(
        references=["ahuja2020", "abbott2013"]
    ).body
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert refused.value.message_dict == MISSING_ABBOTT
    page.references = [
        *page.references.all(),
        Reference(key="abbott2013", title="Manual therapy"),
    ]
    page.clean()


def test_every_missing_key_is_named_once(article):
    renamed(article, "abbott2013", "a")
    renamed(article, "ahuja2020", "b")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert refused.value.message_dict == {
        "body": ["No reference has the key “ahuja2020”, “abbott2013”."]
    }


def test_a_page_factory_without_references_cites_none(index):
    page = HealthArticlePageFactory(parent=index)
    assert page.cited_keys == []
    assert page.references.count() == 0


def edit(client, page, rename=(), **kwargs):
    """Post the admin's edit form of ``page``, publishing, with its references
    renamed as ``rename`` says ({old key: new key})."""
    rename = dict(rename)
    references = [
        dict(reference_data(rename.get(ref.key, ref.key)), id=str(ref.pk))
        for ref in page.references.all()
    ]
    return client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        article_form_data(
            slug=page.slug,
            references=references,
            initial_references=len(references),
            action="action-publish",
            **kwargs,
        ),
    )


def test_the_edit_form_shows_the_error_once_on_the_body(editor_client, article):
    live = article.live_revision_id
    response = edit(editor_client, article, rename={"abbott2013": "fr-abbott2013"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["body"]
    (error,) = form.errors["body"].as_data()
    treatment = error.block_errors[1].block_errors["treatments"].block_errors[0]
    assert treatment.block_errors["references"].block_errors[0].messages == [
        "No reference has the key “abbott2013”."
    ]
    assert error.block_errors[3].block_errors["references"].block_errors[0]
    article.refresh_from_db()
    assert article.live_revision_id == live
    assert saved_keys(article) == {"abbott2013", "ahuja2020"}


def test_the_edit_form_checks_the_references_it_holds(editor_client, article):
    """A key renamed in the form and in the body together is accepted,
    although the page's saved references still have the old key."""
    response = edit(editor_client, article, rename={"ahuja2020": "ahuja2020b"})
    assert response.status_code == 200
    response = edit(
        editor_client,
        article,
        rename={"abbott2013": "abbott2013b", "ahuja2020": "ahuja2020b"},
        body=_body_citing("ahuja2020b", "abbott2013b"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert saved_keys(article) == {"abbott2013b", "ahuja2020b"}


def _body_citing(condition_key, treatment_key):
    return [
        (
            "condition_section",
            condition_data(
                "Osteoarthritis of the hip",
                references=[condition_key],
                treatments=[
                    treatment_data("Massage therapy", references=[treatment_key])
                ],
            ),
        )
    ]


def test_saving_a_revision_with_a_missing_key_is_refused(article):
    draft = renamed(article.get_latest_revision_as_object(), "abbott2013", "x")
    with pytest.raises(ValidationError) as refused:
        draft.save_revision()
    assert refused.value.message_dict == MISSING_ABBOTT


def test_a_revision_saved_with_a_missing_key_is_not_published(article):
    live = article.live_revision_id
    revision = refused_revision(article)
    with pytest.raises(ValidationError) as refused:
        revision.publish()
    assert refused.value.message_dict == MISSING_ABBOTT
    article.refresh_from_db()
    assert article.live_revision_id == live
    assert saved_keys(article) == {"abbott2013", "ahuja2020"}


def test_a_revision_with_a_missing_key_is_not_scheduled(article):
    """Wagtail does not validate a revision it schedules; the article does,
    and leaves the schedules it has alone."""
    later = timezone.now() + datetime.timedelta(days=1)
    scheduled = article.get_latest_revision_as_object()
    scheduled.go_live_at = later
    scheduled = scheduled.save_revision()
    scheduled.publish()
    scheduled.refresh_from_db()
    assert scheduled.approved_go_live_at == later
    revision = refused_revision(article, go_live_at=later)
    with pytest.raises(ValidationError):
        revision.publish()
    revision.refresh_from_db()
    scheduled.refresh_from_db()
    assert revision.approved_go_live_at is None
    assert scheduled.approved_go_live_at == later


def test_publish_scheduled_goes_on_past_a_refused_revision(index, article, caplog):
    """A refused revision scheduled all the same (before the article checked
    its citations, or by an update of the table) is reported, logged and
    unscheduled, with the page's history saying so; the revision due after
    it is published."""
    live = article.live_revision_id
    refused = refused_revision(article)
    other = HealthArticlePageFactory(parent=index, title="Knee pain", live=False)
    due = other.save_revision()
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    for revision, go_live_at in ((refused, earlier), (due, earlier + ONE_MINUTE)):
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=go_live_at)
    errors = io.StringIO()
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=errors)
    other.refresh_from_db()
    assert other.live and other.live_revision_id == due.pk
    article.refresh_from_db()
    assert article.live_revision_id == live
    reported = (
        "“Massage Therapy for Hip Pain” was not published: "
        "No reference has the key “abbott2013”."
    )
    assert errors.getvalue() == f"Revision {refused.pk}: {reported} Unscheduled.\n"
    assert [record.getMessage() for record in caplog.records] == [
        f"revision {refused.pk}: {reported}"
    ]
    refused.refresh_from_db()
    assert refused.approved_go_live_at is None
    assert PageLogEntry.objects.filter(
        page=article, revision=refused, action="wagtail.schedule.cancel"
    ).exists()
    # Unscheduled, it is not tried again.
    errors = io.StringIO()
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=errors)
    assert errors.getvalue() == ""


def test_copy_for_translation_keeps_a_valid_article_valid(article, french_locale):
    publish(article.get_parent().specific.copy_for_translation(french_locale))
    translation = article.copy_for_translation(french_locale)
    translation = HealthArticlePage.objects.get(pk=translation.pk)
    assert [ref.key for ref in translation.references.all()] == [
        "abbott2013",
        "ahuja2020",
    ]
    assert translation.cited_keys == article.cited_keys
    translation.title = "Massothérapie et douleur à la hanche"
    translation.full_clean()
    translation.save_revision()
    translation = publish(translation)
    assert translation.live
    assert translation.reference_numbers == article.reference_numbers
    # A translation whose keys were translated is refused, as any article.
    draft = renamed(
        translation.get_latest_revision_as_object(), "abbott2013", "fr-abbott2013"
    )
    with pytest.raises(ValidationError) as refused:
        draft.save_revision(clean=False).publish()
    assert refused.value.message_dict == MISSING_ABBOTT
