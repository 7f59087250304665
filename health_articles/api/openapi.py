"""The OpenAPI 3.1 document of the API v2, generated from what it serves.

``document(router)`` walks the endpoints registered on a
``WagtailAPIRouter``: their URL patterns, and the viewset and action each
pattern runs. An item's schema is the serializer Wagtail builds for the
model with every field, each field typed by its kind: the model's own
fields by theirs, a StreamField by its blocks, the app's fields by what
their ``to_representation`` is annotated to return (``api.shapes``), a
related object by its endpoint's schema. Each operation lists the query
parameters its viewset knows (described in ``PARAMETERS``) and the field
filters of its models, and its answers, errors as ``{"message"}``.
``OpenAPIView`` serves the document; the site mounts it beside the router.
"""

import re
from functools import cache
from typing import get_args, get_type_hints

import swapper
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.http import JsonResponse
from django.urls import reverse
from django.views import View
from pydantic import TypeAdapter
from rest_framework import fields as drf
from taggit.managers import TaggableManager
from typing_extensions import is_typeddict
from wagtail.api.rich_text import RichTextOutputFormat
from wagtail.api.v2 import serializers as wagtail_fields
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.documents.api.v2.serializers import DocumentDownloadUrlField
from wagtail.images.api.v2.serializers import ImageDownloadUrlField
from wagtail.models import get_page_models

from ..querysets import MAX_CONDITION_CODES, MAX_TAG_LENGTH, MAX_TAGS_PER_FILTER
from ..references import formats
from ..references.formatting import DEFAULT_STYLE, STYLES
from . import shapes, validation
from .serializers import TagSerializer
from .views import PagePreviewAPIViewSet, TagsAPIViewSet

Page = swapper.load_model("wagtailcore", "Page")

COMPONENTS = "#/components/schemas/"
STRING = {"type": "string"}
URI = {"type": "string", "format": "uri"}
NULL = {"type": "null"}


def _ref(name):
    return {"$ref": COMPONENTS + name}


