import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from health_articles.models import HealthArticlePage, ReviewReminder
from health_articles.review import DUE_SOON_DAYS


class Command(BaseCommand):
    help = (
        "E-mail each live article's medical reviewers (people linked to an "
        "admin user with an e-mail address) when its review is overdue or due "
        f"within {DUE_SOON_DAYS} days: once for each due date. Meant for cron, "
        "e.g. daily: a second run the same day sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DUE_SOON_DAYS,
            help="Remind of reviews due within this many days (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would be reminded of what, and send nothing.",
        )

    def handle(self, *args, days, dry_run=False, **options):
        by = timezone.localdate() + datetime.timedelta(days=days)
        articles = (
            HealthArticlePage.objects.live()
            .filter(next_review_due__lte=by)
            .prefetch_related("article_reviewers__person__user")
            .order_by("next_review_due", "pk")
        )
        # Those already reminded of their due date, read once.
        reminded = set(
            ReviewReminder.objects.filter(page__in=articles).values_list(
                "page_id", "due", "user_id"
            )
        )
        sent = 0
        for article in articles:
            for link in article.article_reviewers.all():
                user = link.person.user
                if user is None or not user.email or not user.is_active:
                    continue
                if (article.pk, article.next_review_due, user.pk) in reminded:
                    continue
                if self.remind(article, user, dry_run):
                    sent += 1
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(self.style.SUCCESS(f"{verb} {sent} reminders."))

    def remind(self, article, user, dry_run):
        """Send one reminder; False where another run sent it meanwhile."""
        due = article.next_review_due
        line = f"{user.email}: {article.title} (review due {due.isoformat()})"
        if dry_run:
            self.stdout.write(f"would remind {line}")
            return True
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(page=article, due=due, user=user)
                send_mail(
                    subject=f"Medical review due {due.isoformat()}: {article.title}",
                    message=self.message(article, due),
                    from_email=None,
                    recipient_list=[user.email],
                )
        except IntegrityError:  # another run sent it meanwhile
            return False
        self.stdout.write(f"reminded {line}")
        return True

    def message(self, article, due):
        edit = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        # WAGTAILADMIN_BASE_URL where set, else the article's own site.
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or (
            article.get_site().root_url
        )
        base = base.rstrip("/")
        overdue = due < timezone.localdate()
        return (
            f"The medical review of “{article.title}” is "
            f"{'overdue' if overdue else 'due'} ({due.isoformat()}).\n\n"
            f"Review it in the admin: {base}{edit}\n"
            "Submit it to the medical review workflow, or approve it there if it "
            "is waiting for you.\n"
        )
