from django.http import Http404
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .models import HealthArticlePage

# Larger offsets overflow the databases' integers.
MAX_OFFSET = 2**31 - 1


class QueryErrorsMixin:
    """Answer 400 with a message for query values Wagtail's API lets through.

    Stock v2 answers 500 for a NUL character in any value, an offset beyond
    the database's integers, a ``search_operator`` other than and/or, or a
    non-numeric ``find/?id=``, and 404 for an unknown ``locale``.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            for value in values:
                if "\x00" in name or "\x00" in value:
                    raise BadRequestError(f"{name!r} contains a NUL character")
        offset = request.GET.get("offset", "0")
        if not offset.isdigit() or int(offset) > MAX_OFFSET:
            raise BadRequestError(
                f"offset must be a whole number from 0 to {MAX_OFFSET}"
            )
        if request.GET.get("search_operator", "and") not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        if self.action == "find_view" and not request.GET.get("id", "0").isdigit():
            raise BadRequestError("id must be a whole number")

    def filter_queryset(self, queryset):
        try:
            return super().filter_queryset(queryset)
        except (Http404, ValueError) as exc:
            raise BadRequestError(f"filter error: {exc}") from exc


class HealthArticlePagesAPIViewSet(QueryErrorsMixin, PagesAPIViewSet):
    """Wagtail's pages endpoint, loading article relations in bulk.

    Behaves as ``PagesAPIViewSet`` for every client; listings of health
    articles fetch tags, references and hero images with a fixed number of
    queries instead of several per page.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if issubclass(queryset.model, HealthArticlePage):
            queryset = queryset.select_related("locale", "hero_image").prefetch_related(
                "tags", "references", "hero_image__renditions"
            )
        return queryset


class CheckedImagesAPIViewSet(QueryErrorsMixin, ImagesAPIViewSet):
    """Wagtail's images endpoint with 400s instead of 500s for bad values."""


class CheckedDocumentsAPIViewSet(QueryErrorsMixin, DocumentsAPIViewSet):
    """Wagtail's documents endpoint with 400s instead of 500s for bad values."""
