"""The app's models: the settings, people, the article index and article
pages, their tags, references and people. Models only: what they compute is
delegated to the modules named below, none of which imports this one."""

import math

import swapper
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import GroupApprovalTask, Orderable, Revision, Site
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail_headless_preview.models import HeadlessPreviewMixin
from wagtail_localize.fields import SynchronizedField

from . import body, preview, review, seo
from .admin.forms import HealthArticlePageForm
from .admin.panels import ReaderNumbersPanel, ReferenceToolsPanel, ReviewHistoryPanel
from .api.fields import (
    ArticleBodyField,
    CountField,
    DisclaimerField,
    PeopleField,
    PictureField,
    ReferenceListField,
    RelatedArticlesField,
    ReviewField,
    SchemaOrgField,
    SeoField,
    TableOfContentsField,
    TagListField,
    TranslationsField,
)
from .blocks import RICH_TEXT_FEATURES, ArticleBodyBlock
from .caching import DEFAULT_TIMEOUT, EVERYTHING, generation
from .citations.numbering import reference_numbers
from .querysets import private_q, public_pages, related_articles
from .references import csl, identifiers
from .references.formats import MAX_REFERENCES
from .references.formatting import DEFAULT_STYLE, STYLES
from .webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: F401

# The site's base page model (WAGTAIL_PAGE_MODEL, wagtailcore.Page unless swapped).
# Its app must come before this one in INSTALLED_APPS.
Page = swapper.load_model("wagtailcore", "Page", require_ready=False)


# Words a minute of a reader of plain-language health information.
READING_SPEED = 200


@register_setting(icon="doc-full")
class HealthArticleSettings(BaseSiteSetting):
    """Site-wide settings of the health articles."""

    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=36,
        help_text=_(
            "When an article's next review is due, counted from its last review, "
            "unless the article sets its own date."
        ),
    )
    citation_style = models.CharField(
        _("citation style"),
        max_length=16,
        choices=[(name, style.label) for name, style in STYLES.items()],
        default=DEFAULT_STYLE,
        help_text=_("How reference lists are written on article pages."),
    )
    medical_disclaimer = RichTextField(
        _("medical disclaimer"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        default=(
            "<p>This article is general information. It does not replace advice "
            "from a qualified health professional who knows your situation.</p>"
        ),
        help_text=_("Shown on every article, unless the article has its own."),
    )
    publisher_name = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation that publishes this site's articles, e.g. the "
            "clinic: named as their publisher to search engines."
        ),
    )
    publisher_url = models.URLField(
        _("publisher's website"),
        blank=True,
        help_text=_("The organisation's home page."),
    )
    publisher_logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("publisher's logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown by search engines beside the articles; at least 112 px wide."
        ),
    )

    class Meta:
        verbose_name = _("health article settings")

    @classmethod
    def for_site(cls, site):
        """The site's settings, kept in the cache until they change (saving
        them changes ``all``): every article page and API detail reads them."""
        key = f"health_articles:settings:{site.pk}:{generation(EVERYTHING)}"
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, DEFAULT_TIMEOUT)
        return instance


def validate_http_urls(value):
    check = URLValidator(schemes=["http", "https"])
    for line in value.splitlines():
        if line.strip():
            check(line.strip())


