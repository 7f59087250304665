"""Reader pages beside Wagtail's own: the tag index, each tag's articles,
and robots.txt."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Site

from . import seo
from .models import HealthArticlePage
from .querysets import filter_by_tags, public_pages, tag_with_count, tags_with_counts

ARTICLES_PER_PAGE = 20


def site_articles(request):
    """The articles readers of the request's site may see, in the language
    of the request (``/fr-ca/tags/`` lists the French ones) where the site
    has several."""
    articles = public_pages(Site.find_for_request(request), HealthArticlePage)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        language = get_supported_content_language_variant(get_language())
        articles = articles.filter(locale__language_code=language)
    return articles


def tag_or_404(request, slug):
    tag = tag_with_count(site_articles(request), slug)
    if tag is None:
        raise Http404(_("No published article has this tag."))
    return tag


def tag_index(request):
    """Every tag of the site's published articles, with its count."""
    tags = tags_with_counts(site_articles(request)).order_by("name")
    return render(request, "health_articles/tag_index.html", {"tags": tags})


def tag_detail(request, slug):
    """The articles with one tag, newest first, paginated."""
    tag = tag_or_404(request, slug)
    articles = filter_by_tags(site_articles(request), all_of=[tag.slug]).order_by(
        "-first_published_at", "-pk"
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "health_articles/tag_detail.html", {"tag": tag, "articles": page}
    )


def robots_txt(request):
    return HttpResponse(
        seo.robots_txt(request), content_type="text/plain; charset=utf-8"
    )
