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


def default_body(keys):
    """An opening and a condition with a treatment, citing ahuja2020 (the
    condition) and abbott2013 (the treatment) where ``keys`` has them."""
    return [
        {"type": "rich_text", "value": "<p>An opening paragraph.</p>"},
        condition_section(
            "Osteoarthritis of the hip",
            alternate_names=["HOA"],
            epidemiology="2-9% of people under 75.",
            references=[key for key in ["ahuja2020"] if key in keys],
            treatments=[
                treatment(
                    "Massage therapy",
                    references=[key for key in ["abbott2013"] if key in keys],
                )
            ],
        ),
    ]


def _key(entry):
    if isinstance(entry, Reference):
        return entry.key
    return entry if isinstance(entry, str) else entry.get("key")


def _reference(entry, sort_order):
    """A Reference (unsaved) of a key, of ReferenceFactory's fields or as is."""
    if isinstance(entry, Reference):
        return entry
    fields = {"key": entry} if isinstance(entry, str) else dict(entry)
    fields.setdefault("sort_order", sort_order)
    return ReferenceFactory.build(**fields)


class HealthArticlePageFactory(PageFactory):
    """An article saved with its references, as the admin saves one: its
    citations are checked (``full_clean``) against them. ``references`` are
    keys, dicts of ReferenceFactory's fields or Reference objects; the
    default body cites those of ahuja2020 and abbott2013 among them."""

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary of the article."
    references = ()
    body = factory.LazyAttribute(
        lambda page: default_body({_key(entry) for entry in page.references})
    )

    class Meta:
        model = HealthArticlePage

    @classmethod
    def _references(cls, kwargs):
        entries = kwargs.get("references", ())
        kwargs["references"] = [
            _reference(entry, number) for number, entry in enumerate(entries)
        ]
        return kwargs

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return super()._build(model_class, *args, **cls._references(kwargs))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return super()._create(model_class, *args, **cls._references(kwargs))


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
