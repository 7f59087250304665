import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.pages import PageListingViewSet

from .models import (
    DUE_SOON_DAYS,
    REVIEW_STATUS_LABELS,
    HealthArticlePage,
    Reference,
    repeated_references,
)
from .reference_import import (
    EXPORTS,
    detect_format,
    export,
    parse,
    reference_from_parsed,
)


class ReviewDueReportView(ReportView):
    """Articles whose medical review is overdue or due within 30 days."""

    page_title = _("Articles due for review")
    header_icon = "time"
    index_url_name = "health_articles_review_due"
    index_results_url_name = "health_articles_review_due_results"
    model = HealthArticlePage
    any_permission_required = ["add", "change", "publish"]
    columns = [
        TitleColumn(
            "title",
            label=_("Article"),
            get_url=lambda page: reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        ),
        DateColumn("last_reviewed", label=_("Last reviewed")),
        DateColumn("next_review_due", label=_("Next review due")),
        Column("review_state", label=_("Status"), accessor="review_state_label"),
    ]
    list_export = ["title", "last_reviewed", "next_review_due", "review_state_label"]
    export_headings = {
        "last_reviewed": _("Last reviewed"),
        "next_review_due": _("Next review due"),
        "review_state_label": _("Status"),
    }

    def get_queryset(self):
        horizon = datetime.date.today() + datetime.timedelta(days=DUE_SOON_DAYS)
        editable = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "publish"]
        )
        return HealthArticlePage.objects.filter(
            pk__in=editable.values("pk"), next_review_due__lte=horizon
        ).order_by("next_review_due", "title")

    def decorate_paginated_queryset(self, object_list):
        for page in object_list:
            page.review_state_label = REVIEW_STATUS_LABELS[page.review_status()]
        return object_list


def _tag_names(page):
    return ", ".join(sorted((tag.name for tag in page.tags.all()), key=str.lower))


class HealthArticleIndexView(PageIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("tags")


class HealthArticleListingViewSet(PageListingViewSet):
    """All health articles in one listing, with review status and tags."""

    index_view_class = HealthArticleIndexView
    model = HealthArticlePage
    icon = "doc-full"
    menu_label = _("Health articles")
    add_to_admin_menu = True
    menu_order = 150
    columns = [
        *PageListingViewSet.columns,
        Column(
            "review",
            label=_("Review"),
            accessor=lambda page: REVIEW_STATUS_LABELS[page.review_status()],
        ),
        Column("tags", label=_("Tags"), accessor=_tag_names),
    ]


class ImportReferencesForm(forms.Form):
    text = forms.CharField(
        label=_("Paste a reference list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "One reference a line or paragraph, in any common style (Vancouver, "
            "APA, AMA, Harvard, MLA, Chicago), numbered or not."
        ),
    )
    file = forms.FileField(
        label=_("Or upload an export"),
        required=False,
        help_text=_("BibTeX (.bib), RIS (.ris) or PubMed MEDLINE (.nbib)."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("text", "").strip() and not cleaned_data.get("file"):
            raise forms.ValidationError(_("Paste references or choose a file."))
        return cleaned_data


def _editable_article(request, page_id):
    page = get_object_or_404(HealthArticlePage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _note_repeats(references):
    """Note on each reference that repeats an identifier of an earlier one
    which; nothing is dropped. The number of such references."""
    repeating = set()
    for position, field, earlier in repeated_references(references):
        reference = references[position]
        note = _("Repeats the %(field)s of reference %(number)d (%(key)s).") % {
            "field": Reference._meta.get_field(field).verbose_name,
            "number": earlier + 1,
            "key": references[earlier].key,
        }
        reference.review_note = "\n".join(filter(None, [reference.review_note, note]))
        repeating.add(position)
    return len(repeating)


def import_references(request, page_id):
    """Append pasted or uploaded references to the article as a new draft."""
    page = _editable_article(request, page_id)
    form = ImportReferencesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload:
            text = upload.read().decode("utf-8-sig", errors="replace")
            fmt = detect_format(text, upload.name)
        else:
            text, fmt = form.cleaned_data["text"], "text"
        try:
            parsed = parse(text, fmt)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            draft = page.get_latest_revision_as_object()
            existing = list(draft.references.all())
            taken = {reference.key for reference in existing}
            added = [reference_from_parsed(entry, taken) for entry in parsed]
            references = [*existing, *added]
            repeats = _note_repeats(references)
            for position, reference in enumerate(references):
                reference.sort_order = position
            draft.references = references
            draft.save_revision(user=request.user, log_action=True)
            to_check = sum(1 for reference in added if reference.review_note)
            messages.success(
                request,
                _(
                    "Added %(count)d references to the draft; %(to_check)d have "
                    "notes on what to check."
                )
                % {"count": len(added), "to_check": to_check},
            )
            if repeats:
                messages.warning(
                    request,
                    _(
                        "%(repeats)d repeat the DOI, PMID or PMCID of another "
                        "reference (see their notes): remove one of each pair "
                        "before saving."
                    )
                    % {"repeats": repeats},
                )
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "health_articles/admin/import_references.html",
        {"page": page, "form": form},
    )


def export_references(request, page_id, kind):
    """The latest draft's references as CSL-JSON, BibTeX or RIS, to download."""
    page = _editable_article(request, page_id)
    if kind not in EXPORTS:
        raise Http404
    references = page.get_latest_revision_as_object().references.all()
    content, content_type = export(references, kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{page.slug}-references.{EXPORTS[kind][1]}"'
    )
    return response
