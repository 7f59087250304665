"""Helpers the tests share: publishing a page, POST data for the admin's
article form, the test data, and a frontend cache that records purges."""

import json
from pathlib import Path

from django.urls import reverse
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

DATA = Path(__file__).parent / "data"


def citation_set(name):
    """The hand-checked citations of ``data/citations/<name>.json``."""
    return json.loads((DATA / "citations" / f"{name}.json").read_text("utf-8"))["items"]


# Where the seed's first reference (Abbott 2013) was published, as CSL-JSON.
ABBOTT_SOURCE = {
    "issued": {"date-parts": [[2013, 4]]},
    "volume": "21",
    "issue": "4",
    "page": "525-534",
    "DOI": "10.1016/j.joca.2012.12.014",
    "PMID": "23313532",
}


def assert_fields(item, expected):
    """``item`` has each of ``expected``'s keys with its value (one diff for all)."""
    assert {key: item.get(key) for key in expected} == expected


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def renamed(page, old, new):
    """``page`` with the reference ``old`` renamed ``new`` in memory, as a
    translation tool translating keys leaves it."""
    references = list(page.references.all())
    for reference in references:
        if reference.key == old:
            reference.key = new
    page.references = references
    return page


def refused_revision(article, user=None, **fields):
    """A revision of ``article`` (with ``fields`` changed) saved without
    validation, citing abbott2013, a key it no longer has: one the article
    refuses to publish."""
    draft = renamed(article.get_latest_revision_as_object(), "abbott2013", "x")
    for name, value in fields.items():
        setattr(draft, name, value)
    return draft.save_revision(user=user, clean=False)


def add_url(index):
    """The admin's URL for adding an article under ``index``."""
    return reverse(
        "wagtailadmin_pages:add",
        args=("health_articles", "healtharticlepage", index.pk),
    )


# The URLs RecordingBackend was asked to purge.
PURGED = []


class RecordingBackend(BaseBackend):
    """A frontend cache backend that keeps the URLs it is asked to purge."""

    def purge(self, url):
        PURGED.append(url)


def listblock(items):
    """ListBlock form data, the counterpart of Wagtail's ``streamfield``."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index), "id": ""}
        for index, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def treatment_data(
    name,
    references=(),
    evidence="<p>Trials found less pain.</p>",
    certainty="not_graded",
    study_types=(),
):
    return {
        "name": name,
        "description": rich_text("<p>What the treatment involves.</p>"),
        "evidence": rich_text(evidence),
        "certainty": certainty,
        "study_types": tuple(study_types),  # a tuple posts as repeated values
        "references": listblock(list(references)),
    }


def condition_data(name, alternate_names=(), references=(), treatments=(), codes=()):
    return {
        "name": name,
        "alternate_names": listblock(list(alternate_names)),
        "codes": listblock(
            [{"system": system, "code": code} for system, code in codes]
        ),
        "description": rich_text("<p>A condition of the hip.</p>"),
        "epidemiology": "2-9% of people under 75.",
        "symptoms": rich_text("<p>Pain in the groin.</p>"),
        "references": listblock(list(references)),
        "treatments": listblock(list(treatments)),
    }


def reference_data(key, **fields):
    data = {
        "key": key,
        "csl_type": "article-journal",
        "authors": "Abbott, J H\nRobertson, M C\nMOA Trial team",
        "title": f"A trial called {key}",
        "container_title": "Osteoarthritis Cartilage",
        "issued": "2013-04",
        "volume": "21",
        "issue": "4",
        "page_range": "525-534",
        "publisher": "",
        "publisher_place": "",
        "doi": "",
        "pmid": "",
        "pmcid": "",
        "isbn": "",
        "url": "",
        "raw_text": f"Raw citation of {key}.",
        "review_note": "",
    }
    data.update(fields)
    return data


def article_form_data(
    title="Massage Therapy for Hip Pain",
    slug="hip-pain",
    body=None,
    references=None,
    tags="hip pain, joint pain",
    action=None,
    initial_references=0,
    authors=(),
    reviewers=(),
    last_reviewed="",
    next_review_due="",
    disclaimer="",
):
    if body is None:
        body = [
            ("rich_text", rich_text("<p>Hip pain is common.</p>")),
            (
                "condition_section",
                condition_data(
                    "Osteoarthritis of the hip",
                    alternate_names=["HOA"],
                    references=["ahuja2020"],
                    treatments=[
                        treatment_data("Massage therapy", references=["abbott2013"])
                    ],
                ),
            ),
            ("heading", {"text": "Living with hip pain", "level": "h2"}),
            ("treatment", treatment_data("Stretching", references=["abbott2013"])),
        ]
    if references is None:
        references = [
            reference_data(
                "abbott2013", doi="https://doi.org/10.1016/J.JOCA.2012.12.014."
            ),
            reference_data("ahuja2020", pmid="PMID: 33840922", pmcid="8022067"),
        ]
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "What massage can do for hip pain.",
            "hero_image": "",
            "tags": tags,
            "body": streamfield(body),
            "references": inline_formset(references, initial=initial_references),
            "article_authors": inline_formset([{"person": p.pk} for p in authors]),
            "article_reviewers": inline_formset([{"person": p.pk} for p in reviewers]),
            "last_reviewed": last_reviewed,
            "next_review_due": next_review_due,
            "disclaimer": rich_text(disclaimer),
        }
    )
    if action:
        data[action] = action
    return data
