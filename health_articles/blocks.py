"""The blocks of an article body: condition sections, treatments, headings
and text that cites the reference list."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import prefetch_related_objects
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.api.rich_text import APIRichText
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.rich_text import RichText

from . import codes, images, translation
from .citations.links import cited_keys, number_citations, without_citations

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# Text of the article body may also cite its references.
BODY_TEXT_FEATURES = [*RICH_TEXT_FEATURES, "citation"]

# GRADE certainty of a body of evidence (the GRADE Working Group's four
# levels): its label, and what it tells a reader, in a line.
CERTAINTY = {
    "high": (
        _("High"),
        _("The true effect is very likely close to what the studies found."),
    ),
    "moderate": (
        _("Moderate"),
        _("The true effect is probably close to what the studies found."),
    ),
    "low": (
        _("Low"),
        _("The true effect may differ a lot from what the studies found."),
    ),
    "very_low": (
        _("Very low"),
        _("The true effect is likely to differ a lot from what the studies found."),
    ),
    "not_graded": (_("Not graded"), _("The certainty has not been rated.")),
}
EVIDENCE_CERTAINTY = [(key, label) for key, (label, meaning) in CERTAINTY.items()]

# MeSH publication types of the studies behind a treatment.
STUDY_TYPES = [
    ("Systematic Review", _("Systematic review")),
    ("Meta-Analysis", _("Meta-analysis")),
    ("Randomized Controlled Trial", _("Randomized controlled trial")),
    ("Controlled Clinical Trial", _("Controlled clinical trial")),
    ("Observational Study", _("Observational study")),
    ("Case Reports", _("Case report")),
    ("Review", pgettext_lazy("study type", "Review")),
    ("Practice Guideline", _("Practice guideline")),
]


def sanitise(source, features):
    """Stored rich text reduced to what the editor with ``features`` allows.

    The admin's own round trip (stored form -> Draftail's content state ->
    stored form): scripts, event handlers, unknown elements and links of
    other kinds are dropped, as they would be had an editor typed it.
    """
    # Wagtail's converter reads the page model when imported: not before the
    # app registry is ready, which it is not yet when models import blocks.
    from wagtail.admin.rich_text.converters.contentstate import (
        ContentstateConverter,
    )

    if not source:
        return source
    converter = ContentstateConverter(features=features)
    try:
        return converter.to_database_format(converter.from_database_format(source))
    except Exception as exc:  # the converter asserts on markup it cannot nest
        raise ValueError(f"not readable as rich text ({exc})") from exc


def condition_anchor(name):
    """The HTML id of a condition section, for links from a table of contents."""
    return "condition-" + slugify(name, allow_unicode=True)


# The id of the list of the article's reference keys that the editor keeps
# (citation.js): reference key fields offer them as choices.
REFERENCE_KEYS_LIST = "health-articles-reference-keys"


class ReferenceKeyBlock(blocks.CharBlock):
    """The key of one reference of the article's list (not text readers read),
    chosen from the keys of the References tab as the editor types."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reference key"))
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("validators", [validate_slug])
        super().__init__(**kwargs)
        self.field.widget.attrs.update(
            {"list": REFERENCE_KEYS_LIST, "autocomplete": "off"}
        )

    # Never offered for translation (wagtail-localize): a translation keeps
    # the source's key.
    def get_translatable_segments(self, value):
        return translation.no_segments(value)

    def restore_translated_segments(self, value, segments):
        return value


class ReferenceKeysBlock(blocks.ListBlock):
    """The keys of the article's references that a block cites."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("References cited"))
        kwargs.setdefault("default", [])
        kwargs.setdefault(
            "help_text",
            _("Keys of entries in this article's reference list, e.g. abbott2013."),
        )
        super().__init__(ReferenceKeyBlock(), **kwargs)

    def get_translatable_segments(self, value):
        return translation.no_segments(value)

    def restore_translated_segments(self, value, segments):
        return value


class CitingRichTextBlock(blocks.RichTextBlock):
    """Rich text of the article body: may cite the article's references.

    In the API (HTML format), each citation shows its reference's number when
    the serializer context carries the article's ``reference_numbers``.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("features", BODY_TEXT_FEATURES)
        super().__init__(**kwargs)

    def get_api_representation(self, value, context=None):
        context = context or {}
        numbers = context.get("reference_numbers")
        request = context.get("request")
        # The format as RichTextBlock decides it: numbers go into rendered
        # formats, never into the stored ones (db_html, db_markdown).
        rich_text_format = APIRichText.resolve_format(
            request.GET.get("rich_text_format") if request else None
        )
        if numbers is not None and not rich_text_format.startswith("db_"):
            value = RichText(number_citations(value.source, numbers))
        return super().get_api_representation(value, context)

    def clean(self, value):
        """Keep only what the editor could have entered (documents imported
        with import_articles come here too): the editor's own conversion."""
        try:
            return RichText(sanitise(super().clean(value).source, self.features))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def get_searchable_content(self, value):
        return super().get_searchable_content(RichText(without_citations(value.source)))

    # wagtail-localize: the prose, never the citations' keys.
    def get_translatable_segments(self, value):
        return translation.rich_text_segments(value.source)

    def restore_translated_segments(self, value, segments):
        return translation.restore_rich_text(segments)