# The query parameters the viewsets know, by name: (schema, description).
PARAMETERS = {
    "limit": (
        {"type": "integer", "minimum": 0},
        "How many items to list (20 unless given; at most WAGTAILAPI_LIMIT_MAX).",
    ),
    "offset": (
        {"type": "integer", "minimum": 0, "maximum": validation.MAX_OFFSET},
        "How many items to skip.",
    ),
    "fields": (
        {"type": "string", "maxLength": validation.MAX_FIELDS_LENGTH},
        "Fields to include, comma-separated: `*` all, `_` none, `-x` drop `x`, "
        "`x(a,b)` the fields of a related object.",
    ),
    "order": (
        STRING,
        "A field to order by (`-` before it for descending), several "
        "comma-separated, or `random`.",
    ),
    "search": (
        {"type": "string", "maxLength": validation.MAX_SEARCH_LENGTH},
        f"Full-text search; at most {validation.MAX_SEARCH_WORDS} words.",
    ),
    "search_operator": (
        {"enum": ["and", "or"]},
        "How the words of `search` combine.",
    ),
    "rich_text_format": (
        {"enum": list(get_args(RichTextOutputFormat))},
        "How rich text is served: `html` (links expanded, citations numbered) "
        "by default, `markdown`, or the stored `db_html`, `db_markdown`.",
    ),
    "format": (
        {"enum": ["json", "api"]},
        "`api` for Django REST framework's browsable HTML view.",
    ),
    "_": (STRING, "Ignored (a cache buster some clients add)."),
    "type": (
        STRING,
        "Only pages of this type (`app_label.ModelName`; comma-separate "
        "several); article fields need it.",
    ),
    "child_of": (
        {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "root"}]},
        "Only children of this page (an id, or `root`: the site's root page).",
    ),
    "descendant_of": (
        {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "root"}]},
        "Only descendants of this page.",
    ),
    "ancestor_of": (
        {"type": "integer", "minimum": 1},
        "Only ancestors of this page.",
    ),
    "translation_of": (
        {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "root"}]},
        "Only translations of this page.",
    ),
    "locale": (STRING, "Only pages in this locale (a language code, e.g. `en`)."),
    "site": (STRING, "The site to list, by hostname (`host` or `host:port`)."),
    "tag": (
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH},
            "maxItems": MAX_TAGS_PER_FILTER,
        },
        "Articles with every one of these tags (slugs or names, case ignored; "
        f"comma-separated or repeated, at most {MAX_TAGS_PER_FILTER}).",
    ),
    "tag_any": (
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH},
            "maxItems": MAX_TAGS_PER_FILTER,
        },
        "Articles with at least one of these tags (as `tag`).",
    ),
    "condition_code": (
        {
            "type": "array",
            "items": {"type": "string", "examples": ["ICD10:M16", "MESH:D055958"]},
            "maxItems": MAX_CONDITION_CODES,
        },
        "Articles with a condition coded so (`SYSTEM:CODE`, systems `ICD10`, "
        "`ICD11`, `SNOMED`, `MESH`; comma-separated: any of them); an ICD code "
        "also finds the codes below it.",
    ),
    "citation_style": (
        {"enum": list(STYLES), "default": DEFAULT_STYLE},
        "The citation style of `references[].formatted`.",
    ),
    "id": ({"type": "integer", "minimum": 0}, "The id of the object to find."),
    "html_path": (STRING, "The path of the page to find, e.g. `/my-article/`."),
    "content_type": (
        STRING,
        "The previewed page's type, as the preview link gives it.",
    ),
    "token": (STRING, "The preview's signed token, as the preview link gives it."),
}
FIELD_FILTER_DESCRIPTION = "Only objects whose `{name}` is exactly this."
# Wagtail's own tag filter, a field filter of the tagged models.
TAGS_FILTER_DESCRIPTION = (
    "Wagtail's own filter: objects with every one of these tag names "
    "(comma-separated, exact); not with `search`."
)
# Each kind of model field's value in a field filter.
FILTER_SCHEMAS = [
    (models.BooleanField, {"type": "boolean"}),
    (models.IntegerField | models.AutoField, {"type": "integer"}),
    (models.ForeignKey, {"type": "integer"}),
    (models.DateTimeField, {"type": "string", "format": "date-time"}),
]

# DRF's fields of model fields, most specific first.
DRF_SCHEMAS = [
    (drf.BooleanField, {"type": "boolean"}),
    (drf.IntegerField, {"type": "integer"}),
    (drf.FloatField, {"type": "number"}),
    (drf.DateTimeField, {"type": "string", "format": "date-time"}),
    (drf.DateField, {"type": "string", "format": "date"}),
    (drf.UUIDField, {"type": "string", "format": "uuid"}),
    (drf.URLField, URI),
    (drf.CharField, STRING),
    (drf.DecimalField, STRING),
]
# Query parameters that shape an answer (details take them too).
SHAPING = {"fields", "format", "_", "rich_text_format", "citation_style", "site"}

ERROR = {
    "type": "object",
    "properties": {"message": STRING},
    "required": ["message"],
    "additionalProperties": False,
    "description": "Why the request was not answered as asked.",
}
ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "503": {"$ref": "#/components/responses/Busy"},
}


def _error_response(description, **extra):
    return {
        "description": description,
        "content": {
            "application/json": {"schema": _ref("Error")},
            "text/html": {"schema": STRING},  # with ?format=api
        },
        **extra,
    }


RESPONSES = {
    "BadRequest": _error_response(
        "A query parameter or value the API does not accept."
    ),
    "NotFound": _error_response(
        "No such object, or not public; or `format` names no format."
    ),
    "Busy": _error_response(
        "No database connection came free in time.",
        headers={
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        },
    ),
}


