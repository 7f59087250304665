from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views_admin import ReviewDueReportView


@hooks.register("register_admin_urls")
def register_review_report_urls():
    return [
        path(
            "reports/review-due/",
            ReviewDueReportView.as_view(),
            name="health_articles_review_due",
        ),
        path(
            "reports/review-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="health_articles_review_due_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return MenuItem(
        _("Articles due for review"),
        reverse("health_articles_review_due"),
        name="articles-due-for-review",
        icon_name="time",
        order=750,
    )