class HeadingBlock(blocks.StructBlock):
    """A section heading with an explicit level, so headings stay in order."""

    text = blocks.CharBlock(
        label=_("Text"),
        max_length=200,
        help_text=_("Short and plain, e.g. Living with hip pain."),
    )
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[
            ("h2", _("Section (h2)")),
            ("h3", _("Subsection (h3)")),
            ("h4", _("Minor heading (h4)")),
        ],
        default="h2",
        help_text=_("Use h2 for a section of the article, h3 inside it."),
    )

    class Meta:
        icon = "title"
        template = "health_articles/blocks/heading.html"
        description = _("A heading that starts a new part of the article.")
        preview_value = {"text": "Living with hip pain", "level": "h2"}


class TreatmentBlock(blocks.StructBlock):
    """A therapy, what it involves and what the evidence says about it."""

    name = blocks.CharBlock(
        label=_("Treatment"),
        max_length=200,
        help_text=_("Name of the therapy, e.g. Massage therapy."),
    )
    description = CitingRichTextBlock(
        label=_("Description"),
        required=False,
        help_text=_("What the treatment involves."),
    )
    evidence = CitingRichTextBlock(
        label=_("Evidence summary"),
        required=False,
        help_text=_("What the cited studies found, and how strong the evidence is."),
    )
    certainty = blocks.ChoiceBlock(
        label=_("Certainty of evidence (GRADE)"),
        choices=EVIDENCE_CERTAINTY,
        default="not_graded",
        help_text=_("How sure the cited studies let us be; graded needs a reference."),
    )
    study_types = blocks.MultipleChoiceBlock(
        label=_("Study types"),
        choices=STUDY_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Designs of the studies behind the evidence (MeSH types)."),
    )
    references = ReferenceKeysBlock()

    def clean(self, value):
        value = super().clean(value)
        if value["certainty"] != "not_graded" and not self.cited(value):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "evidence": ValidationError(
                        _(
                            "Cite at least one reference for graded evidence: "
                            "with Cite in the text, or under References cited."
                        )
                    )
                }
            )
        return value

    @staticmethod
    def cited(value):
        """The keys the treatment cites: with Cite in its text, and in its
        references, in that order, once each."""
        in_text = [
            key
            for field in ("description", "evidence")
            for key in cited_keys(getattr(value[field], "source", value[field]))
        ]
        return list(dict.fromkeys([*in_text, *value["references"]]))

    class Meta:
        icon = "tasks"
        template = "health_articles/blocks/treatment.html"
        description = _("A treatment with its evidence and the references behind it.")
        preview_value = {
            "name": "Massage therapy",
            "description": "<p>Soft-tissue work by a registered therapist.</p>",
            "evidence": "<p>Trials found less pain and better function.</p>",
            "certainty": "not_graded",
            "study_types": [],
            "references": [],
        }


class ConditionCodeBlock(blocks.StructBlock):
    """A code of the condition in a clinical vocabulary (``codes.SYSTEMS``),
    checked and put in the system's normal form on save."""

    system = blocks.ChoiceBlock(
        label=_("Coding system"),
        choices=[(name, spec.label) for name, spec in codes.SYSTEMS.items()],
        help_text=_("The vocabulary the code is from."),
    )
    code = blocks.CharBlock(
        label=_("Code"),
        max_length=24,
        help_text=_(
            "e.g. ICD-10 M16.1, ICD-11 FA00, SNOMED CT 239872002, MeSH D015207."
        ),
    )

    def clean(self, value):
        value = super().clean(value)
        try:
            value["code"] = codes.normalise(value["system"], value["code"])
        except codes.CodeError as error:
            raise blocks.StructBlockValidationError(
                block_errors={"code": ValidationError(str(error))}
            ) from error
        return value

    # A code is the same in every language: never offered for translation.
    def get_translatable_segments(self, value):
        return translation.no_segments(value)

    def restore_translated_segments(self, value, segments):
        return value

    def get_api_representation(self, value, context=None):
        """The system, the code, the system's name and the code's page in
        the system's browser (where it has one)."""
        system, code = value["system"], value["code"]
        return {
            "system": system,
            "code": code,
            "coding_system": codes.SYSTEMS[system].label,
            "url": codes.link(system, code) or None,
        }

    class Meta:
        icon = "tag"
        label = _("Code")


