"""Keep stored API answers and a CDN or Varnish in front of the site fresh.

Every change a reader could see names the parts of the content it changed
(see ``caching``), and what depends on them goes stale once the change is
committed (``transaction.on_commit``): a request between the change and its
commit would otherwise store the old content as new. Changes that send no
signal (``QuerySet.update()``, raw SQL) are followed by
``manage.py purge_stored_answers``.
"""

import threading

import swapper
from django.apps import apps
from django.conf import settings
from django.core import signals
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.db.transaction import on_commit
from django.urls import NoReverseMatch, reverse
from taggit.models import Tag
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    PageViewRestriction,
    Site,
)
from wagtail.models.pages import COMMENTS_RELATION_NAME
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)
from wagtail_headless_preview.models import PagePreview

from .body import CONDITION_SEPARATOR
from .caching import (
    DOCUMENTS,
    EVERYTHING,
    IMAGES,
    LIVE_PAGES,
    PAGES,
    REDIRECTS,
    TAGGINGS,
    changed,
    condition_dependency,
    page_dependency,
    request_finished,
    request_started,
    tag_dependency,
    warm_after_request,
)
from .models import ArticleAuthor, ArticleReviewer, HealthArticlePageMixin
from .preview import token_prefix
from .querysets import tagged_items
from .webhooks.signals import connect_webhooks


