from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.coreutils import get_content_languages
from wagtail.rich_text import RichText
from wagtail.templatetags.wagtailcore_tags import richtext

from .. import images, seo
from ..blocks import CERTAINTY, STUDY_TYPES
from ..citations.links import cited_keys, number_citations, reference_anchor
from ..models import HealthArticleSettings
from ..references.formatting import csl_locale, formatted_references
from ..references.identifiers import link_in_citation
from ..structured_data import article_graph, json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def cite(context, keys, *texts):
    """Link each cited reference key to its entry in the numbered list: [1, 3];
    keys the ``texts`` (rich text of the same block) already cite are left
    out, so that a reader sees each citation once."""
    numbers = context.get("reference_numbers", {})
    in_text = {
        key for text in texts for key in cited_keys(getattr(text, "source", text))
    }
    cited = sorted(
        {(numbers[key], key) for key in keys if key in numbers and key not in in_text}
    )
    if not cited:
        return ""
    label = _("Reference %(number)s")
    links = format_html_join(
        ", ",
        '<a href="#{1}" aria-label="{2}">{0}</a>',
        (
            (number, reference_anchor(key), label % {"number": number})
            for number, key in cited
        ),
    )
    return format_html('<sup class="citation">[{}]</sup>', links)


@register.simple_tag(takes_context=True)
def cited_richtext(context, value):
    """Rich text of the body, its citations showing reference numbers: [n]."""
    numbers = context.get("reference_numbers", {})
    return richtext(RichText(number_citations(value.source, numbers)))


@register.simple_tag
def tag_url(tag):
    """URL of the tag's page, or "" where the site has not mounted the tag pages."""
    try:
        return reverse("health_articles:tag", args=(tag.slug,))
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def schema_org(context, article):
    """The article's JSON-LD graph as a script element for the page head."""
    return json_ld_script(article_graph(article, context.get("request")))


@register.simple_tag(takes_context=True)
def disclaimer(context, article):
    """The article's own disclaimer, or else the site's."""
    return article.disclaimer_for(context["request"])


@register.simple_tag
def certainty_label(value):
    return CERTAINTY[value][0] if value in CERTAINTY else value


@register.simple_tag
def certainty_meaning(value):
    """What a GRADE level tells a reader, in a line."""
    return CERTAINTY[value][1] if value in CERTAINTY else ""


@register.simple_tag
def study_type_labels(values):
    """A treatment's study types as readers read them, in their language."""
    labels = dict(STUDY_TYPES)
    return ", ".join(str(labels.get(value, value)) for value in values)


@register.simple_tag(takes_context=True)
def reference_entries(context, references):
    """(reference, anchor, HTML in the site's citation style, [(label, URL)]
    of its links) for each of ``references``: formatted (or read from the
    citation cache) in one go, the identifiers the style prints made links
    there and the others listed after it. The HTML's field values are
    escaped."""
    style = HealthArticleSettings.for_request(context["request"]).citation_style
    page = context.get("page")
    locale = csl_locale(page.locale.language_code) if page else None
    items = [reference.as_csl() for reference in references]
    entries = []
    for reference, item, html in zip(
        references, items, formatted_references(items, style, locale), strict=True
    ):
        linked, other_links = link_in_citation(html, item)
        entries.append(
            (reference, reference_anchor(reference.key), mark_safe(linked), other_links)  # noqa: S308
        )
    return entries


@register.inclusion_tag("health_articles/includes/picture.html")
def picture(image, use, rendition, sizes="100vw", css_class="", alt=None):
    """``<picture>`` of ``image``'s ``rendition`` (a name of ``use``'s in
    HEALTH_ARTICLES_IMAGE_RENDITIONS): AVIF and WebP sources, a srcset of
    its widths, width and height (no layout shift) and alt text. URLs
    are the site's own paths: the page may be served under other names."""
    data = images.picture(image, use, None, alt=alt)
    if data is None:  # of a restricted collection: not shown
        return {"picture": None}
    return {
        "picture": data,
        "rendition": data["renditions"][rendition],
        "sizes": sizes,
        "css_class": css_class,
    }


@register.inclusion_tag("health_articles/includes/seo_tags.html", takes_context=True)
def seo_tags(context, page):
    """The canonical link, the Open Graph and Twitter card tags and the
    ``hreflang`` links to its translations of an article, as the API's
    ``seo`` and ``translations`` give them (the latter read by the page's
    ``get_context``)."""
    return {
        "seo": seo.seo(page, context["request"]),
        "translations": context["translations"],
    }


@register.inclusion_tag(
    "health_articles/includes/language_switcher.html", takes_context=True
)
def language_switcher(context):
    """Links to the page in each language it is live and public in: the
    context's ``translations`` (``seo.translations``, read once by the page's
    ``get_context``, whatever the number of languages), in the order of
    WAGTAIL_CONTENT_LANGUAGES (those it names), each named in its own
    language there and the page's own marked current; none where it has one
    language."""
    languages = get_content_languages()
    order = list(languages)
    page = context["page"]
    translations = sorted(
        (t for t in context["translations"] if t["locale"] in languages),
        key=lambda translation: order.index(translation["locale"]),
    )
    return {
        "links": [
            {
                "url": translation["url"],
                "code": translation["locale"],
                "name": languages[translation["locale"]],
                "current": translation["id"] == page.pk,
            }
            for translation in translations
        ]
    }
