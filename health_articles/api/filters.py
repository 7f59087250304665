"""The API's own filters of listings: by tags (``tag`` and ``tag_any``) and
by the codes of conditions (``condition_code``)."""

from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.utils import BadRequestError

from .. import codes
from ..models import HealthArticlePage
from ..querysets import (
    TagFilterError,
    filter_by_condition_codes,
    filter_by_tags,
    parse_tag_values,
)


class TagFilter(BaseFilterBackend):
    """``?tag=a,b`` (every one of them) and ``?tag_any=a,b`` (at least one).

    Values are tag slugs or names, matched ignoring case. Unlike Wagtail's
    ``?tags=``, these combine with ``?search=`` and need no ``?type=``.
    """

    def filter_queryset(self, request, queryset, view):
        try:
            all_of = parse_tag_values(request.GET.getlist("tag"), "tag")
            any_of = parse_tag_values(request.GET.getlist("tag_any"), "tag_any")
        except TagFilterError as exc:
            raise BadRequestError(str(exc)) from exc
        if (all_of or any_of) and not issubclass(queryset.model, HealthArticlePage):
            queryset = queryset.filter(pk__in=HealthArticlePage.objects.values("pk"))
        return filter_by_tags(queryset, all_of, any_of, model=HealthArticlePage)


class ConditionCodeFilter(BaseFilterBackend):
    """``?condition_code=ICD10:M16`` (comma-separated: any of them): articles
    with a condition section coded so, or by a code below it in ICD."""

    def filter_queryset(self, request, queryset, view):
        values = request.GET.getlist("condition_code")
        if not values:
            return queryset
        try:
            return filter_by_condition_codes(queryset, values, HealthArticlePage)
        except codes.CodeError as exc:
            raise BadRequestError(f"condition_code: {exc}") from exc
