"""Query validation: a 400 with a message for every bad query value.

Wagtail's API lets some values through to the database or its parsers,
which then fail with a 500; these are caught here first.
"""

import re

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, ValidationError
from django.db import connection
from django.http import Http404
from django.utils.encoding import iri_to_uri
from wagtail.api.v2.utils import BadRequestError

from ..references.formatting import DEFAULT_STYLE, STYLES

# Larger numbers overflow the databases' integers.
MAX_OFFSET = 2**31 - 1
MAX_INTEGER = 2**63 - 1
# Deeper nesting of ?fields= exhausts the recursion of Wagtail's parser.
MAX_FIELDS_LENGTH = 1000
MAX_FIELDS_DEPTH = 10
# A longer search exhausts the recursion of the search backend's query
# building (PostgreSQL's, past 150 words), and no reader's search needs it.
MAX_SEARCH_WORDS = 32
MAX_SEARCH_LENGTH = 400
# A longer query string is refused whole: proxies commonly refuse past 8 KB,
# and find/ could not redirect with it (Django refuses a Location over 16 KB).
MAX_QUERY_LENGTH = 8192
# Parameters that shape a listing rather than filter it.
NOT_FILTERS = {"limit", "offset", "fields", "format", "_", "rich_text_format"}
WHOLE_NUMBER = re.compile(r"[0-9]+")
SIGNED_NUMBER = re.compile(r"-?[0-9]+")


def _too_large(number):
    """Whether the whole number text ``number`` is beyond MAX_INTEGER (read
    by its digits first: Python refuses to convert over 4300 of them)."""
    digits = number.lstrip("-").lstrip("0")
    return len(digits) > len(str(MAX_INTEGER)) or int(digits or 0) > MAX_INTEGER


def _nesting(text):
    depth = deepest = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    return deepest


class QueryErrorsMixin:
    """Answer 400 with a message for query values Wagtail's API lets through.

    Stock v2 answers 500 for a NUL character in any value, a number beyond the
    database's integers, a ``search_operator`` other than and/or, a search
    of only spaces or with an unbalanced quotation mark, a search too long
    for the search backend to build a query of, a ``fields`` nested
    too deep, an invalid date or a non-numeric ``find/?id=``, and 404 for an
    unknown ``locale``.
    """

    def initial(self, request, *args, **kwargs):
        # As find/ would write it in its redirect: non-ASCII percent-encoded.
        if len(iri_to_uri(request.META.get("QUERY_STRING", ""))) > MAX_QUERY_LENGTH:
            raise BadRequestError(
                f"the query string is at most {MAX_QUERY_LENGTH} characters"
            )
        try:
            parameters = request.GET.lists()
        except TooManyFieldsSent as exc:  # before DRF reads ?format=
            raise BadRequestError(
                "at most "
                f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} query parameters are read"
            ) from exc
        super().initial(request, *args, **kwargs)
        # Wagtail's field filters refuse a NUL in their own words.
        field_filters = {field.name for field in self.model._meta.get_fields()}
        for name, values in parameters:
            for value in values:
                if "\x00" in name or ("\x00" in value and name not in field_filters):
                    raise BadRequestError(f"{name!r} contains a NUL character")
                if SIGNED_NUMBER.fullmatch(value) and _too_large(value):
                    raise BadRequestError(f"{name} is too large a number")
        try:  # as Wagtail reads it ("+1" too), with its words for a bad one
            offset = int(request.GET.get("offset", "0"))
        except ValueError:
            offset = -1
        if offset < 0:
            raise BadRequestError("offset must be a positive integer")
        if offset > MAX_OFFSET:
            raise BadRequestError(f"offset is at most {MAX_OFFSET}")
        if request.GET.get("search_operator", "and") not in ("", "and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        search = request.GET.get("search")
        # PostgreSQL's search takes these as stock Wagtail does; SQLite's
        # full-text query syntax fails on them with a 500.
        if search and connection.vendor != "postgresql":
            if not search.strip():
                raise BadRequestError("search must contain a word")
            if search.count('"') % 2:
                raise BadRequestError("search has an unbalanced quotation mark")
        if search and (
            len(search) > MAX_SEARCH_LENGTH or len(search.split()) > MAX_SEARCH_WORDS
        ):
            raise BadRequestError(
                f"search is at most {MAX_SEARCH_WORDS} words and "
                f"{MAX_SEARCH_LENGTH} characters"
            )
        fields = request.GET.get("fields", "")
        if len(fields) > MAX_FIELDS_LENGTH or _nesting(fields) > MAX_FIELDS_DEPTH:
            raise BadRequestError(
                f"fields is at most {MAX_FIELDS_LENGTH} characters and "
                f"{MAX_FIELDS_DEPTH} levels deep"
            )
        find_id = request.GET.get("id", "0")
        if self.action == "find_view" and not WHOLE_NUMBER.fullmatch(find_id):
            raise BadRequestError("id must be a whole number")

    def filter_queryset(self, queryset):
        try:
            return super().filter_queryset(queryset)
        except (Http404, ValueError, ValidationError) as exc:
            message = "; ".join(getattr(exc, "messages", [str(exc)]))
            filters = set(self.request.GET) - NOT_FILTERS
            names = ", ".join(sorted(filters)) or "filters"
            raise BadRequestError(f"{names}: {message}") from exc


def refuse_unknown_parameters(request, known):
    """A 400 naming the query parameters not in ``known``, as Wagtail words it."""
    unknown = set(request.GET) - set(known)
    if unknown:
        raise BadRequestError(
            "query parameter is not an operation or a recognised field: "
            + ", ".join(sorted(unknown))
        )


def citation_style(request):
    """The ``citation_style`` asked for (the default when none), or a 400."""
    style = request.GET.get("citation_style", DEFAULT_STYLE)
    if style not in STYLES:
        raise BadRequestError("citation_style must be one of: " + ", ".join(STYLES))
    return style
