import wagtail.admin.rich_text.editors.draftail.features as draftail_features
from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from draftjs_exporter.dom import DOM
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    InlineEntityElementHandler,
)
from wagtail.admin.ui.menus.pages import PageMenuItem

from .models import HealthArticlePage, HealthArticlePageMixin
from .rich_text import CITATION_ENTITY, CITATION_LINKTYPE, CitationLinkHandler
from .views_admin import (
    HealthArticleListingViewSet,
    ReviewDueReportView,
    export_references,
    import_references,
)


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


@hooks.register("register_admin_viewset")
def register_article_listing():
    return HealthArticleListingViewSet("health_article_listing")


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_references(request, page):
    """Uncited references and doubtful DOIs are saved, with a warning."""
    if isinstance(page, HealthArticlePageMixin):
        for warning in page.reference_warnings():
            messages.warning(request, warning)


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return MenuItem(
        _("Articles due for review"),
        reverse("health_articles_review_due"),
        name="articles-due-for-review",
        icon_name="time",
        order=750,
    )


class CitationElementHandler(InlineEntityElementHandler):
    """Stored citation link -> Draftail entity, for the editor."""

    mutability = "IMMUTABLE"

    def get_attribute_data(self, attrs):
        return {"key": attrs.get("key", "")}


def citation_entity_decorator(props):
    """Draftail entity -> stored citation link."""
    return DOM.create_element(
        "a",
        {"linktype": CITATION_LINKTYPE, "key": props.get("key", "")},
        props["children"],
    )


@hooks.register("register_rich_text_features")
def register_citation_feature(features):
    """The "citation" rich text feature: cite a reference of the article."""
    features.register_link_type(CitationLinkHandler)
    features.register_editor_plugin(
        "draftail",
        "citation",
        draftail_features.EntityFeature(
            {
                "type": CITATION_ENTITY,
                "icon": "doc-full",
                "description": str(_("Cite a reference")),
            },
            js=["health_articles/js/citation.js"],
            css={"all": ["health_articles/css/citation.css"]},
        ),
    )
    features.register_converter_rule(
        "contentstate",
        "citation",
        {
            "from_database_format": {
                f'a[linktype="{CITATION_LINKTYPE}"]': CitationElementHandler(
                    CITATION_ENTITY
                )
            },
            "to_database_format": {
                "entity_decorators": {CITATION_ENTITY: citation_entity_decorator}
            },
        },
    )