class Document:
    """The OpenAPI document of a router's endpoints, as it is built: its
    paths, and the schemas they share as components."""

    def __init__(self, router):
        self.router = router
        self.schemas = {"Error": ERROR}

    def build(self):
        paths = {}
        resolvers = self.router.get_urlpatterns()
        # Where the router is mounted (/api/v2/): before an endpoint's listing.
        first = resolvers[0].namespace
        listing = reverse(f"{self.router.url_namespace}:{first}:listing")
        prefix = listing.removesuffix(f"{first}/")
        for resolver in resolvers:
            endpoint = resolver.namespace
            for pattern in resolver.url_patterns:
                route, path_parameters = _route(pattern.pattern)
                operation = self.operation(
                    pattern.callback.cls, pattern.callback.actions["get"]
                )
                given = {parameter["name"] for parameter in operation["parameters"]}
                operation["parameters"] = [
                    *(p for p in path_parameters if p["name"] not in given),
                    *operation["parameters"],
                ]
                operation.update(
                    operationId=f"{endpoint}_{pattern.name}", tags=[endpoint]
                )
                paths[prefix + endpoint + "/" + route] = {"get": operation}
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Health articles API",
                "version": "2",
                "description": (
                    "Wagtail's API v2 with the health articles' fields and "
                    "endpoints, generated from the models and block definitions."
                ),
            },
            "paths": paths,
            "components": {
                "schemas": dict(sorted(self.schemas.items())),
                "responses": RESPONSES,
            },
        }

    # Operations

    def operation(self, viewset, action):
        """The parameters and answers of ``viewset``'s ``action``."""
        known = viewset.known_query_parameters
        shaping = sorted(known & SHAPING)
        if action == "listing_view" and issubclass(viewset, PagePreviewAPIViewSet):
            return self._operation(
                "The draft an editor previews, shaped as the page's detail.",
                viewset,
                sorted(known),
                self.item(viewset),
            )
        if action == "listing_view":
            listing = _object(
                {
                    "meta": self.add_type(shapes.Count),
                    "items": {"type": "array", "items": self.item(viewset)},
                },
                required=True,
            )
            operation = self._operation(
                f"List {viewset.name}.", viewset, sorted(known), listing
            )
            operation["parameters"] += self._field_filters(viewset)
            return operation
        if action == "detail_view":
            return self._operation(
                "One object with its detail fields.",
                viewset,
                shaping,
                self.item(viewset),
            )
        if action == "find_view":
            operation = self._operation(
                "Find an object: a redirect to its detail.",
                viewset,
                [*sorted(viewset.find_query_parameters), *shaping],
                None,
            )
            operation["responses"]["302"] = operation["responses"].pop("200")
            operation["responses"]["302"]["headers"] = {
                "Location": {"schema": URI, "required": True}
            }
            return operation
        if action == "references_view":
            operation = self._operation(
                "An article's reference list, in list order.", viewset, [], None
            )
            operation["parameters"].append(
                {
                    "name": "kind",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": list(formats.WRITERS)},
                    "description": "`json` (CSL-JSON), `bib` (BibTeX) or `ris` (RIS).",
                }
            )
            operation["responses"]["200"]["content"] = {
                content_type: {
                    "schema": self.add_type(list[shapes.CSLItem])
                    if kind == "json"
                    else STRING
                }
                for kind, (content_type, _ending, _write) in formats.WRITERS.items()
            }
            return operation
        if action == "reviews_view":
            return self._operation(
                "An article's medical reviews, newest first (the reviewers' "
                "comments stay in the admin).",
                viewset,
                [],
                self.add_type(shapes.MedicalReviews),
            )
        raise ImproperlyConfigured(f"No OpenAPI description of {viewset}.{action}")

    def _operation(self, summary, viewset, parameters, schema):
        content = {"application/json": {"schema": schema}} if schema else {}
        if "format" in parameters:  # ?format=api: the browsable API
            content["text/html"] = {"schema": STRING}
        return {
            "summary": summary,
            "parameters": [_parameter(name, viewset) for name in parameters],
            "responses": {
                "200": {
                    "description": summary,
                    **({"content": content} if content else {}),
                },
                **ERRORS,
            },
        }

    def _field_filters(self, viewset):
        """The model fields a listing filters by exact value (``?slug=…``)."""
        found = {}
        for model in _served(viewset):
            for name in viewset.get_available_fields(model, db_fields_only=True):
                if name not in found and name not in viewset.known_query_parameters:
                    found[name] = _field_filter(
                        name, model._meta.get_field(name), model, viewset.model
                    )
        return list(found.values())

    # Schemas

    def item(self, viewset):
        """The schema of an object ``viewset`` lists or shows."""
        if issubclass(viewset, TagsAPIViewSet):
            return self._component(
                "Tag",
                lambda: self._serializer_schema(TagSerializer, viewset.model, True),
            )
        schemas = [self.model_schema(viewset, model) for model in _served(viewset)]
        return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}

    def model_schema(self, endpoint, model):
        """A reference to the schema of ``model`` as ``endpoint`` serves it,
        every field optional (``fields=`` selects them)."""
        return self._component(
            model.__name__,
            lambda: self._serializer_schema(
                endpoint._get_serializer_class(
                    self.router, model, [("*", False, None)], show_details=True
                ),
                model,
                required=False,
            ),
        )

    def _component(self, name, build):
        if name not in self.schemas:
            self.schemas[name] = {}  # taken while it is built: relations may loop
            self.schemas[name] = build()
        return _ref(name)

    def _serializer_schema(self, serializer_class, model, required):
        body, meta = {}, {}
        meta_fields = getattr(serializer_class, "meta_fields", ())
        for name, field in serializer_class().fields.items():
            (meta if name in meta_fields else body)[name] = self.field_schema(
                field, model
            )
        if meta:
            body["meta"] = _object(meta, required)
        return {**_object(body, required), "title": model._meta.label}

    def add_type(self, annotation):
        """The JSON Schema of a Python type, its named parts as components."""
        schema = TypeAdapter(annotation).json_schema(
            mode="serialization", ref_template=COMPONENTS + "{model}"
        )
        parts = schema.pop("$defs", {})
        if is_typeddict(annotation):  # a named shape: a component too
            parts[annotation.__name__] = schema
            schema = _ref(annotation.__name__)
        for name, part in parts.items():
            if self.schemas.setdefault(name, _closed(part)) != part:
                raise ImproperlyConfigured(f"Two shapes of the API are named {name}")
        return _closed(schema)

    def field_schema(self, field, model):
        """The JSON Schema of what serializer ``field`` serves for ``model``."""
        schema = self._value_schema(field, model)
        model_field = _model_field(model, field.source)
        if getattr(field, "allow_null", False) or (
            getattr(model_field, "concrete", False) and model_field.null
        ):
            return _nullable(schema)
        return schema

    def _value_schema(self, field, model):
        if isinstance(field, wagtail_fields.PageTypeField | wagtail_fields.TypeField):
            return {"enum": _labels(model)}
        if isinstance(field, wagtail_fields.DetailUrlField):
            return URI
        if isinstance(field, wagtail_fields.PageHtmlUrlField):
            return _nullable(URI)
        if isinstance(field, wagtail_fields.PageLocaleField):
            return STRING
        if isinstance(field, ImageDownloadUrlField | DocumentDownloadUrlField):
            return {"type": "string", "format": "uri-reference"}
        if isinstance(
            field, wagtail_fields.PageParentField | wagtail_fields.PageAliasOfField
        ):
            return _nullable(self._page_summary())
        if isinstance(
            field, wagtail_fields.RelatedField | wagtail_fields.ChildRelationField
        ):
            related = field.serializer_class.Meta.model
            endpoint = self.router.get_model_endpoint(related)
            schema = self.model_schema(
                endpoint[1] if endpoint else BaseAPIViewSet, related
            )
            if isinstance(field, wagtail_fields.ChildRelationField):
                return {"type": "array", "items": schema}
            return schema
        if isinstance(field, wagtail_fields.StreamField):
            block = model._meta.get_field(field.source).stream_block
            return self.add_type(
                shapes.block_shape(block, model.__name__ + shapes.camel(field.source))
            )
        if isinstance(field, wagtail_fields.RichTextFieldSerializer):
            return self.add_type(shapes.RichText)
        if isinstance(field, wagtail_fields.TagsField):
            return {"type": "array", "items": STRING}
        if isinstance(field, drf.SerializerMethodField):
            method = getattr(field.parent, field.method_name)
            return self.add_type(_returns(method))
        for kind, schema in DRF_SCHEMAS:
            if isinstance(field, kind):
                return schema
        annotation = _returns(field.to_representation)
        return {} if annotation is None else self.add_type(annotation)

    def _page_summary(self):
        """``parent`` and ``alias_of``: a page's id, type, URLs and title."""
        return self._component(
            "PageSummary",
            lambda: self._serializer_schema(
                wagtail_fields.get_serializer_class(
                    Page,
                    ["id", "type", "detail_url", "html_url", "title"],
                    meta_fields=["type", "detail_url", "html_url"],
                    base=wagtail_fields.PageSerializer,
                ),
                Page,
                required=True,
            ),
        )