@register_snippet
class Person(index.Indexed, models.Model):
    """An author or medical reviewer of health articles."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("As readers should see it.")
    )
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("Professional credentials, e.g. RMT, PT or MD."),
    )
    job_title = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Registered Massage Therapist."),
    )
    bio = models.TextField(
        _("short bio"), max_length=1000, blank=True, help_text=_("Two or three lines.")
    )
    profile_url = models.URLField(
        _("profile URL"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A page about this person, e.g. on the clinic's site."),
    )
    same_as = models.TextField(
        _("other profiles"),
        blank=True,
        validators=[validate_http_urls],
        help_text=_(
            "Links that identify this person elsewhere (ORCID, a register of "
            "practitioners, LinkedIn), one a line."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("admin user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="health_articles_person",
        help_text=_(
            "The person's login, if they review in the admin: their approvals "
            "of a medical review are recorded under this name."
        ),
    )
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional portrait, shown beside the bio."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("credentials")]),
        FieldPanel("job_title"),
        FieldPanel("bio"),
        FieldPanel("profile_url"),
        FieldPanel("same_as"),
        FieldPanel("photo"),
        FieldPanel("user"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("credentials"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def same_as_urls(self):
        return [line.strip() for line in self.same_as.splitlines() if line.strip()]


class HealthArticleIndexPageMixin(models.Model):
    """Behaviour of a page that lists the health articles below it."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Shown above the list of articles."),
    )

    articles_per_page = 12

    class Meta:
        abstract = True

    def get_articles(self):
        return (
            HealthArticlePage.objects.child_of(self)
            .live()
            .exclude(private_q())
            .order_by("-first_published_at", "-pk")
        )

    def get_sitemap_urls(self, request=None):
        return seo.sitemap_urls(self, request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.get_articles(), self.articles_per_page)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        # The page in each language (its language switcher).
        context["translations"] = seo.translations(self, request)
        return context


class HealthArticleIndexPage(HealthArticleIndexPageMixin, Page):
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    subpage_types = ["health_articles.HealthArticlePage"]
    template = "health_articles/health_article_index_page.html"

    class Meta:
        verbose_name = _("health article index page")
        verbose_name_plural = _("health article index pages")


class HealthArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "health_articles.HealthArticlePage",
        related_name="tagged_items",
        on_delete=models.CASCADE,
    )

    class Meta:
        verbose_name = _("health article tag")
        verbose_name_plural = _("health article tags")
        indexes = [
            # Which of an article's tags are among some tags: an index-only
            # probe for the tag filters and related articles (see
            # docs/performance.md for the plans at 10,000 articles).
            models.Index(
                fields=["content_object", "tag"], name="health_arti_page_tag_idx"
            ),
        ]


