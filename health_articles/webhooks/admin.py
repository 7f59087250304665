"""The webhooks in the admin's Settings menu: the endpoints, for users with
their model's permissions (administrators: no group has them unless given),
and the delivery log, which they may read and delete but not write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .events import EventType
from .models import WebhookDelivery, WebhookEndpoint


def _event_labels(endpoint):
    return ", ".join(
        str(label) for value, label in EventType.choices if value in endpoint.events
    )


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = _("Webhook endpoints")
    add_to_settings_menu = True
    copy_view_enabled = False
    form_fields = ["url", "events", "secret", "active"]
    list_display = [
        "url",
        Column("events", label=_("Events"), accessor=_event_labels),
        BooleanColumn("active", label=_("Active")),
    ]

    def formfield_for_dbfield(self, db_field, **kwargs):
        """The events as checkboxes (the model keeps them as a JSON list); a
        URL typed without its scheme is taken as https."""
        if db_field.name == "events":
            return forms.MultipleChoiceField(
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
                choices=EventType.choices,
                initial=db_field.default,
                widget=forms.CheckboxSelectMultiple,
            )
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)


class DeliveryLogPolicy(ModelPermissionPolicy):
    """The worker writes the log: nobody adds or changes an entry, not even a
    superuser."""

    WRITES = {"add", "change"}

    def user_has_permission(self, user, action):
        return action not in self.WRITES and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) - self.WRITES)


register_permission_policy(WebhookDelivery, DeliveryLogPolicy(WebhookDelivery))


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = _("Webhook deliveries")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    # No form is ever shown: the policy refuses adding and editing.
    form_fields = []
    list_display = [
        "__str__",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "next_retry_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    inspect_view_fields = [
        "endpoint",
        "event_type",
        "event_id",
        "page_id",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_retry_at",
        "delivered_at",
        "payload",
    ]
