"""What makes an event: an article published, unpublished, moved or deleted,
as Wagtail's and Django's signals tell it. The event is made at once (a
deleted article is described before it goes) and sent once its change is
committed (``transaction.on_commit``): a change rolled back sends nothing,
and sending only queues tasks, so the editor's request never waits for an
endpoint. Only what readers could see makes an event: a publish that
leaves the article not live (scheduled for later) or private (a password,
login or group restriction) sends nothing, nor does the unpublishing, move
or deletion of an article that was not live and public.

The models are read through the app registry; ``connect_webhooks`` runs in
``ready()``, from ``signal_handlers.register_signal_handlers``.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from ..querysets import private_q
from .delivery import dispatch
from .events import EventType, article_event


def readable(page):
    """Whether readers may see ``page`` (its restrictions and its
    ancestors'), as of the database now."""
    return not page.get_view_restrictions().exists()


def send_after_commit(event_type, page, unless=None, **details):
    """Queue the event of ``page``'s change to the active endpoints that take
    it, once the change is committed (nothing is made for none), unless
    ``unless()`` says otherwise then. An error queueing it is logged, never
    the editor's."""
    endpoint_model = apps.get_model("health_articles", "WebhookEndpoint")
    endpoints = [
        endpoint
        for endpoint in endpoint_model.objects.filter(active=True)
        if event_type in endpoint.events
    ]
    if not endpoints:
        return
    event = article_event(event_type, page, **details)

    def send():
        if unless is None or not unless():
            dispatch(event, endpoints)

    transaction.on_commit(send, robust=True)


def published(sender, instance, **kwargs):
    # Wagtail signals a publish scheduled for later too.
    articles = type(instance).objects.filter(pk=instance.pk)
    send_after_commit(
        EventType.PUBLISHED,
        instance,
        unless=lambda: not articles.live().exclude(private_q()).exists(),
    )


def unpublished(sender, instance, **kwargs):
    # Wagtail unpublishes a live page it deletes, too: the deletion's event
    # says it all.
    if readable(instance):
        articles = type(instance).objects.filter(pk=instance.pk)
        send_after_commit(
            EventType.UNPUBLISHED, instance, unless=lambda: not articles.exists()
        )


def moved(sender, instance, url_path_before, **kwargs):
    # Wagtail sends the moved page as a plain Page.
    if instance.live and readable(instance):
        send_after_commit(
            EventType.MOVED, instance.specific, previous_url_path=url_path_before
        )


def deleted(sender, instance, **kwargs):
    if instance.live and readable(instance):
        send_after_commit(EventType.DELETED, instance)


def connect_webhooks():
    article = apps.get_model("health_articles", "HealthArticlePage")
    for signal, receiver in (
        (page_published, published),
        (page_unpublished, unpublished),
        (post_page_move, moved),
        (pre_delete, deleted),
    ):
        signal.connect(
            receiver,
            sender=article,
            dispatch_uid=f"health_articles_webhooks_{receiver.__name__}",
        )
