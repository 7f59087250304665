import factory
from wagtail.test.utils.wagtail_factories import PageFactory

from health_articles.models import HealthArticleIndexPage, HealthArticlePage, Reference


class HealthArticleIndexPageFactory(PageFactory):
    title = "Health articles"
    slug = "articles"

    class Meta:
        model = HealthArticleIndexPage


def condition_section(name, treatments=(), references=(), **extra):
    return {
        "type": "condition_section",
        "value": {
            "name": name,
            "alternate_names": extra.get("alternate_names", []),
            "codes": extra.get("codes", []),
            "description": extra.get("description", f"<p>About {name}.</p>"),
            "epidemiology": extra.get("epidemiology", ""),
            "symptoms": extra.get("symptoms", ""),
            "references": list(references),
            "treatments": list(treatments),
        },
    }


def treatment(name, references=(), evidence="<p>Trials found a benefit.</p>"):
    return {
        "name": name,
        "description": f"<p>What {name} involves.</p>",
        "evidence": evidence,
        "references": list(references),
    }


class HealthArticlePageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary of the article."
    body = factory.LazyFunction(
        lambda: [
            {"type": "rich_text", "value": "<p>An opening paragraph.</p>"},
            condition_section(
                "Osteoarthritis of the hip",
                alternate_names=["HOA"],
                epidemiology="2-9% of people under 75.",
                references=["ahuja2020"],
                treatments=[treatment("Massage therapy", references=["abbott2013"])],
            ),
        ]
    )

    class Meta:
        model = HealthArticlePage


class ReferenceFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"ref{n}")
    title = factory.Sequence(lambda n: f"A study of hip pain {n}")
    authors = "Abbott, J H\nRobertson, M C"
    container_title = "Osteoarthritis Cartilage"
    issued = "2013-04"
    volume = "21"
    issue = "4"
    page_range = "525-534"

    class Meta:
        model = Reference
