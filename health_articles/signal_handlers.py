"""Keep cached API responses and a CDN in front of the site fresh.

Every change a reader could see makes stored answers stale once it is
committed (``transaction.on_commit``): a request between the change and its
commit would otherwise store the old content under the new version. Changes
that send no signal (``QuerySet.update()``, raw SQL) are followed by
``manage.py purge_stored_answers``.
"""

import swapper
from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save
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

from .caching import bump_content_version
from .preview import token_prefix


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


def stale_after_commit(**kwargs):
    """Stored answers go stale when the change in hand is committed."""
    on_commit(bump_content_version)


def page_changed(sender, instance, **kwargs):
    """Published or unpublished: stale, and purged from the CDN."""

    def after_commit():
        bump_content_version()
        purge_frontend_cache(instance)

    on_commit(after_commit)


def live_page_saved(sender, instance, update_fields=None, **kwargs):
    """A live page saved without publishing (``page.save()``, a new alias or
    copy, a move) changes what readers see; a draft saved on it does not."""
    if instance.live and not (update_fields and set(update_fields) <= DRAFT_FIELDS):
        stale_after_commit()


def discard_previews(sender, instance, **kwargs):
    """A published, unpublished or deleted page's previews are done with:
    their drafts go."""
    PagePreview.objects.filter(token__startswith=token_prefix(instance.pk)).delete()


def settings_changed(sender, instance, created=False, **kwargs):
    # Settings are created with their defaults the first time a page reads
    # them; that changes nothing readers see.
    if not created:
        stale_after_commit()


def register_signal_handlers():
    Page = apps.get_model(swapper.get_model_name("wagtailcore", "Page"))
    for signal in (page_published, page_unpublished):
        signal.connect(page_changed, dispatch_uid=f"health_articles_{signal}")
    page_slug_changed.connect(
        stale_after_commit, dispatch_uid="health_articles_slug_changed"
    )
    post_page_move.connect(stale_after_commit, dispatch_uid="health_articles_moved")
    page_models = [model for model in apps.get_models() if issubclass(model, Page)]
    others = [
        PageViewRestriction,
        CollectionViewRestriction,
        Collection,  # moved under a restricted one, its media are hidden
        Site,
        Tag,
        get_image_model(),
        get_document_model(),
        apps.get_model("health_articles", "Person"),
    ]
    for model in page_models:
        post_save.connect(live_page_saved, sender=model)
        post_delete.connect(stale_after_commit, sender=model)
    article_model = apps.get_model("health_articles", "HealthArticlePage")
    page_published.connect(discard_previews, sender=article_model)
    page_unpublished.connect(discard_previews, sender=article_model)
    post_delete.connect(discard_previews, sender=article_model)
    for model in others:
        post_save.connect(stale_after_commit, sender=model)
        post_delete.connect(stale_after_commit, sender=model)
    settings_model = apps.get_model("health_articles", "HealthArticleSettings")
    post_save.connect(settings_changed, sender=settings_model)
