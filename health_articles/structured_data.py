"""The schema.org JSON-LD graph of a health article.

The same graph is served by the API (``schema_org``) and embedded in the
article page, and everything in it is shown on the page too.
"""

import json

from django.utils.safestring import mark_safe
from wagtail.models import Site

from . import codes, images, seo
from .blocks import condition_anchor
from .citations.links import reference_anchor
from .references.identifiers import IDENTIFIERS

SCHEMA_ORG = "https://schema.org"


def _person(person, base):
    node = {"@type": "Person", "@id": f"{base}#person-{person.pk}", "name": person.name}
    if person.credentials:
        node["honorificSuffix"] = person.credentials
    if person.job_title:
        node["jobTitle"] = person.job_title
    if person.profile_url:
        node["url"] = person.profile_url
    if person.same_as_urls:
        node["sameAs"] = person.same_as_urls
    return node


def _scholarly_article(reference, base):
    csl = reference.as_csl()
    node = {
        "@type": "MedicalScholarlyArticle",
        "@id": f"{base}#{reference_anchor(reference.key)}",
        "headline": reference.title,
    }
    if "issued" in csl:
        node["datePublished"] = str(csl["issued"]["date-parts"][0][0])
    if reference.container_title:
        node["isPartOf"] = {"@type": "Periodical", "name": reference.container_title}
    identifiers, same_as = [], []
    for property_id, identifier in IDENTIFIERS.items():
        if identifier.url and (value := csl.get(property_id)):
            identifiers.append(
                {"@type": "PropertyValue", "propertyID": property_id, "value": value}
            )
            same_as.append(identifier.url(value))
    if identifiers:
        node["identifier"] = identifiers
        node["sameAs"] = same_as
    if reference.url:
        node["url"] = reference.url
    return node


def _condition(section, base):
    node = {
        "@type": "MedicalCondition",
        "@id": f"{base}#{condition_anchor(section['name'])}",
        "name": section["name"],
    }
    if section["alternate_names"]:
        node["alternateName"] = list(section["alternate_names"])
    if section.get("codes"):
        node["code"] = [
            {
                "@type": "MedicalCode",
                "code": code["code"],
                "codingSystem": codes.SYSTEMS[code["system"]].label,
            }
            for code in section["codes"]
        ]
    if section["treatments"]:
        node["possibleTreatment"] = [
            {"@type": "MedicalTherapy", "name": treatment["name"]}
            for treatment in section["treatments"]
        ]
    return node


def _publisher(article, request):
    """The organisation the article's site names as its publisher, or None."""
    # The request's site (read once a request) is the article's: the API
    # and the pages serve the articles of the site asked.
    site = Site.find_for_request(request) if request else article.get_site()
    settings = article.site_settings(site)
    if settings is None or not settings.publisher_name:
        return None
    node = {
        "@type": "Organization",
        "@id": f"{(settings.publisher_url or site.root_url).rstrip('/')}/#publisher",
        "name": settings.publisher_name,
    }
    if settings.publisher_url:
        node["url"] = settings.publisher_url
    logo = settings.publisher_logo and images.picture(
        settings.publisher_logo, "logo", request
    )
    if logo:
        rendition = logo["renditions"]["logo"]
        node["logo"] = {
            "@type": "ImageObject",
            **{key: rendition[key] for key in ("url", "width", "height")},
        }
    return node


def article_graph(article, request=None):
    """schema.org ``@graph``: the web page, the article, people, conditions, works."""
    about = seo.seo(article, request)
    url = about["canonical_url"] or article.url or ""
    references = article.numbered_references
    conditions = article.outline.sections
    page_node = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": article.title,
        "description": article.summary,
        "inLanguage": article.locale.language_code,
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": [{"@id": f"{url}#{condition_anchor(c['name'])}"} for c in conditions],
        "mainEntity": {"@id": f"{url}#article"},
    }
    if article.last_reviewed:
        page_node["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewers:
        page_node["reviewedBy"] = [
            {"@id": f"{url}#person-{p.pk}"} for p in article.reviewers
        ]
    article_node = {
        "@type": "Article",
        "@id": f"{url}#article",
        "headline": article.title,
        "description": article.summary,
        "inLanguage": article.locale.language_code,
        "isPartOf": {"@id": f"{url}#webpage"},
        "keywords": [tag.name for tag in sorted(article.tags.all(), key=str)],
        "wordCount": article.word_count,
        "citation": [
            {"@id": f"{url}#{reference_anchor(reference.key)}"}
            for reference in references
        ],
    }
    if article.authors:
        article_node["author"] = [
            {"@id": f"{url}#person-{p.pk}"} for p in article.authors
        ]
    if about["image"]:
        article_node["image"] = {
            "@type": "ImageObject",
            **{key: about["image"][key] for key in ("url", "width", "height")},
        }
    if article.first_published_at:
        article_node["datePublished"] = article.first_published_at.date().isoformat()
    if article.last_published_at:
        article_node["dateModified"] = article.last_published_at.date().isoformat()
    publisher = _publisher(article, request)
    if publisher:
        article_node["publisher"] = {"@id": publisher["@id"]}
        page_node["publisher"] = {"@id": publisher["@id"]}
    graph = [
        page_node,
        article_node,
        *([publisher] if publisher else []),
        *(_person(person, url) for person in article.people),
        *(_condition(section, url) for section in conditions),
        *(_scholarly_article(reference, url) for reference in references),
    ]
    return {"@context": SCHEMA_ORG, "@graph": graph}


def json_ld_script(data):
    """A ``<script type="application/ld+json">`` element text cannot break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escape)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
