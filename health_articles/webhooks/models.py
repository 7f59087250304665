"""The publish webhooks' models: where events go (``WebhookEndpoint``) and
what became of each one sent (``WebhookDelivery``, the delivery log)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import EventType, all_event_types
from .signing import new_secret, validate_secret


class WebhookEndpoint(models.Model):
    """A URL told of the changes to articles that it takes, signed with its
    secret."""

    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_(
            "Where events are POSTed as JSON, e.g. "
            "https://www.example.org/api/revalidate"
        ),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        validators=[validate_secret],
        help_text=_(
            "The receiver checks each event's signature with it (whsec_ and "
            "base64, as Standard Webhooks has it). A new endpoint gets a "
            "random one; keep it private."
        ),
    )
    events = models.JSONField(
        _("events"),
        default=all_event_types,
        help_text=_("The changes this endpoint is told of."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "An inactive endpoint is sent nothing, and its pending retries stop."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: the exact body, its attempts so far,
    the last answer or error, and when it was delivered or is next tried.
    Written by the worker; the admin only reads (and may delete) it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        related_name="deliveries",
        on_delete=models.CASCADE,
    )
    event_id = models.CharField(_("event id"), max_length=40)
    event_type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    # Not a foreign key: the log outlives a deleted article.
    page_id = models.PositiveIntegerField(_("page id"))
    payload = models.TextField(_("payload"), help_text=_("The JSON body sent."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        # The worker writes the log: there is nothing to add or change by hand.
        default_permissions = ("view", "delete")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_an_event"
            )
        ]

    def __str__(self):
        return (
            f"{self.get_event_type_display()} (page {self.page_id}) → {self.endpoint}"
        )