def _reverse(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def api_urls_of(page):
    """The API and reader URLs whose content changes with ``page``."""
    site = page.get_site()
    if site is None:
        return []
    paths = [
        _reverse("wagtailapi:pages:listing"),
        _reverse("wagtailapi:pages:detail", page.pk),
        _reverse("wagtailapi:tags:listing"),
        _reverse("health_articles:tags"),
        _reverse("health_articles:feed"),
    ]
    for tag in getattr(page, "tags", Tag.objects.none()).all():
        paths += [
            _reverse("wagtailapi:tags:detail", tag.slug),
            _reverse("health_articles:tag", tag.slug),
            _reverse("health_articles:tag_feed", tag.slug),
        ]
    return [site.root_url + path for path in paths if path]


def purge_frontend_cache(page):
    """Ask the CDN (Wagtail's frontend cache) to drop the page's API URLs."""
    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    PurgeBatch(api_urls_of(page)).purge()


# Page fields a save may write that readers never see: saving a draft
# revision, locking and unlocking write only these.
DRAFT_FIELDS = {
    COMMENTS_RELATION_NAME,
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}

_pending = threading.local()


def stale_after_commit(*names):
    """What depends on ``names`` goes stale when the change in hand is
    committed. A transaction's changes are made stale together, at once."""
    _pending.names = getattr(_pending, "names", set()) | set(names)
    on_commit(_make_stale)


def _make_stale():
    names = getattr(_pending, "names", set())
    _pending.names = set()
    if names:
        changed(*names)
        warm_after_request(names)


def everything_stale(**kwargs):
    """Sites, settings, privacy, moves and slugs: every answer may show it."""
    stale_after_commit(EVERYTHING)


def conditions_of(condition_index):
    return {
        condition_dependency(name)
        for name in condition_index.split(CONDITION_SEPARATOR)
        if name
    }


def chosen_by(page, condition_index=None):
    """The tags and condition names of ``page``: other articles choose their
    related articles by them."""
    if not isinstance(page, HealthArticlePageMixin):
        return set()
    through = tagged_items(type(page))
    tags = through.objects.filter(content_object_id=page.pk)
    index = page.condition_index if condition_index is None else condition_index
    return {
        *(tag_dependency(pk) for pk in tags.values_list("tag_id", flat=True)),
        *conditions_of(index),
    }


def page_changed(sender, instance, **kwargs):
    """Published: stale, and purged from the CDN."""
    stale_after_commit(PAGES, page_dependency(instance.pk))
    on_commit(lambda: purge_frontend_cache(instance))


def page_withdrawn(sender, instance, **kwargs):
    """Unpublished (its save, ``page_saved``, names the rest)."""
    stale_after_commit(LIVE_PAGES)
    page_changed(sender, instance)


def _draft_only(update_fields):
    return bool(update_fields) and set(update_fields) <= DRAFT_FIELDS


BEFORE = "_health_articles_before"


def page_about_to_change(sender, instance, update_fields=None, raw=False, **kw):
    """Before a page is saved: whether it was live, and its condition names
    (kept on the instance for ``page_saved``)."""
    if raw or _draft_only(update_fields):
        return
    before = None
    if instance.pk is not None:
        fields = ["live"]
        if isinstance(instance, HealthArticlePageMixin):
            fields.append("condition_index")
        before = sender.objects.filter(pk=instance.pk).values(*fields).first()
    before = before or {"live": False}
    setattr(instance, BEFORE, (before["live"], before.get("condition_index", "")))


def page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    """A page saved (published, ``page.save()``, a new alias or copy, a
    move): its answers and the listings go stale if it is or was live; the
    live pages and the choice of related articles, if it went live or
    stopped being live, or as far as its condition names changed. A draft
    saved on it changes nothing readers see."""
    if raw or _draft_only(update_fields):
        return
    after = getattr(instance, "condition_index", "")
    was_live, before = getattr(instance, BEFORE, (instance.live, after))
    if was_live != instance.live:
        stale_after_commit(
            LIVE_PAGES,
            PAGES,
            page_dependency(instance.pk),
            *chosen_by(instance),
            *conditions_of(before),
        )
    elif instance.live:
        changed_names = conditions_of(before) ^ conditions_of(after)
        stale_after_commit(PAGES, page_dependency(instance.pk), *changed_names)


def page_deleted(sender, instance, **kwargs):
    """Its taggings go with it (``tagging_changed``)."""
    stale_after_commit(
        LIVE_PAGES,
        PAGES,
        page_dependency(instance.pk),
        *conditions_of(getattr(instance, "condition_index", "")),
    )


def tagging_changed(sender, instance, created=True, raw=False, **kwargs):
    """A tag added to or taken from an article (when it is published; every
    tagging is saved again then, unchanged ones with ``created`` false)."""
    if created and not raw:
        stale_after_commit(TAGGINGS, tag_dependency(instance.tag_id))


def tag_changed(sender, instance, created=False, raw=False, **kwargs):
    """A tag renamed or deleted: its articles, listings and counts."""
    if created or raw:
        return
    through = tagged_items(apps.get_model("health_articles", "HealthArticlePage"))
    ids = through.objects.filter(tag_id=instance.pk).values_list(
        "content_object_id", flat=True
    )
    stale_after_commit(
        PAGES,
        TAGGINGS,
        IMAGES,  # their meta.tags
        DOCUMENTS,
        tag_dependency(instance.pk),
        *(page_dependency(pk) for pk in ids),
    )


def review_recorded(sender, instance, raw=False, **kwargs):
    """A medical review recorded or removed: the article's review history."""
    if not raw:
        stale_after_commit(page_dependency(instance.page_id))


def person_changed(sender, instance, created=False, raw=False, **kwargs):
    """An author or reviewer edited or deleted: the articles naming them."""
    if created or raw:
        return
    names = []
    for model in (ArticleAuthor, ArticleReviewer):
        ids = model.objects.filter(person=instance).values_list("page_id", flat=True)
        names += [page_dependency(pk) for pk in ids]
    stale_after_commit(*names)


def media_changed(listing):
    """An image or document uploaded is in its listing only; one edited or
    deleted may be shown by any article or person."""

    def receiver(sender, instance, created=False, raw=False, **kwargs):
        if not raw:
            stale_after_commit(listing if created else EVERYTHING)

    return receiver


image_changed = media_changed(IMAGES)
document_changed = media_changed(DOCUMENTS)


def redirects_changed(**kwargs):
    stale_after_commit(REDIRECTS)


def bulk_action_done(request, action_type, objects, action, **kwargs):
    """The admin's bulk actions (moving images or documents to another
    collection, tagging them, publishing pages) may write with
    ``QuerySet.update()``, which sends no signal."""
    everything_stale()


def discard_previews(sender, instance, **kwargs):
    """A published, unpublished or deleted page's previews are done with:
    their drafts go."""
    PagePreview.objects.filter(token__startswith=token_prefix(instance.pk)).delete()


def settings_changed(sender, instance, created=False, **kwargs):
    # Settings are created with their defaults the first time a page reads
    # them; that changes nothing readers see.
    if not created:
        everything_stale()


def register_signal_handlers():
    connect_webhooks()
    signals.request_started.connect(request_started, dispatch_uid="health_articles")
    signals.request_finished.connect(request_finished, dispatch_uid="health_articles")
    Page = apps.get_model(swapper.get_model_name("wagtailcore", "Page"))
    page_published.connect(page_changed, dispatch_uid="health_articles_published")
    page_unpublished.connect(page_withdrawn, dispatch_uid="health_articles_unpublished")
    page_slug_changed.connect(
        everything_stale, dispatch_uid="health_articles_slug_changed"
    )
    post_page_move.connect(everything_stale, dispatch_uid="health_articles_moved")
    for model in apps.get_models():
        if issubclass(model, Page):
            pre_save.connect(page_about_to_change, sender=model)
            post_save.connect(page_saved, sender=model)
            post_delete.connect(page_deleted, sender=model)
        if issubclass(model, HealthArticlePageMixin) and not model._meta.abstract:
            through = tagged_items(model)
            post_save.connect(tagging_changed, sender=through)
            post_delete.connect(tagging_changed, sender=through)
    article_model = apps.get_model("health_articles", "HealthArticlePage")
    page_published.connect(discard_previews, sender=article_model)
    page_unpublished.connect(discard_previews, sender=article_model)
    post_delete.connect(discard_previews, sender=article_model)
    for model in (
        PageViewRestriction,
        CollectionViewRestriction,
        Collection,  # moved under a restricted one, its media are hidden
        Site,
    ):
        post_save.connect(everything_stale, sender=model)
        post_delete.connect(everything_stale, sender=model)
    # Deleted: the rows naming them go first, so they are read before.
    for model, receiver in (
        (Tag, tag_changed),
        (apps.get_model("health_articles", "Person"), person_changed),
    ):
        post_save.connect(receiver, sender=model)
        pre_delete.connect(receiver, sender=model)
    review_model = apps.get_model("health_articles", "MedicalReview")
    post_save.connect(review_recorded, sender=review_model)
    post_delete.connect(review_recorded, sender=review_model)
    for model, receiver in (
        (get_image_model(), image_changed),
        (get_document_model(), document_changed),
    ):
        post_save.connect(receiver, sender=model)
        post_delete.connect(receiver, sender=model)
    if apps.is_installed("wagtail.contrib.redirects"):
        redirect_model = apps.get_model("wagtailredirects", "Redirect")
        post_save.connect(redirects_changed, sender=redirect_model)
        post_delete.connect(redirects_changed, sender=redirect_model)
    settings_model = apps.get_model("health_articles", "HealthArticleSettings")
    post_save.connect(settings_changed, sender=settings_model)
