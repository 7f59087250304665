"""Wagtail's ``publish_scheduled``, going on past a revision it cannot
publish: each revision due is published in a transaction of its own; one its
page refuses (a ``ValidationError``: a citation of a missing reference key,
a field ``full_clean`` refuses) is printed, logged and unscheduled (the
page's history says so), and the others are published. Wagtail's command
then does the rest (expired pages)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.management.commands import publish_scheduled
from wagtail.models import Revision

from ...admin.publishing import refusal

logger = logging.getLogger(__name__)


class Command(publish_scheduled.Command):
    help = (
        "Publish the revisions due and unpublish the pages expired; a revision "
        "that cannot be published is reported and unscheduled."
    )

    def handle(self, *args, **options):
        if not options["dryrun"]:
            self.publish_due()
        super().handle(*args, **options)

    def publish_due(self):
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now())
        for revision in due.order_by("approved_go_live_at"):
            try:
                with transaction.atomic():
                    revision.publish(log_action="wagtail.publish.scheduled")
            except ValidationError as error:
                message = refusal(revision.object_str, error)
                logger.error("revision %s: %s", revision.pk, message)
                self.stderr.write(f"Revision {revision.pk}: {message} Unscheduled.")
                revision.approved_go_live_at = None
                revision.save(update_fields=["approved_go_live_at"])
