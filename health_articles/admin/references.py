"""The article's references in the admin: import (paste or upload) into a
new draft, and export of the latest draft's list."""

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..models import HealthArticlePage, Reference
from ..references import formats
from ..references.keys import repeated_references
from ..references.rows import references_from_parsed


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
            fmt = formats.detect_format(text, upload.name)
        else:
            text, fmt = form.cleaned_data["text"], "text"
        try:
            parsed = formats.read(text, fmt)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            draft = page.get_latest_revision_as_object()
            existing = list(draft.references.all())
            taken = {reference.key for reference in existing}
            added = references_from_parsed(parsed, taken)
            references = [*existing, *added]
            repeats = _note_repeats(references)
            for position, reference in enumerate(references):
                reference.sort_order = position
            draft.references = references
            try:
                draft.save_revision(user=request.user, log_action=True)
            except ValidationError as exc:
                form.add_error(None, _draft_errors(exc))
                return _form_page(request, page, form)
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
    return _form_page(request, page, form)


def _form_page(request, page, form):
    return TemplateResponse(
        request,
        "health_articles/admin/import_references.html",
        {"page": page, "form": form},
    )


def _draft_errors(error):
    """Why the latest draft cannot be saved with the references, in a line."""
    problems = [
        f"{field}: {message}" if field != NON_FIELD_ERRORS else message
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    return _(
        "The latest draft has errors, so nothing was imported: %(problems)s "
        "Correct them in the editor, save, then import again."
    ) % {"problems": " ".join(problems)}


def export_references(request, page_id, kind):
    """The latest draft's references as CSL-JSON, BibTeX or RIS, to download."""
    page = _editable_article(request, page_id)
    if kind not in formats.WRITERS:
        raise Http404
    references = page.get_latest_revision_as_object().references.all()
    items = [reference.as_csl() for reference in references]
    content, content_type = formats.write(items, kind)
    response = HttpResponse(content, content_type=content_type)
    ending = formats.WRITERS[kind][1]
    response["Content-Disposition"] = (
        f'attachment; filename="{page.slug}-references.{ending}"'
    )
    return response
