"""What the API serves, as Python types.

The serializer fields annotate what their ``to_representation`` returns
with these types, as Wagtail's own fields do: Wagtail's API v3 types the
article fields of its OpenAPI document by those annotations, and
``api.openapi`` generates the v2 API's document from the same annotations.
A StreamField's shape is derived from its block definitions
(``block_shape``), so the documents follow the blocks as they change.
"""

import datetime
import operator
from functools import reduce
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict  # pydantic needs it before Python 3.12
from wagtail import blocks

from .. import codes, review
from ..blocks import ConditionCodeBlock, ConditionSectionBlock, FigureBlock
from ..references import csl
from ..references.identifiers import IDENTIFIERS, URL_LINK

RichText = Annotated[
    str,
    Field(description="Rich text, as HTML unless `rich_text_format` asks otherwise"),
]


def _choices(values):
    return Literal[tuple(values)]


class TagRef(TypedDict):
    name: str
    slug: str


class TableOfContentsEntry(TypedDict):
    title: str
    anchor: str


class CSLName(TypedDict, total=False):
    """A CSL-JSON name: a person's family and given names, or a literal
    (group) name."""

    family: str
    given: str
    literal: str


CSLDate = TypedDict("CSLDate", {"date-parts": list[list[int]]})
CSLDate.__doc__ = "A CSL-JSON date: one date, or two for an interval, as [Y, M, D]."

# The type of each CSL variable an item may hold that is not text.
CSL_VALUES = {
    "type": _choices(csl.TYPES),
    "author": list[CSLName],
    "issued": CSLDate,
}
CSLItem = TypedDict(
    "CSLItem",
    {
        field.variable: (
            value if field.variable in csl.REQUIRED else NotRequired[value]
        )
        for field in csl.FIELDS
        for value in [CSL_VALUES.get(field.variable, str)]
    },
)
CSLItem.__doc__ = (
    "A reference as a CSL-JSON item (the Citation Style Language's data "
    "schema); empty variables are left out."
)

ReferenceLinks = TypedDict(
    "ReferenceLinks",
    {
        **{
            identifier.link: NotRequired[str]
            for identifier in IDENTIFIERS.values()
            if identifier.url
        },
        URL_LINK: NotRequired[str],
    },
)
ReferenceLinks.__doc__ = "Links to the work, each present when it has that identifier."


class ReferenceEntry(TypedDict):
    """One entry of an article's numbered reference list."""

    number: int
    key: str
    anchor: str
    cited: bool
    csl: CSLItem
    formatted: str
    formatted_html: str
    links: ReferenceLinks
    raw_text: str


class PersonEntry(TypedDict):
    """An author or medical reviewer."""

    id: int
    name: str
    credentials: str
    job_title: str
    bio: str
    url: str
    same_as: list[str]


class Review(TypedDict):
    last_reviewed: datetime.date | None
    next_review_due: datetime.date | None
    status: _choices(review.STATUS_LABELS)
    overdue: bool


class RelatedArticleMeta(TypedDict):
    type: str
    # Absent where the article is served by another API than v2 (v3).
    detail_url: NotRequired[str]
    html_url: str | None


class RelatedArticle(TypedDict):
    id: int
    meta: RelatedArticleMeta
    title: str
    summary: str
    shared_tags: int
    shared_conditions: int


SchemaOrgGraph = TypedDict(
    "SchemaOrgGraph",
    {"@context": Literal["https://schema.org"], "@graph": list[dict[str, Any]]},
)
SchemaOrgGraph.__doc__ = "The article as a schema.org JSON-LD graph."


class ConditionCode(TypedDict):
    """A condition's code in a clinical vocabulary."""

    system: _choices(codes.SYSTEMS)
    code: str
    coding_system: str
    url: str | None


class RenditionSource(TypedDict):
    type: str
    srcset: str


class Rendition(TypedDict):
    """A named rendition: its middle width for ``<img src>``, a width-based
    srcset, and the same in modern formats."""

    url: str
    width: int
    height: int
    srcset: str
    sources: list[RenditionSource]


class FocalPoint(TypedDict):
    x: int
    y: int
    width: int
    height: int


class Picture(TypedDict):
    """An image with its named renditions (``health_articles.images``)."""

    id: int
    title: str
    alt: str
    width: int
    height: int
    focal_point: FocalPoint | None
    renditions: dict[str, Rendition]


class Translation(TypedDict):
    id: int
    locale: str
    title: str
    url: str | None


