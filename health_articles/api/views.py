"""The API's endpoints: Wagtail's pages, images and documents viewsets,
with bulk loading, validation and stored responses; article previews; tags.

Register them on a ``WagtailAPIRouter`` (see the README).
"""

import json
import re

import orjson
import swapper
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.functional import classproperty
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from taggit.models import Tag
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Locale, Site
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview

from .. import caching, images, preview
from ..caching import (
    DOCUMENTS,
    IMAGES,
    LIVE_PAGES,
    PAGES,
    TAGGINGS,
    CachedAPIMixin,
    depends_on,
    tag_dependency,
)
from ..media import restricted_collections
from ..models import (
    ArticleAuthor,
    ArticleReviewer,
    HealthArticlePage,
    HealthArticlePageMixin,
)
from ..querysets import (
    public_pages,
    tag_with_count,
    tags_with_counts,
)
from ..references import formats
from .filters import ConditionCodeFilter, TagFilter
from .serializers import ArticlePageSerializer, TagSerializer
from .validation import (
    NOT_FILTERS,
    QueryErrorsMixin,
    citation_style,
    refuse_unknown_parameters,
)

Page = swapper.load_model("wagtailcore", "Page")


def request_site(request):
    """The site of ``?site=``, or of the request's host (Wagtail's
    ``SiteFilterValidator``), found once a process until sites change."""
    wanted = request.GET.get("site")

    def find():
        try:
            site = SiteFilterValidator(site=wanted, request=request).site_obj
        except ValueError as exc:
            raise BadRequestError(str(exc)) from exc
        if site is not None:
            site.root_page  # noqa: B018 (loaded with it, to be kept with it)
        return site

    site = caching.kept(("site", request.get_host(), request.get_port(), wanted), find)
    if wanted is None and not hasattr(request, "_wagtail_site"):
        request._wagtail_site = site  # Site.find_for_request's, for page URLs
    return site


def public_site_pages(request):
    """``public_pages`` of the request's site (or ``?site=``): Wagtail's
    ``get_public_pages_queryset`` without reading the restrictions twice."""
    return public_pages(request_site(request), Page)


class Fragment(bytes):
    """A listing's item already encoded as JSON, kept so by
    ``caching.items``: the answer splices it in as it is, rather than
    decoding and encoding again the 19 articles a publish left unchanged."""


class FragmentJSONRenderer(JSONRenderer):
    """DRF's JSON renderer; a listing's items given as ``Fragment`` objects are
    spliced in as they are (decoded first only where indentation is asked
    for: the browsable API)."""

    PLACE = "health_articles:fragments"
    OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    @classmethod
    def encode(cls, data):
        """``data`` (an item) as this renderer writes it: compact UTF-8, with
        U+2028 and U+2029 escaped, values JSON lacks by DRF's encoder; by
        orjson, ten times faster than the json module (a tenth of the build
        of a listing's article). The same bytes for what serializers give
        (strings, whole numbers, booleans, null); a float may be written
        another way (``1e-7`` for ``1e-07``), NaN as null, and a whole
        number past 64 bits is refused."""
        encoded = orjson.dumps(
            data, default=cls.encoder_class().default, option=cls.OPTIONS
        )
        return encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
            b"\xe2\x80\xa9", b"\\u2029"
        )

    def render(self, data, accepted_media_type=None, renderer_context=None):
        items = data.get("items") if isinstance(data, dict) else None
        if not items or not isinstance(items[0], Fragment):
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            data = {**data, "items": [json.loads(item) for item in items]}
            return super().render(data, accepted_media_type, renderer_context)
        outline = super().render(
            {**data, "items": [self.PLACE]}, accepted_media_type, renderer_context
        )
        place = b'["' + self.PLACE.encode() + b'"]'
        return outline.replace(place, b"[" + b",".join(items) + b"]", 1)


class CompactJSONMixin:
    """JSON without Wagtail's indentation: a quarter of the size, and
    rendered by the json module's C encoder instead of its Python one (for
    a list of 20 articles, most of the time of a build). The browsable API
    still indents."""

    @classproperty
    def renderer_classes(cls):
        return [
            FragmentJSONRenderer if renderer is JSONRenderer else renderer
            for renderer in super().renderer_classes
        ]

    def get_renderer_context(self):
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context


