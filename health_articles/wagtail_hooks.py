from django.contrib import messages
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from .admin import urls as admin_urls
from .admin.listing import HealthArticleListingViewSet
from .admin.publishing import PublishBulkAction
from .admin.reports import ReviewsDuePanel, is_reviewer
from .citations.editor import register_citation_feature
from .models import HealthArticlePage, HealthArticlePageMixin
from .signal_handlers import bulk_action_done
from .webhooks.admin import WebhookDeliveryViewSet, WebhookEndpointViewSet

hooks.register("register_rich_text_features", register_citation_feature)
hooks.register("after_bulk_action", bulk_action_done)
# After Wagtail's own bulk publish (order 0), which it replaces.
hooks.register("register_bulk_action", PublishBulkAction, order=1)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("", include(admin_urls, namespace=admin_urls.app_name))]


class ReferencesMenuItem(PageMenuItem):
    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def reference_buttons(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, HealthArticlePage):
        return
    yield ReferencesMenuItem(
        _("Import references"),
        reverse("health_articles_admin:import_references", args=(page.pk,)),
        icon_name="upload",
        priority=80,
        page=page,
    )
    for kind, label in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")):
        yield ReferencesMenuItem(
            _("Export references (%(format)s)") % {"format": label},
            reverse("health_articles_admin:export_references", args=(page.pk, kind)),
            icon_name="download",
            priority=85,
            page=page,
        )


@hooks.register("register_admin_viewset")
def register_article_listing():
    return HealthArticleListingViewSet("health_article_listing")


@hooks.register("register_admin_viewset")
def register_webhook_views():
    return [
        WebhookEndpointViewSet("webhook_endpoints"),
        WebhookDeliveryViewSet("webhook_deliveries"),
    ]


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_references(request, page):
    """Uncited references and doubtful DOIs are saved, with a warning."""
    if isinstance(page, HealthArticlePageMixin):
        for warning in page.reference_warnings():
            messages.warning(request, warning)


@hooks.register("construct_homepage_panels")
def add_reviews_due_panel(request, panels):
    if is_reviewer(request.user):
        panels.append(ReviewsDuePanel(request))


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return MenuItem(
        _("Articles due for review"),
        reverse("health_articles_admin:review_due"),
        name="articles-due-for-review",
        icon_name="time",
        order=750,
    )
