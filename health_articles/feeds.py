"""RSS feeds of the site's newest articles, all of them and by tag."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Site

from .querysets import filter_by_tags
from .views import site_articles, tag_or_404

FEED_LENGTH = 30


class ArticlesFeed(Feed):
    """RSS 2.0 feed of the site's newest articles, its words in the
    language of the request (``/fr-ca/feed/``: French)."""

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def title(self):
        site = Site.find_for_request(self.request)
        return site.site_name if site and site.site_name else _("Health articles")

    def link(self):
        """The site's home in the feed's language."""
        return reverse("wagtail_serve", args=("",))

    def description(self):
        return _("Newly published health articles.")

    def articles(self):
        return site_articles(self.request)

    def items(self):
        return (
            self.articles()
            .order_by("-first_published_at", "-pk")
            .prefetch_related("tags")[:FEED_LENGTH]
        )

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # Readers take an RSS description as HTML: the plain-text summary is
        # escaped, so that it shows as written ("<" as "<"), never as markup.
        return escape(article.summary)

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
        return tag_or_404(request, slug)

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
