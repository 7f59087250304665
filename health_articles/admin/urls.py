"""The admin's URLs for health articles, under the "health_articles_admin"
namespace (included by ``wagtail_hooks``)."""

from django.urls import path

from . import references, reports

app_name = "health_articles_admin"

urlpatterns = [
    path(
        "reports/review-due/", reports.ReviewDueReportView.as_view(), name="review_due"
    ),
    path(
        "reports/review-due/results/",
        reports.ReviewDueReportView.as_view(results_only=True),
        name="review_due_results",
    ),
    path(
        "health-articles/<int:page_id>/references/import/",
        references.import_references,
        name="import_references",
    ),
    path(
        "health-articles/<int:page_id>/references.<str:kind>",
        references.export_references,
        name="export_references",
    ),
]