def _parameter(name, viewset):
    schema, description = PARAMETERS[name]
    if name == "order" and hasattr(viewset, "orderings"):
        schema = {"enum": list(viewset.orderings)}
    if name == "limit" and getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20):
        schema = {**schema, "maximum": getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)}
    parameter = {
        "name": name,
        "in": "query",
        "schema": schema,
        "description": description,
    }
    if schema.get("type") == "array":  # comma-separated or repeated
        parameter.update(style="form", explode=True)
    return parameter


def _field_filter(name, field, model, base):
    if isinstance(field, TaggableManager):
        schema, description = STRING, TAGS_FILTER_DESCRIPTION
    else:
        schema = next(
            (s for kind, s in FILTER_SCHEMAS if isinstance(field, kind)), STRING
        )
        description = FIELD_FILTER_DESCRIPTION.format(name=name)
    if model is not base:
        description += f" Needs `type={model._meta.label}`."
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _route(pattern):
    """The OpenAPI path template of a Django route, and its parameters."""
    parameters = []

    def placeholder(match):
        name = match["name"]
        schema = PATH_SCHEMAS.get(match["converter"] or "str", STRING)
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": schema}
        )
        return "{" + name + "}"

    route = re.sub(
        r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", placeholder, str(pattern)
    )
    return route, parameters


