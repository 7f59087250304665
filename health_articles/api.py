from django.http import Http404
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from .models import HealthArticlePage


class HealthArticlePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, loading article relations in bulk.

    Behaves as ``PagesAPIViewSet`` for every client; listings of health
    articles fetch tags, references and hero images with a fixed number of
    queries instead of several per page. A filter value that Wagtail's own
    filters reject with a 404 or an exception (an unknown ``locale``, a
    ``search_operator`` other than and/or) answers 400 with a message.
    """

    def filter_queryset(self, queryset):
        try:
            return super().filter_queryset(queryset)
        except (Http404, ValueError) as exc:
            raise BadRequestError(f"filter error: {exc}") from exc

    def get_queryset(self):
        queryset = super().get_queryset()
        if issubclass(queryset.model, HealthArticlePage):
            queryset = queryset.select_related("locale", "hero_image").prefetch_related(
                "tags", "references"
            )
        return queryset