class HealthArticlePagesAPIViewSet(
    CachedAPIMixin, QueryErrorsMixin, CompactJSONMixin, PagesAPIViewSet
):
    """Wagtail's pages endpoint, loading article relations in bulk.

    Behaves as ``PagesAPIViewSet`` for every client; listings of health
    articles fetch tags, references and hero images with a fixed number of
    queries instead of several per page. Adds the ``tag`` and ``tag_any``
    filters, and ``condition_code``.
    """

    base_serializer_class = ArticlePageSerializer
    filter_backends = [
        *PagesAPIViewSet.filter_backends[:-1],
        TagFilter,
        ConditionCodeFilter,
        SearchFilter,  # last: search results cannot be filtered further
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(
        ["tag", "tag_any", "condition_code", "citation_style"]
    )
    # These take a few queries each, so only details have them.
    detail_only_fields = [
        *PagesAPIViewSet.detail_only_fields,
        "related_articles",
        "schema_org",
        "translations",
    ]

    # What each article field needs loaded with the listing.
    field_prefetches = {
        "tags": ["tags"],
        "body": ["references"],  # for the numbers of in-text citations
        "references": ["references"],
        "hero_picture": ["hero_image__renditions"],
        "seo": ["hero_image__renditions"],
        "authors": [
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("person"),
            )
        ],
        "reviewers": [
            Prefetch(
                "article_reviewers",
                queryset=ArticleReviewer.objects.select_related("person"),
            )
        ],
    }

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        citation_style(request)

    def listing_view(self, request):
        """Wagtail's listing, each page's serialised form reused while what
        it shows is unchanged (``caching.items``): after a publish, only the
        page that changed is loaded and serialised again."""
        chosen_by = self._selection_dependencies()
        depends_on(*chosen_by)
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        if not isinstance(queryset, QuerySet):  # search results, in their order
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(
                self.get_serializer(page, many=True).data
            )

        def select():
            page = self.paginate_queryset(queryset)
            ids = list(page.prefetch_related(None).values_list("pk", flat=True))
            return ids, self.paginator.total_count

        ids, self.paginator.total_count = caching.selection(request, chosen_by, select)
        # One serializer for all, as a list's: its fields are built once.
        serializer = self.get_serializer([], many=True).child
        figures = {}

        def load(ids):
            pages = queryset.in_bulk(ids)
            figures.update(images.figure_images(pages.values()))
            return pages

        def serialize(page):
            return Fragment(
                FragmentJSONRenderer.encode(serializer.to_representation(page))
            )

        with images.known_images(figures):
            data = caching.items(request, (ids, load), serialize)
        return self.get_paginated_response(data)

    # Parameters that select pages by nothing an edit changes: a listing with
    # no others holds the same pages, in the same order, until a page goes
    # live or stops being live, or (with a tag filter) a tag is added to or
    # taken from a page. (A move changes everything.)
    LIVENESS_ONLY = NOT_FILTERS | {"type", "site", "locale", "citation_style"}
    TAG_FILTERS = {"tag", "tag_any", "tags"}

    def _selection_dependencies(self):
        """What decides which pages the listing holds, in what order."""
        chosen = set(self.request.GET)
        if not chosen <= self.LIVENESS_ONLY | self.TAG_FILTERS | {"order"} or (
            self.request.GET.get("order", "id") not in ("id", "-id")
        ):
            return [PAGES]
        return [LIVE_PAGES, *([TAGGINGS] if chosen & self.TAG_FILTERS else [])]

    def references_view(self, request, pk, kind):
        """The article's references as CSL-JSON, BibTeX or RIS."""
        article = self.get_object()
        if kind not in formats.WRITERS or not isinstance(article, HealthArticlePage):
            raise Http404("No reference list here.")
        items = [reference.as_csl() for reference in article.references.all()]
        content, content_type = formats.write(items, kind)
        return HttpResponse(content, content_type=content_type)

    def reviews_view(self, request, pk):
        """The article's medical reviews, newest first: who approved or
        rejected which revision, and when (comments stay in the admin)."""
        article = self.get_object()
        if not isinstance(article, HealthArticlePage):
            raise Http404("No medical reviews here.")
        caching.depends_on(caching.page_dependency(article.pk))
        reviews = article.medical_reviews.select_related("reviewer")
        items = [
            {
                "reviewed_at": review.reviewed_at.isoformat(),
                "decision": review.decision,
                "revision": review.revision_id,
                "reviewer": review.reviewer
                and {
                    "id": review.reviewer.pk,
                    "name": review.reviewer.name,
                    "credentials": review.reviewer.credentials,
                },
            }
            for review in reviews
        ]
        return Response({"meta": {"total_count": len(items)}, "items": items})

    @classmethod
    def get_urlpatterns(cls):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/references.<str:kind>",
                cls.as_view({"get": "references_view"}),
                name="references",
            ),
            path(
                "<int:pk>/reviews/",
                cls.as_view({"get": "reviews_view"}),
                name="reviews",
            ),
        ]

    def get_base_queryset(self):
        # Live pages of the requested site with no view restriction at all,
        # whatever the reader's session holds: responses are cached and shared
        # between readers. Built once a request (it reads the restrictions);
        # stock Wagtail reads them a second time for the reader's session.
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = public_site_pages(self.request)
        return self._base_queryset

    def get_related_candidates(self):
        """The articles an article's related articles are chosen from: those
        of the endpoint's public, site-scoped base, read once a request."""
        return HealthArticlePage.objects.filter(
            pk__in=self.get_base_queryset().values("pk")
        )

    def get_object(self):
        # Read once: Wagtail asks for the object to pick the serializer too.
        if not hasattr(self, "_object"):
            article = self._public_article()
            if article is None:
                article = super().get_object()
            if isinstance(article, HealthArticlePage):
                lookups = [
                    lookup
                    for group in self.field_prefetches.values()
                    for lookup in group
                ]
                prefetch_related_objects([article], *lookups)
            self._object = article
        return self._object

    def _public_article(self):
        """The requested article in one query, or None for other pages (which
        take Wagtail's way: the page, then its specific type) and for
        requests with filters, which Wagtail applies to details too."""
        if set(self.request.GET) - NOT_FILTERS - {"citation_style", "site"}:
            return None
        pk = self.kwargs.get("pk")
        # The page pointer is a relation, and lookups on a relation do not
        # turn an id beyond the database's integers into "no match" the way
        # lookups on Page's own id (Wagtail's way) do.
        low, high = connection.ops.integer_field_range("BigIntegerField")
        if not low <= pk <= high:
            return None
        return (
            HealthArticlePage.objects.filter(
                pk=pk,
                # Not a page type built on this one: that takes Wagtail's way.
                content_type=ContentType.objects.get_for_model(HealthArticlePage),
                pk__in=self.get_base_queryset().values("pk"),
            )
            .select_related("locale", "hero_image")
            .first()
        )

    def find_object(self, queryset, request):
        """Wagtail's ``find/``; an ``html_path`` that no page has but the site
        redirects (wagtail.contrib.redirects) finds the page it leads to, so
        a frontend routing by path follows renamed and moved pages."""
        found = super().find_object(queryset, request)
        path = request.GET.get("html_path")
        if found is None and path:
            found = self._find_translated(queryset, request, path)
        if found is None and path and apps.is_installed("wagtail.contrib.redirects"):
            from wagtail.contrib.redirects.middleware import get_redirect
            from wagtail.contrib.redirects.models import Redirect

            try:
                redirect = get_redirect(request, Redirect.normalise_path(path))
            except ValueError:  # not a path a URL can have ("//[x")
                return None
            if redirect is not None and redirect.redirect_page_id:
                return queryset.filter(pk=redirect.redirect_page_id).first()
        return found

    def _find_translated(self, queryset, request, path):
        """The page at ``path`` under a language's prefix, as the site serves
        its translations (``/fr-ca/…``: i18n_patterns), routed from the
        site's root page in that language."""
        language, _, rest = path.strip("/").partition("/")
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) or not language:
            return None
        site = request_site(request)
        locale = Locale.objects.filter(language_code__iexact=language).first()
        root = site and locale and site.root_page.get_translation_or_none(locale)
        if root is None:
            return None
        try:
            page, _, _ = root.specific.route(request, [c for c in rest.split("/") if c])
        except Http404:
            return None
        return queryset.filter(pk=page.pk).first()

    def get_queryset(self):
        queryset = super().get_queryset()
        if not issubclass(queryset.model, HealthArticlePage):
            return queryset
        fields = self.request.GET.get("fields", "")
        if self.action != "listing_view" or "*" in fields:
            wanted = self.field_prefetches
        else:
            named = set(re.findall(r"[a-z_]+", fields))
            wanted = {k: v for k, v in self.field_prefetches.items() if k in named}
        lookups = [lookup for lookups in wanted.values() for lookup in lookups]
        return queryset.select_related("locale", "hero_image").prefetch_related(
            *lookups
        )