# The values Django's path converters match.
PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0},
    "str": {"type": "string", "pattern": "^[^/]+$"},
}


def _served(viewset):
    """The models whose objects ``viewset`` serves: for pages, each page type."""
    if issubclass(viewset.model, Page):
        return [
            model for model in get_page_models() if issubclass(model, viewset.model)
        ]
    return [viewset.model]


def _returns(function):
    """What ``function`` is annotated to return (None if it is not)."""
    return get_type_hints(function, include_extras=True).get("return")


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _labels(model):
    """The types an object of ``model`` may be served as: it and its subclasses."""
    if issubclass(model, Page):
        return [m._meta.label for m in get_page_models() if issubclass(m, model)]
    return [model._meta.label]


def _nullable(schema):
    if NULL in schema.get("anyOf", ()):
        return schema
    return {"anyOf": [schema, NULL]}


def _object(properties, required):
    return {
        "type": "object",
        "properties": properties,
        **({"required": list(properties)} if required else {}),
        "additionalProperties": False,
    }


def _closed(schema):
    """``schema`` with each object of known properties closed to others:
    every field the API serves is in the document."""
    if not isinstance(schema, dict):
        return schema
    if "properties" in schema:
        schema.setdefault("additionalProperties", False)
        for part in schema["properties"].values():
            _closed(part)
    for key in ("items", "additionalProperties"):
        _closed(schema.get(key))
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, ()):
            _closed(part)
    return schema


def document(router):
    """The OpenAPI document of the endpoints registered on ``router``."""
    return Document(router).build()


class OpenAPIView(View):
    """``GET``: the OpenAPI document of ``router``'s endpoints, as JSON.

    Mount it beside the router: ``path("api/v2/openapi.json",
    OpenAPIView.as_view(router=api_router))``. Built once a process (the
    models and blocks do not change while it runs).
    """

    router = None

    def get(self, request):
        return JsonResponse(_document(self.router))


@cache
def _document(router):
    return document(router)
