"""Reports of the admin: articles whose medical review is due."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from ..models import HealthArticlePage, MedicalReviewTask, Person
from ..review import STATUS_LABELS, due_by

# The most articles the dashboard panel lists (the report has them all).
PANEL_ARTICLES = 10


def is_reviewer(user):
    """Whether ``user`` reviews articles: in a medical review task's groups,
    linked to a person, or a superuser."""
    return (
        user.is_superuser
        or MedicalReviewTask.objects.filter(
            active=True, groups__in=user.groups.all()
        ).exists()
        or Person.objects.filter(user=user).exists()
    )


class ReviewsDuePanel(Component):
    """The dashboard's list, for reviewers, of articles whose medical review
    is overdue or due within 30 days, the reviewer's own marked."""

    name = "health-articles-reviews-due"
    order = 150
    template_name = "health_articles/admin/reviews_due_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        due = (
            HealthArticlePage.objects.filter(next_review_due__lte=due_by())
            .order_by("next_review_due", "title")
            .prefetch_related("article_reviewers__person")
        )
        articles = list(due[: PANEL_ARTICLES + 1])
        person = Person.objects.filter(user=self.request.user).first()
        for article in articles:
            article.review_state_label = STATUS_LABELS[article.review_status()]
            article.is_mine = person is not None and any(
                link.person_id == person.pk for link in article.article_reviewers.all()
            )
        return {
            "articles": articles[:PANEL_ARTICLES],
            "more": len(articles) > PANEL_ARTICLES,
            "report_url": reverse("health_articles_admin:review_due"),
        }


class ReviewDueReportView(ReportView):
    """Articles whose medical review is overdue or due within 30 days."""

    page_title = _("Articles due for review")
    header_icon = "time"
    index_url_name = "health_articles_admin:review_due"
    index_results_url_name = "health_articles_admin:review_due_results"
    model = HealthArticlePage
    any_permission_required = ["add", "change", "publish"]
    columns = [
        TitleColumn(
            "title",
            label=_("Article"),
            get_url=lambda page: reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        ),
        DateColumn("last_reviewed", label=_("Last reviewed")),
        DateColumn("next_review_due", label=_("Next review due")),
        Column("review_state", label=_("Status"), accessor="review_state_label"),
    ]
    list_export = ["title", "last_reviewed", "next_review_due", "review_state_label"]
    export_headings = {
        "last_reviewed": _("Last reviewed"),
        "next_review_due": _("Next review due"),
        "review_state_label": _("Status"),
    }

    def get_queryset(self):
        editable = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "publish"]
        )
        return HealthArticlePage.objects.filter(
            pk__in=editable.values("pk"), next_review_due__lte=due_by()
        ).order_by("next_review_due", "title")

    def decorate_paginated_queryset(self, object_list):
        for page in object_list:
            page.review_state_label = STATUS_LABELS[page.review_status()]
        return object_list