class PagePreviewAPIViewSet(HealthArticlePagesAPIViewSet):
    """The draft an editor previews, in the shape of the article detail.

    ``GET /api/v2/page_preview/?content_type=health_articles.healtharticlepage
    &token=…`` with the parameters wagtail-headless-preview gives the
    frontend. A token that is missing, forged, altered or older than
    ``HEALTH_ARTICLES_PREVIEW_MAX_AGE`` seconds gets 404, and so does one
    of a page since deleted or unpublished (its previews are discarded) or
    now behind a view restriction (its own or an ancestor's; for a new page,
    its parent's). Never cached.
    """

    cache_responses = False
    known_query_parameters = frozenset(
        [
            "content_type",
            "token",
            "citation_style",
            "rich_text_format",
            "fields",
            "format",
        ]
    )

    def listing_view(self, request):
        self.action = "detail_view"  # serialize with the detail fields
        refuse_unknown_parameters(request, self.known_query_parameters)
        return Response(self.get_serializer(self.get_object()).data)

    def get_object(self):
        if not hasattr(self, "_preview"):
            self._preview = self._page_from_token()
        return self._preview

    def _page_from_token(self):
        invalid = Http404("This preview has expired or is not valid.")
        try:
            model = apps.get_model(self.request.GET.get("content_type", ""))
        except (LookupError, ValueError):
            raise invalid from None
        if not issubclass(model, HeadlessPreviewMixin) or not issubclass(
            model, HealthArticlePageMixin
        ):
            raise invalid
        token = self.request.GET.get("token", "")
        try:
            identifier = model.get_preview_signer().unsign(
                token, max_age=preview.max_age()
            )
        except BadSignature:
            raise invalid from None
        anchor = Page.objects.filter(pk=preview.anchor_pk(identifier)).first()
        if anchor is None or anchor.get_view_restrictions().exists():
            raise invalid
        stored = PagePreview.objects.filter(
            token=token, content_type=ContentType.objects.get_for_model(model)
        ).first()
        if stored is None:
            raise invalid
        page = stored.as_page()
        if page.pk is None:  # a new page, not saved yet
            page.pk = 0
        return page

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]


