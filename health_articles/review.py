"""When an article's medical review is due, and how that reads."""

import datetime

from django.utils.translation import gettext_lazy as _

# Within this many days a review is due soon.
DUE_SOON_DAYS = 30
STATUS_LABELS = {
    "not_reviewed": _("Not reviewed"),
    "current": _("Current"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
}


def add_months(date, months):
    """``date`` moved by whole months, on the last day where the month is short."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return date.replace(year=year, month=month, day=min(date.day, last_day))


def review_status(next_review_due, today=None):
    """One of STATUS_LABELS' keys for a review next due on ``next_review_due``."""
    if not next_review_due:
        return "not_reviewed"
    today = today or datetime.date.today()
    if next_review_due < today:
        return "overdue"
    if next_review_due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "current"


def due_by(today=None):
    """The last due date that counts as due soon (or overdue) on ``today``."""
    return (today or datetime.date.today()) + datetime.timedelta(days=DUE_SOON_DAYS)