class HealthArticlePageMixin(models.Model):
    """The structured content of a health article, for any concrete page."""

    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("One or two sentences shown in listings and search results."),
    )
    hero_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional image shown at the top of the article."),
    )
    body = StreamField(
        ArticleBodyBlock(),
        verbose_name=_("body"),
        help_text=_("Condition sections, treatments, headings and text."),
    )
    condition_index = models.TextField(
        _("condition names"),
        blank=True,
        editable=False,
        help_text=_("Names of the body's conditions, to find related articles."),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When a medical reviewer last checked the article."),
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to count the site's review interval from the last review."
        ),
    )
    disclaimer = RichTextField(
        _("disclaimer"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Leave empty to show the site's medical disclaimer."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.forget_body()
        self.condition_index = body.condition_index(self.body)
        changed = ["condition_index"]
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = self.default_next_review(self.last_reviewed)
            changed.append("next_review_due")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, *changed}
        # One transaction with its tags, references and people (committed
        # after the row): stored answers go stale once all are in.
        with transaction.atomic():
            super().save(*args, **kwargs)

    # What the page keeps of its body and references (cached properties).
    READ_FROM_BODY = ("outline", "cited_keys", "reference_numbers")

    def forget_body(self):
        """Drop what the page kept of its body: it is read again."""
        for name in self.READ_FROM_BODY:
            self.__dict__.pop(name, None)

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.forget_body()

    # Set by the admin form while Django validates the page: the form has
    # checked the citations against the references it holds.
    citations_checked = False

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            errors["next_review_due"] = _("The next review must come after the last.")
        if not self.citations_checked:
            error = self.citation_error()
            if error is not None:
                errors["body"] = error
        if errors:
            raise ValidationError(errors)

    def citation_error(self):
        """None, or the ValidationError of a body citing a key none of the
        article's references has. The references are those the page holds,
        saved or not (a form's, a revision's, a translation's)."""
        keys = {reference.key for reference in self.references.all()}
        return body.citation_error(self.body, keys)

    @transaction.atomic
    def publish(self, revision, *args, **kwargs):
        """Publish or schedule ``revision``, unless its body cites a key none
        of its references has: refused (a ValidationError naming the keys)
        before Wagtail changes anything. Wagtail validates the page only as
        it saves it live, after clearing the article's schedules, and a
        scheduled revision not until publish_scheduled.

        In one transaction (Wagtail's publish saves several times): all of
        it or nothing is published, and what it changes goes stale, and is
        built again for the listings in use, once."""
        error = revision.as_object().citation_error()
        if error is not None:
            raise ValidationError({"body": error})
        return super().publish(revision, *args, **kwargs)

    def default_next_review(self, last_reviewed):
        site = self.get_site() if self.pk else None
        months = (
            HealthArticleSettings.for_site(site).review_interval_months
            if site
            else HealthArticleSettings._meta.get_field("review_interval_months").default
        )
        return review.add_months(last_reviewed, months)

    def review_status(self, today=None):
        """One of "not_reviewed", "current", "due_soon" and "overdue"."""
        return review.review_status(self.next_review_due, today)

    @cached_property
    def outline(self):
        """The body's words, citations and condition sections (``body.outline``)."""
        return body.outline(self.body)

    @property
    def word_count(self):
        return len(self.summary.split()) + self.outline.words

    @property
    def reading_time(self):
        """Minutes to read the article, rounded up."""
        return max(1, math.ceil(self.word_count / READING_SPEED))

    @property
    def table_of_contents(self):
        return body.table_of_contents(self.outline.sections)

    @property
    def authors(self):
        return [author.person for author in self.article_authors.all()]

    @property
    def reviewers(self):
        return [reviewer.person for reviewer in self.article_reviewers.all()]

    def site_settings(self, site=None):
        """The health article settings of ``site``, by default the article's
        own (its publisher, …)."""
        site = site or self.get_site()
        return HealthArticleSettings.for_site(site) if site else None

    def disclaimer_for(self, request):
        """The article's own disclaimer, or else its site's (rich text source)."""
        if self.disclaimer:
            return self.disclaimer
        return HealthArticleSettings.for_request(request).medical_disclaimer

    @property
    def people(self):
        """Authors and reviewers, each once."""
        return list(dict.fromkeys([*self.authors, *self.reviewers]))

    @cached_property
    def cited_keys(self):
        """Every reference key the body cites, in reading order (repeats too)."""
        return [key for _path, key in self.outline.citations]

    @cached_property
    def reference_numbers(self):
        """Map each reference key to its number (see ``citations.numbering``)."""
        keys = [reference.key for reference in self.references.all()]
        return reference_numbers(self.cited_keys, keys)

    @property
    def numbered_references(self):
        """The reference list in the order of its numbers, each reference
        with its ``number``."""
        numbers = self.reference_numbers
        references = sorted(self.references.all(), key=lambda ref: numbers[ref.key])
        for reference in references:
            reference.number = numbers[reference.key]
        return references

    @property
    def uncited_references(self):
        """References that nothing in the body cites."""
        cited = set(self.cited_keys)
        return [ref for ref in self.references.all() if ref.key not in cited]

    def reference_warnings(self):
        """What an editor should check in the reference list; saving goes on."""
        warnings = []
        uncited = [reference.key for reference in self.uncited_references]
        if uncited:
            warnings.append(
                _(
                    "Not cited in the article: %(keys)s. Cite them in the text, "
                    "a condition or a treatment, or remove them from the list."
                )
                % {"keys": ", ".join(uncited)}
            )
        for reference in self.references.all():
            item = reference.as_csl()
            for variable, identifier in identifiers.IDENTIFIERS.items():
                if variable in item and (doubt := identifier.doubt(item[variable])):
                    warnings.append(f"{reference.key}: {doubt}")
        return warnings

    def get_sitemap_urls(self, request=None):
        return seo.sitemap_urls(self, request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reference_numbers"] = self.reference_numbers
        candidates = public_pages(Site.find_for_request(request), HealthArticlePage)
        context["related_articles"] = [
            page for page, *_shared in related_articles(self, candidates)
        ]
        # The page in each language (its language switcher, hreflang links).
        context["translations"] = seo.translations(self, request)
        return context


class HealthArticlePage(HeadlessPreviewMixin, HealthArticlePageMixin, Page):
    tags = ClusterTaggableManager(
        through=HealthArticleTag,
        blank=True,
        verbose_name=_("tags"),
        help_text=_("Topics readers browse by, e.g. hip pain."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    reference_panels = [
        ReferenceToolsPanel(heading=_("Import and export")),
        ReaderNumbersPanel(heading=_("Numbers readers see")),
        InlinePanel(
            "references",
            heading=_("References"),
            label=_("Reference"),
            max_num=MAX_REFERENCES,
            help_text=_(
                "The numbered reference list. Treatments and conditions cite "
                "entries by their key."
            ),
        ),
    ]
    review_panels = [
        FieldPanel("tags"),
        InlinePanel("article_authors", heading=_("Authors"), label=_("Author")),
        InlinePanel(
            "article_reviewers",
            heading=_("Medical reviewers"),
            label=_("Medical reviewer"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("last_reviewed"), FieldPanel("next_review_due")]
                )
            ],
            heading=_("Review dates"),
        ),
        ReviewHistoryPanel(heading=_("Medical review history")),
        FieldPanel("disclaimer"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(reference_panels, heading=_("References")),
            ObjectList(review_panels, heading=_("Tags and review")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    api_fields = [
        APIField("summary"),
        APIField("hero_image"),
        APIField(
            "hero_picture", serializer=PictureField("hero_image", source="hero_image")
        ),
        APIField("seo", serializer=SeoField()),
        APIField("translations", serializer=TranslationsField()),
        APIField("last_published_at"),
        APIField("body", serializer=ArticleBodyField()),
        APIField("tags", serializer=TagListField()),
        APIField("references", serializer=ReferenceListField()),
        APIField("authors", serializer=PeopleField(source="article_authors")),
        APIField("reviewers", serializer=PeopleField(source="article_reviewers")),
        APIField("review", serializer=ReviewField()),
        APIField("disclaimer", serializer=DisclaimerField()),
        APIField("word_count", serializer=CountField()),
        APIField("reading_time", serializer=CountField()),
        APIField("table_of_contents", serializer=TableOfContentsField()),
        APIField("related_articles", serializer=RelatedArticlesField()),
        APIField("schema_org", serializer=SchemaOrgField()),
    ]

    # wagtail-localize translates the text (the body's blocks offer their own
    # segments: no reference key, code or citation target, see
    # health_articles.translation); the reference list and the people are
    # the source's in every language, copied again at each sync.
    override_translatable_fields = [
        SynchronizedField("references", overridable=False),
        SynchronizedField("article_authors", overridable=False),
        SynchronizedField("article_reviewers", overridable=False),
    ]

    base_form_class = HealthArticlePageForm
    parent_page_types = ["health_articles.HealthArticleIndexPage"]
    subpage_types = []
    template = "health_articles/health_article_page.html"

    class Meta:
        verbose_name = _("health article")
        verbose_name_plural = _("health articles")

    @property
    def preview_modes(self):
        """The frontend first (so "Preview" opens it) where one is configured."""
        if preview.frontend_configured():
            return [(preview.FRONTEND_PREVIEW, _("Frontend")), ("", _("Site page"))]
        return super().preview_modes

    def create_page_preview(self):
        """As wagtail-headless-preview does, with a token of its own for each
        preview (see ``preview.token_identifier``)."""
        signed = self.get_preview_signer().sign(preview.token_identifier(self))
        page_preview, _created = self.update_page_preview(signed)
        return page_preview

    def serve_preview(self, request, mode_name):
        if mode_name == preview.FRONTEND_PREVIEW:
            # Stores the draft under a signed token and opens the frontend.
            return HeadlessPreviewMixin.serve_preview(self, request, mode_name)
        return super(HeadlessPreviewMixin, self).serve_preview(request, mode_name)


def validate_issued(value):
    try:
        csl.parse_issued(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class Reference(Orderable):
    """One entry of an article's reference list, with fields as in CSL-JSON."""

    page = ParentalKey(
        HealthArticlePage, related_name="references", on_delete=models.CASCADE
    )
    key = models.SlugField(
        _("key"),
        max_length=64,
        help_text=_(
            "Stable name that treatments cite, e.g. abbott2013. Unique in the article."
        ),
    )
    csl_type = models.CharField(
        _("type"),
        max_length=32,
        choices=list(csl.TYPES.items()),
        default=csl.DEFAULT_TYPE,
        help_text=_("What kind of work it is; the citation style depends on it."),
    )
    authors = models.TextField(
        _("authors"),
        blank=True,
        help_text=_(
            "One author a line: “Family, Given” (e.g. Abbott, J H). A group "
            "author goes on its own line without a comma."
        ),
    )
    title = models.CharField(
        _("title"),
        max_length=500,
        help_text=_("Of the article, chapter, book or web page, as published."),
    )
    container_title = models.CharField(
        _("journal or book"),
        max_length=500,
        blank=True,
        help_text=_("The journal for an article, the book for a chapter."),
    )
    issued = models.CharField(
        _("date issued"),
        max_length=32,
        blank=True,
        validators=[validate_issued],
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD; a range as 2020-10/2020-12."),
    )
    volume = models.CharField(
        _("volume"), max_length=32, blank=True, help_text=_("Journal volume.")
    )
    issue = models.CharField(
        _("issue"), max_length=32, blank=True, help_text=_("Journal issue or number.")
    )
    page_range = models.CharField(
        _("pages"),
        max_length=64,
        blank=True,
        help_text=_("Page range or article number (e-locator), e.g. 525-534 or l185."),
    )
    publisher = models.CharField(
        _("publisher"),
        max_length=255,
        blank=True,
        help_text=_("For books, chapters, reports and web pages."),
    )
    publisher_place = models.CharField(
        _("place of publication"),
        max_length=255,
        blank=True,
        help_text=_("City of the publisher, e.g. Treasure Island (FL)."),
    )
    doi = models.CharField(
        _("DOI"),
        max_length=255,
        blank=True,
        help_text=_("e.g. 10.1136/bmj.l185; a doi.org link is accepted too."),
    )
    pmid = models.CharField(
        _("PMID"), max_length=16, blank=True, help_text=_("PubMed ID, e.g. 23313532.")
    )
    pmcid = models.CharField(
        _("PMCID"),
        max_length=16,
        blank=True,
        help_text=_("PubMed Central ID, e.g. PMC8022067."),
    )
    isbn = models.CharField(
        _("ISBN"),
        max_length=32,
        blank=True,
        help_text=_("For a book or chapter, e.g. 978-0-374-27563-1."),
    )
    url = models.URLField(
        _("URL"),
        max_length=2000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where to read it online, when it has no DOI (http or https)."),
    )
    raw_text = models.TextField(
        _("citation as written"),
        blank=True,
        help_text=_("The citation as it was pasted or imported, kept verbatim."),
    )
    review_note = models.TextField(
        _("to check"),
        blank=True,
        help_text=_(
            "What the importer was unsure of; check those fields against the "
            "citation as written, then clear this note."
        ),
    )

    # What an editor enters: the CSL fields, then the source and the notes.
    content_fields = [*(field.name for field in csl.FIELDS), "raw_text", "review_note"]
    panels = [FieldPanel(name) for name in content_fields]

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self):
        return f"{self.key}: {self.title}"

    def clean(self):
        super().clean()
        errors = {}
        for field in csl.FIELDS:
            identifier = identifiers.IDENTIFIERS.get(field.variable)
            value = getattr(self, field.name)
            if identifier is None or not value:
                continue
            try:
                setattr(self, field.name, identifier.normalise(value))
            except ValueError as exc:
                errors[field.name] = str(exc)
        if errors:
            raise ValidationError(errors)

    def as_csl(self):
        """This reference as a CSL-JSON item, with empty fields left out."""
        return csl.to_item(
            {field.name: getattr(self, field.name) for field in csl.FIELDS}
        )


class ArticlePerson(Orderable):
    """A person in one of an article's ordered lists of people."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Choose from People (Snippets), or add someone new there."),
    )

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True


class ArticleAuthor(ArticlePerson):
    page = ParentalKey(
        HealthArticlePage, related_name="article_authors", on_delete=models.CASCADE
    )

    class Meta(ArticlePerson.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")


class ArticleReviewer(ArticlePerson):
    page = ParentalKey(
        HealthArticlePage, related_name="article_reviewers", on_delete=models.CASCADE
    )

    class Meta(ArticlePerson.Meta):
        verbose_name = _("medical reviewer")
        verbose_name_plural = _("medical reviewers")


class MedicalReviewTask(GroupApprovalTask):
    """A step of Wagtail's workflow: a medical reviewer (a member of the
    task's groups) approves or rejects the revision, with a comment. An
    approval records the reviewer and the date on the revision that is
    published, and moves the article's last-reviewed and next-review dates
    (``MedicalReview.record``)."""

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # One transaction: an approval whose publish the article refuses
        # records no review.
        if action_name in ("approve", "reject"):
            MedicalReview.record(task_state, user, action_name, kwargs.get("comment"))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Medical reviewers approve the article's content, or reject it with "
            "a comment; an approval sets the article's review dates."
        )

    class Meta:
        verbose_name = _("medical review task")
        verbose_name_plural = _("medical review tasks")


class MedicalReview(models.Model):
    """One decision of a medical review: who approved or rejected which
    revision of an article, when, and why."""

    DECISIONS = [("approved", _("Approved")), ("rejected", _("Rejected"))]

    page = models.ForeignKey(
        HealthArticlePage, related_name="medical_reviews", on_delete=models.CASCADE
    )
    revision = models.ForeignKey(
        Revision, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=DECISIONS)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("medical review")
        verbose_name_plural = _("medical reviews")

    @classmethod
    def record(cls, task_state, user, action, comment=""):
        """Record ``user``'s decision on the task's revision. On approval, the
        revision (the one the workflow publishes) gets today as the last
        review, the next review counted from it, and the reviewer among the
        article's medical reviewers."""
        revision = task_state.revision
        article = revision.as_object()
        reviewer = Person.objects.filter(user=user).first()
        now = timezone.now()
        cls.objects.create(
            page_id=article.pk,
            revision=revision,
            reviewer=reviewer,
            user=user,
            decision="approved" if action == "approve" else "rejected",
            comment=comment or "",
            reviewed_at=now,
        )
        if action != "approve":
            return
        today = timezone.localdate(now)
        article.last_reviewed = today
        article.next_review_due = article.default_next_review(today)
        if reviewer and all(
            link.person_id != reviewer.pk for link in article.article_reviewers.all()
        ):
            article.article_reviewers.add(ArticleReviewer(person=reviewer))
        revision.content = article.serializable_data()
        revision.save(update_fields=["content"])

    def reviewer_name(self):
        if self.reviewer:
            return str(self.reviewer)
        if self.user:
            return self.user.get_full_name() or self.user.get_username()
        return ""


class ReviewReminder(models.Model):
    """A reminder sent to a reviewer that an article's review falls due:
    one for each article, due date and reviewer."""

    page = models.ForeignKey(
        HealthArticlePage, related_name="+", on_delete=models.CASCADE
    )
    due = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "due", "user"], name="one_reminder_per_due_date"
            )
        ]