class PublicMediaMixin:
    """Images or documents outside restricted collections, for every reader:
    answers are stored and shared, so none depends on the visitor's session
    (stock Wagtail shows a visitor who passed a collection's password what
    it holds). As restricted pages, restricted media are not in the API."""

    def get_queryset(self):
        depends_on(self.listing_dependency)
        # Wagtail's base queryset, not the endpoint's, which reads the session.
        return BaseAPIViewSet.get_queryset(self).exclude(
            collection__in=restricted_collections()
        )


class CheckedImagesAPIViewSet(
    CachedAPIMixin,
    QueryErrorsMixin,
    CompactJSONMixin,
    PublicMediaMixin,
    ImagesAPIViewSet,
):
    """Wagtail's images endpoint: public images only, 400s for bad values."""

    listing_dependency = IMAGES


class CheckedDocumentsAPIViewSet(
    CachedAPIMixin,
    QueryErrorsMixin,
    CompactJSONMixin,
    PublicMediaMixin,
    DocumentsAPIViewSet,
):
    """Wagtail's documents endpoint: public documents only, 400s for bad values."""

    listing_dependency = DOCUMENTS


class CountedList(list):
    """A list that paginates as a queryset does: ``count()`` is its length."""

    def count(self):
        return len(self)


class TagsAPIViewSet(
    CachedAPIMixin, QueryErrorsMixin, CompactJSONMixin, BaseAPIViewSet
):
    """Tags of the live, public health articles of the site, with counts.

    ``GET /api/v2/tags/`` lists them (``?order=`` one of ``-count`` (default),
    ``count``, ``name``, ``-name``; ``limit``/``offset`` as everywhere);
    ``GET /api/v2/tags/<slug>/`` is one tag.
    """

    name = "tags"
    model = Tag
    known_query_parameters = frozenset(
        ["limit", "offset", "order", "locale", "format", "_"]
    )
    orderings = {
        "-count": ("-count", "name"),
        "count": ("count", "name"),
        "name": ("name",),
        "-name": ("-name",),
    }

    def articles(self):
        """The public articles of the request's site, in its ``locale`` if
        asked: tags and counts of one language."""
        articles = public_pages(Site.find_for_request(self.request), HealthArticlePage)
        code = self.request.GET.get("locale")
        if code is None:
            return articles
        try:
            locale = Locale.objects.get_for_language(code)
        except (Locale.DoesNotExist, LookupError):
            raise BadRequestError(f"unknown locale: {code}") from None
        return articles.filter(locale=locale)

    def get_queryset(self):
        return tags_with_counts(self.articles())

    def get_serializer_class(self):
        return TagSerializer

    def get_serializer_context(self):
        return {"request": self.request, "router": self.request.wagtailapi_router}

    def listing_view(self, request):
        self.check_query_parameters(Tag.objects.none())
        order = request.GET.get("order", "-count")
        if order not in self.orderings:
            raise BadRequestError(
                "order must be one of: " + ", ".join(sorted(self.orderings))
            )
        # The counts are one aggregate over every tagging of public articles;
        # the tags themselves are few. Read them once, so that paginating
        # (which asks for the total) does not run the aggregate again.
        tags = CountedList(self.get_queryset().order_by(*self.orderings[order], "pk"))
        # Counts change as pages go live or not, or are tagged or not;
        # names as tags are renamed (which changes taggings).
        depends_on(LIVE_PAGES, TAGGINGS)
        page = self.paginate_queryset(tags)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def detail_view(self, request, slug):
        self.check_query_parameters(Tag.objects.none())
        tag = tag_with_count(self.articles(), slug)
        if tag is None:
            raise Http404("No tag has that slug.")
        depends_on(tag_dependency(tag.pk))
        return Response(self.get_serializer(tag).data)

    def check_query_parameters(self, queryset):
        refuse_unknown_parameters(self.request, self.known_query_parameters)

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<str:slug>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]


