"""Sending events: a delivery for each endpoint and event, attempted by a task
that a worker runs, never the editor's request; a failed attempt queues the
next one later (exponential backoff, capped) until it is delivered or
``HEALTH_ARTICLES_WEBHOOK_MAX_ATTEMPTS`` are spent.

The task goes to the task backend named by ``HEALTH_ARTICLES_WEBHOOK_BACKEND``
(``"webhooks"``) in the site's ``TASKS``, which must defer tasks (retries
wait): django-tasks' database backend, worked off by ``manage.py db_worker
--backend webhooks``, or a Redis one (docs/webhooks.md).

The delivery model is read through the app registry: the models module
imports this package's models, which must not import back.
"""

import http.client
import logging
import time
import urllib.request
from datetime import timedelta
from urllib.error import HTTPError

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.exceptions import InvalidTaskBackendError

from .events import event_body
from .signing import signature

logger = logging.getLogger(__name__)

DEFAULTS = {
    # The alias in TASKS of the backend the deliveries are queued on.
    "HEALTH_ARTICLES_WEBHOOK_BACKEND": "webhooks",
    "HEALTH_ARTICLES_WEBHOOK_MAX_ATTEMPTS": 10,
    # Seconds before the first retry; each next one waits four times longer,
    # at most the maximum: 30 s, 2 min, 8 min, 32 min, then every 2 hours.
    "HEALTH_ARTICLES_WEBHOOK_RETRY_DELAY": 30,
    "HEALTH_ARTICLES_WEBHOOK_MAX_RETRY_DELAY": 2 * 60 * 60,
    # Seconds to connect, and for each read of the answer.
    "HEALTH_ARTICLES_WEBHOOK_TIMEOUT": 5,
}
BACKOFF_FACTOR = 4
USER_AGENT = "health-articles-webhooks/1"
# What an error answer's body adds to the log, and the log's limit (the
# model's last_error).
EXCERPT_BYTES = 200
MAX_ERROR_LENGTH = 500


def setting(name):
    return getattr(settings, name, DEFAULTS[name])


def retry_delay(attempts):
    """How long to wait after ``attempts`` failed attempts."""
    seconds = setting("HEALTH_ARTICLES_WEBHOOK_RETRY_DELAY") * BACKOFF_FACTOR ** (
        attempts - 1
    )
    return timedelta(
        seconds=min(seconds, setting("HEALTH_ARTICLES_WEBHOOK_MAX_RETRY_DELAY"))
    )


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not followed: the endpoint's URL needs fixing
    (and a redirect could lead the signed event anywhere)."""

    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirects)


def _excerpt(error):
    try:
        with error:
            return error.read(EXCERPT_BYTES).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException):
        return ""


def post(url, secret, event_id, body):
    """POST ``body``, signed, to ``url``: (the answer's status code or None,
    what went wrong or "" for a 2xx)."""
    if not url.startswith(("http://", "https://")):
        # The admin's form allows no other, but code could save one.
        return None, "Not an http or https URL."
    timestamp = str(int(time.time()))
    timeout = setting("HEALTH_ARTICLES_WEBHOOK_TIMEOUT")
    try:
        request = urllib.request.Request(  # noqa: S310 (http or https, above)
            url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "webhook-id": event_id,
                "webhook-timestamp": timestamp,
                "webhook-signature": signature(secret, event_id, timestamp, body),
            },
        )
        with opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except HTTPError as error:  # a 3xx, 4xx or 5xx
        error_text = f"HTTP {error.code} {error.reason}: {_excerpt(error)}"
        return error.code, error_text[:MAX_ERROR_LENGTH]
    except (OSError, http.client.HTTPException, ValueError) as error:
        # Refused, unreachable, timed out, TLS, a broken answer; a URL or a
        # secret saved without the admin's checks.
        reason = getattr(error, "reason", None) or error
        return None, (str(reason) or type(error).__name__)[:MAX_ERROR_LENGTH]


def queue_attempt(delivery_id, run_after=None):
    deliver.using(
        backend=setting("HEALTH_ARTICLES_WEBHOOK_BACKEND"), run_after=run_after
    ).enqueue(delivery_id)


def dispatch(event, endpoints):
    """Once the change is committed: a delivery of ``event`` to each of
    ``endpoints``, queued for its first attempt. One the queue refuses (its
    Redis down, say) is failed, with the reason, and the rest go on."""
    body = event_body(event)
    for endpoint in endpoints:
        delivery = endpoint.deliveries.create(
            event_id=event["id"],
            event_type=event["type"],
            page_id=event["data"]["id"],
            payload=body,
        )
        try:
            queue_attempt(delivery.pk)
        except Exception as error:  # whatever the task backend raises
            logger.exception("Webhook delivery %s could not be queued", delivery.pk)
            delivery.status = delivery.Status.FAILED
            delivery.last_error = f"Not queued: {error}"[:MAX_ERROR_LENGTH]
            delivery.save(update_fields=["status", "last_error"])


def _claim(delivery):
    """Count the attempt about to be made, unless another worker counted one
    since ``delivery`` was read (so a task run twice sends once)."""
    now = timezone.now()
    claimed = (
        type(delivery)
        .objects.filter(
            pk=delivery.pk, status=delivery.Status.PENDING, attempts=delivery.attempts
        )
        .update(attempts=delivery.attempts + 1, last_attempt_at=now, next_retry_at=None)
    )
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.next_retry_at = None
    return bool(claimed)


@task()
def deliver(delivery_id):
    """One attempt at a delivery: what became of it ("delivered", "pending"
    with the next attempt queued, "failed" when given up), or "" if there was
    nothing to attempt (delivered, given up or deleted already)."""
    model = apps.get_model("health_articles", "WebhookDelivery")
    delivery = (
        model.objects.select_related("endpoint")
        .filter(pk=delivery_id, status=model.Status.PENDING)
        .first()
    )
    if delivery is None or not _claim(delivery):
        return ""
    endpoint = delivery.endpoint
    if endpoint.active:
        delivery.last_status_code, delivery.last_error = post(
            endpoint.url, endpoint.secret, delivery.event_id, delivery.payload
        )
    else:
        delivery.last_status_code, delivery.last_error = None, "Endpoint inactive."
    if not delivery.last_error:
        delivery.status = model.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif not endpoint.active or delivery.attempts >= setting(
        "HEALTH_ARTICLES_WEBHOOK_MAX_ATTEMPTS"
    ):
        delivery.status = model.Status.FAILED
    else:
        delivery.next_retry_at = timezone.now() + retry_delay(delivery.attempts)
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "status",
                "last_status_code",
                "last_error",
                "delivered_at",
                "next_retry_at",
            ]
        )
        if delivery.next_retry_at:
            queue_attempt(delivery.pk, run_after=delivery.next_retry_at)
    return delivery.status


@checks.register()
def webhook_backend_defers_tasks(app_configs, **kwargs):
    """The deliveries' task backend exists and can defer their retries."""
    alias = setting("HEALTH_ARTICLES_WEBHOOK_BACKEND")
    hint = (
        "Configure a backend that defers tasks, e.g. django-tasks-db's "
        f'DatabaseBackend, as TASKS["{alias}"] (docs/webhooks.md).'
    )
    try:
        backend = task_backends[alias]
    except InvalidTaskBackendError:
        message = f"TASKS has no {alias!r} backend: publish webhooks cannot be sent."
    else:
        if backend.supports_defer:
            return []
        message = f"The {alias!r} task backend cannot defer webhook retries."
    return [checks.Warning(message, hint=hint, id="health_articles.webhooks.W001")]
