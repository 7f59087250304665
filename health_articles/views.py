from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from .tags import filter_by_tags, public_pages, tag_with_count, tags_with_counts

ARTICLES_PER_PAGE = 20
FEED_LENGTH = 30


def _site_articles(request):
    return public_pages(Site.find_for_request(request))


def _tag_or_404(request, slug):
    tag = tag_with_count(_site_articles(request), slug)
    if tag is None:
        raise Http404(_("No published article has this tag."))
    return tag


def tag_index(request):
    """Every tag of the site's published articles, with its count."""
    tags = tags_with_counts(_site_articles(request)).order_by("name")
    return render(request, "health_articles/tag_index.html", {"tags": tags})


def tag_detail(request, slug):
    """The articles with one tag, newest first, paginated."""
    tag = _tag_or_404(request, slug)
    articles = filter_by_tags(_site_articles(request), all_of=[tag.slug]).order_by(
        "-first_published_at", "-pk"
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "health_articles/tag_detail.html", {"tag": tag, "articles": page}
    )


class ArticlesFeed(Feed):
    """RSS 2.0 feed of the site's newest articles."""

    description = _("Newly published health articles.")

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def title(self):
        site = Site.find_for_request(self.request)
        return site.site_name if site and site.site_name else _("Health articles")

    def link(self):
        return "/"

    def articles(self):
        return _site_articles(self.request)

    def items(self):
        return (
            self.articles()
            .order_by("-first_published_at", "-pk")
            .prefetch_related("tags")[:FEED_LENGTH]
        )

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return article.get_url(request=self.request)

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        return article.last_published_at

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class TagFeed(ArticlesFeed):
    """RSS 2.0 feed of the newest articles with one tag."""

    def get_object(self, request, slug):
        self.request = request
        return _tag_or_404(request, slug)

    def title(self, tag):
        return _("Articles tagged “%(tag)s”") % {"tag": tag.name}

    def link(self, tag):
        return reverse("health_articles:tag", args=(tag.slug,))

    def description(self, tag):
        return _("Newly published health articles tagged “%(tag)s”.") % {
            "tag": tag.name
        }

    def items(self, tag):
        return (
            filter_by_tags(self.articles(), all_of=[tag.slug])
            .order_by("-first_published_at", "-pk")
            .prefetch_related("tags")[:FEED_LENGTH]
        )