# The endpoints of the app, by the names the README and docs/api.md give.
ENDPOINTS = {
    "pages": HealthArticlePagesAPIViewSet,
    "images": CheckedImagesAPIViewSet,
    "documents": CheckedDocumentsAPIViewSet,
    "tags": TagsAPIViewSet,
    "page_preview": PagePreviewAPIViewSet,
}
if apps.is_installed("wagtail.contrib.redirects"):
    from wagtail.contrib.redirects.api.v2 import RedirectsAPIViewSet

    class CheckedRedirectsAPIViewSet(
        CachedAPIMixin, QueryErrorsMixin, CompactJSONMixin, RedirectsAPIViewSet
    ):
        """Wagtail's redirects endpoint (``/api/v2/redirects/``, and
        ``find/?html_path=``), its answers stored until a redirect changes."""

        # Wagtail's find_object reads html_path but its find/ lets only id
        # through.
        find_query_parameters = RedirectsAPIViewSet.find_query_parameters.union(
            ["html_path"]
        )

        def get_queryset(self):
            """The request's site's redirects to a link or to a page readers
            may see: none leads to (and so names) a draft or private page."""
            depends_on(caching.REDIRECTS, LIVE_PAGES)
            site = Site.find_for_request(self.request)
            return (
                super()
                .get_queryset()
                .filter(Q(site=None) | Q(site=site))
                .filter(
                    Q(redirect_page=None)
                    | Q(redirect_page__in=public_site_pages(self.request))
                )
                .select_related("redirect_page")
            )

        def find_object(self, queryset, request):
            """A path as a frontend has it (``location.pathname``, with or
            without its trailing slash) finds its redirect, among those
            ``get_queryset`` serves."""
            from wagtail.contrib.redirects.models import Redirect

            path = request.GET.get("html_path")
            if path is None:
                return super().find_object(queryset, request)
            try:
                path = Redirect.normalise_path(path)
            except ValueError:  # not a path a URL can have
                raise Http404 from None
            found = queryset.filter(old_path=path).first()
            if found is None:
                raise Http404
            return found

    ENDPOINTS["redirects"] = CheckedRedirectsAPIViewSet


def register_endpoints(router):
    """Register the app's endpoints on a ``WagtailAPIRouter``."""
    for name, viewset in ENDPOINTS.items():
        router.register_endpoint(name, viewset)