class ConditionSectionBlock(blocks.StructBlock):
    """A section on one condition: what it is, who has it, and its treatments."""

    name = blocks.CharBlock(
        label=_("Condition"),
        max_length=200,
        help_text=_("e.g. Osteoarthritis of the hip."),
    )
    alternate_names = blocks.ListBlock(
        blocks.CharBlock(label=_("Name"), max_length=200),
        label=_("Other names"),
        default=[],
        help_text=_("Abbreviations and other names, e.g. HOA, hip impingement."),
    )
    codes = blocks.ListBlock(
        ConditionCodeBlock(),
        label=_("Codes"),
        default=[],
        collapsed=True,
        help_text=_(
            "The condition in clinical vocabularies (ICD-10, ICD-11, SNOMED CT, "
            "MeSH), for the API's condition_code filter and search engines."
        ),
    )
    description = CitingRichTextBlock(
        label=_("Description"),
        help_text=_("What the condition is."),
    )
    epidemiology = blocks.TextBlock(
        label=_("Prevalence"),
        required=False,
        # xgettext:no-python-format
        help_text=_("Who it affects and how often, e.g. 2-9% of people under 75."),
    )
    symptoms = CitingRichTextBlock(
        label=_("Symptoms"),
        required=False,
        help_text=_("How it shows itself, and the anatomy involved."),
    )
    references = ReferenceKeysBlock(
        help_text=_("Keys of the references behind the description and prevalence.")
    )
    treatments = blocks.ListBlock(
        TreatmentBlock(),
        label=_("Treatments"),
        default=[],
        collapsed=True,
        help_text=_("Therapies for this condition, each with its evidence."),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = condition_anchor(value["name"])
        code_block = self.child_blocks["codes"].child_block
        context["condition_codes"] = [
            code_block.get_api_representation(code) for code in value.get("codes", ())
        ]
        return context

    def get_api_representation(self, value, context=None):
        """The section's fields, and its ``anchor``: the id of the section on
        the article page, which the table of contents links to."""
        return {
            **super().get_api_representation(value, context),
            "anchor": condition_anchor(value["name"]),
        }

    class Meta:
        icon = "clipboard-list"
        template = "health_articles/blocks/condition_section.html"
        description = _("One condition, with the treatments that help it.")
        preview_value = {
            "name": "Osteoarthritis of the hip",
            "alternate_names": ["HOA"],
            "codes": [{"system": "ICD10", "code": "M16"}],
            "description": "<p>A disease of the whole hip joint.</p>",
            "epidemiology": "2-9% of people under 75.",
            "symptoms": "<p>Pain and stiffness in the groin and hip.</p>",
            "references": [],
            "treatments": [],
        }


class KnownImageChooserBlock(ImageChooserBlock):
    """Images by id, from those a listing loaded for all its articles
    (``images.known_images``) where it did, else with a query."""

    def bulk_to_python(self, values):
        values = list(values)
        known = images.KNOWN_IMAGES.get()
        if known is None or not all(v is None or v in known for v in values):
            return super().bulk_to_python(values)
        return [None if v is None else copy.copy(known[v]) for v in values]


class FigureImageBlock(ImageBlock):
    """Wagtail's ImageBlock (and so in migrations), reading the images a
    listing loaded for its figures."""

    def __init__(self, required=True, **kwargs):
        super().__init__(required=required, **kwargs)
        chooser = KnownImageChooserBlock(required=required)
        chooser.set_name("image")
        self.child_blocks["image"] = chooser


class FigureBlock(blocks.StructBlock):
    """An image of the body, with its alt text and an optional caption: in
    the API a picture (``health_articles.images``) of the ``body`` use."""

    image = FigureImageBlock(
        label=_("Image"),
        help_text=_(
            "Describe what the image shows for readers who cannot see it, or "
            "mark it decorative."
        ),
    )
    caption = blocks.CharBlock(
        label=_("Caption"),
        required=False,
        max_length=300,
        help_text=_("Shown under the image; say where it comes from if not yours."),
    )

    def bulk_to_python(self, values):
        """The figures of a body with their images' renditions in one
        query, not one an image."""
        figures = super().bulk_to_python(values)
        prefetch_related_objects(
            [figure["image"] for figure in figures if figure["image"]], "renditions"
        )
        return figures

    def get_api_representation(self, value, context=None):
        image = value["image"]
        request = (context or {}).get("request")
        return {
            "picture": image
            and images.picture(image, "body", request, alt=image.contextual_alt_text),
            "caption": value["caption"],
        }

    class Meta:
        icon = "image"
        label = _("Image")
        template = "health_articles/blocks/figure.html"
        description = _("An image, with alt text and a caption.")
        preview_value = {
            "image": None,
            "caption": "An image of the article, with its alt text and a caption.",
        }


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    rich_text = CitingRichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        help_text=_("Cite a reference with the Cite button of the toolbar."),
        template="health_articles/blocks/rich_text.html",
        description=_("Paragraphs of text."),
        preview_value="<p>Hip pain is common and can become chronic.</p>",
    )
    condition_section = ConditionSectionBlock()
    treatment = TreatmentBlock()
    figure = FigureBlock()
