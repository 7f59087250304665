from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from .models import HealthArticlePage
from .views_admin import ReviewDueReportView, export_references, import_references


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
        path(
            "health-articles/<int:page_id>/references/import/",
            import_references,
            name="health_articles_import_references",
        ),
        path(
            "health-articles/<int:page_id>/references.<str:kind>",
            export_references,
            name="health_articles_export_references",
        ),
    ]


class ReferencesMenuItem(PageMenuItem):
    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def reference_buttons(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, HealthArticlePage):
        return
    yield ReferencesMenuItem(
        _("Import references"),
        reverse("health_articles_import_references", args=(page.pk,)),
        icon_name="upload",
        priority=80,
        page=page,
    )
    for kind, label in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")):
        yield ReferencesMenuItem(
            _("Export references (%(format)s)") % {"format": label},
            reverse("health_articles_export_references", args=(page.pk, kind)),
            icon_name="download",
            priority=85,
            page=page,
        )


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return MenuItem(
        _("Articles due for review"),
        reverse("health_articles_review_due"),
        name="articles-due-for-review",
        icon_name="time",
        order=750,
    )
