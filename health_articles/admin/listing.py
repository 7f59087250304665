"""The admin's listing of every health article, with review status and tags."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.viewsets.pages import PageListingViewSet

from ..models import HealthArticlePage
from ..review import STATUS_LABELS


def _tag_names(page):
    return ", ".join(sorted((tag.name for tag in page.tags.all()), key=str.lower))


class HealthArticleIndexView(PageIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("tags")


class HealthArticleListingViewSet(PageListingViewSet):
    """All health articles in one listing, with review status and tags."""

    index_view_class = HealthArticleIndexView
    model = HealthArticlePage
    icon = "doc-full"
    menu_label = _("Health articles")
    add_to_admin_menu = True
    menu_order = 150
    columns = [
        *PageListingViewSet.columns,
        Column(
            "review",
            label=_("Review"),
            accessor=lambda page: STATUS_LABELS[page.review_status()],
        ),
        Column("tags", label=_("Tags"), accessor=_tag_names),
    ]