class OpenGraphImage(TypedDict):
    url: str
    width: int
    height: int
    alt: str


class Seo(TypedDict):
    """What a page head needs (``health_articles.seo``)."""

    title: str
    description: str
    canonical_url: str | None
    image: OpenGraphImage | None


class TagMeta(TypedDict):
    type: Literal["taggit.Tag"]
    detail_url: str
    html_url: str | None


class ReviewerRef(TypedDict):
    id: int
    name: str
    credentials: str


class MedicalReviewEntry(TypedDict):
    reviewed_at: datetime.datetime
    decision: Literal["approved", "rejected"]
    revision: int | None  # None once the revision is deleted
    reviewer: ReviewerRef | None


class Count(TypedDict):
    total_count: int


class MedicalReviews(TypedDict):
    """An article's medical reviews, newest first."""

    meta: Count
    items: list[MedicalReviewEntry]


def camel(name):
    """``snake_case`` as ``SnakeCase``: part of a shape's name."""
    return "".join(part.capitalize() for part in name.split("_"))


def _struct_shape(block, name, **extra):
    """A StructBlock's value: each child's shape, by its name (and ``extra``
    keys its own ``get_api_representation`` adds)."""
    children = {
        child_name: block_shape(child, name + camel(child_name))
        for child_name, child in block.child_blocks.items()
    }
    return TypedDict(name, {**children, **extra})


# Blocks of the app whose ``get_api_representation`` serves other than
# their children: their shape.
SERVED = {
    ConditionCodeBlock: lambda block, name: ConditionCode,
    ConditionSectionBlock: lambda block, name: _struct_shape(block, name, anchor=str),
    FigureBlock: lambda block, name: TypedDict(
        name,
        {
            "picture": Picture | None,
            "caption": block_shape(block.child_blocks["caption"], name + "Caption"),
        },
    ),
}


def _field_shape(block):
    """A FieldBlock's value; null too where it may be left out and has no
    default (a value saved before the block had the field)."""
    if isinstance(block, blocks.ChooserBlock):
        return int | None  # the chosen object's id
    if isinstance(block, blocks.ChoiceBlock | blocks.MultipleChoiceBlock):
        shape = _choices(value for value, _label in block.field.choices)
        if isinstance(block, blocks.MultipleChoiceBlock):
            shape = list[shape]
    else:
        shape = next(
            (shape for kind, shape in FIELD_SHAPES if isinstance(block, kind)), str
        )
    if not block.required and block.get_default() is None:
        return shape | None
    return shape


# Field blocks that serve other than text.
FIELD_SHAPES = [
    (blocks.BooleanBlock, bool),
    (blocks.IntegerBlock, int),
    (blocks.FloatBlock | blocks.DecimalBlock, float),
    (blocks.DateTimeBlock, datetime.datetime),
    (blocks.DateBlock, datetime.date),
]

# Shapes of blocks whose class declares their children, by class: one
# shape each, so that a document names it once.
_declared = {}


def block_shape(block, name):
    """The type of what ``block.get_api_representation`` serves.

    StructBlocks become typed dicts, ListBlocks lists, and StreamBlocks
    lists of ``{"type", "value", "id"}``, one typed dict for each block type,
    told apart by ``type``. A block whose class declares its children is
    named after its class, one built inline by ``name`` (where it sits).
    Blocks of unknown kinds are left untyped.
    """
    if not getattr(type(block), "base_blocks", None):
        return _build(block, name)
    key = type(block)
    if key not in _declared:
        _declared[key] = _build(block, key.__name__)
    return _declared[key]


def _build(block, name):
    for block_class, shape in SERVED.items():
        if isinstance(block, block_class):
            return shape(block, name)
    if isinstance(block, blocks.StreamBlock):
        items = [
            TypedDict(
                name + camel(child_name),
                {
                    "type": Literal[child_name],
                    "value": block_shape(child, name + camel(child_name)),
                    "id": str,
                },
            )
            for child_name, child in block.child_blocks.items()
        ]
        if len(items) == 1:
            return list[items[0]]
        union = reduce(operator.or_, items)
        return list[Annotated[union, Field(discriminator="type")]]
    if isinstance(block, blocks.ListBlock):
        return list[block_shape(block.child_block, name + "Item")]
    if isinstance(block, blocks.StructBlock):
        return _struct_shape(block, name)
    if isinstance(block, blocks.RichTextBlock):
        return RichText
    if isinstance(block, blocks.FieldBlock):
        return _field_shape(block)
    return Any
