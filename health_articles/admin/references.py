"""The article's references in the admin: import (paste or upload) into a
new draft, and export of the latest draft's list."""

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..models import HealthArticlePage, Reference
from ..references import formats
from ..references.keys import repeated_references
from ..references.rows import references_from_parsed


class ImportReferencesForm(forms.Form):
    """The text or file to import; ``room`` is how many references the
    article can still take (``formats.MAX_REFERENCES`` in all)."""

    text = forms.CharField(
        label=_("Paste a reference list"),
        required=False,
        max_length=formats.MAX_TEXT_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    file = forms.FileField(label=_("Or upload an export"), required=False)

    def __init__(self, *args, room, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
        limits = {
            "characters": f"{formats.MAX_TEXT_CHARACTERS:,}",
            "room": room,
            "most": formats.MAX_REFERENCES,
            "size": filesizeformat(formats.MAX_FILE_BYTES),
        }
        self.fields["text"].help_text = (
            _(
                "One reference a line or paragraph, in any common style (Vancouver, "
                "APA, AMA, Harvard, MLA, Chicago, IEEE), numbered or not. At most "
                "%(characters)s characters, and %(room)s references (an article "
                "holds at most %(most)s)."
            )
            % limits
        )
        self.fields["file"].help_text = (
            _(
                "BibTeX (.bib), RIS (.ris) or PubMed MEDLINE (.nbib), in UTF-8; "
                "at most %(size)s and %(room)s references."
            )
            % limits
        )

    def clean_file(self):
        """The uploaded file's text, refused with a reason when it is too
        large, not UTF-8 or not text."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > formats.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(most)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "most": filesizeformat(formats.MAX_FILE_BYTES),
                }
            )
        data = upload.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _(
                    "The file is not UTF-8 text (byte %(position)d is not valid "
                    "UTF-8). Export it again as UTF-8 (Unicode)."
                )
                % {"position": error.start + 1}
            ) from error
        if "\x00" in text:
            raise forms.ValidationError(
                _(
                    "The file holds a NUL character (at character %(position)d), "
                    "so it is not a text export (a UTF-16 file, or a binary one). "
                    "Export it again as UTF-8 text."
                )
                % {"position": text.index("\x00") + 1}
            )
        return upload.name, text

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        if cleaned_data.get("file"):
            name, text = cleaned_data["file"]
            fmt, field = formats.detect_format(text, name), "file"
        elif cleaned_data.get("text", "").strip():
            text, fmt, field = cleaned_data["text"], "text", "text"
        else:
            raise forms.ValidationError(_("Paste references or choose a file."))
        try:
            cleaned_data["parsed"] = formats.read(text, fmt, room=self.room)
        except formats.TooManyReferences as many:
            self.add_error(
                field,
                _(
                    "This holds %(count)s references; the article can take "
                    "%(room)s more (it holds at most %(most)s). Import it in parts, "
                    "or remove references first."
                )
                % {
                    "count": many.args[0],
                    "room": self.room,
                    "most": formats.MAX_REFERENCES,
                },
            )
        except ValueError as error:
            self.add_error(field, str(error))
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


def import_blocked(page, user):
    """Why ``user`` may not import into ``page`` now, or "": a lock that
    applies to them (another user's, a scheduled publish's, a workflow
    task's), or a workflow in progress, whose approval would publish what
    the import adds without review."""
    lock = page.get_lock()
    if lock and lock.for_user(user):
        return lock.get_message(user)
    if page.workflow_in_progress:
        state = page.current_workflow_state
        return _(
            "This article is in moderation (%(workflow)s, task “%(task)s”): "
            "references imported now would be approved with it unreviewed. "
            "Import once the moderator has approved or rejected it."
        ) % {
            "workflow": state.workflow.name,
            "task": state.current_task_state.task.name,
        }
    return ""


def import_references(request, page_id):
    """Append pasted or uploaded references to the article as a new draft."""
    page = _editable_article(request, page_id)
    if blocked := import_blocked(page, request.user):
        return _form_page(request, page, None, blocked)
    draft = page.get_latest_revision_as_object()
    existing = list(draft.references.all())
    room = max(formats.MAX_REFERENCES - len(existing), 0)
    form = ImportReferencesForm(request.POST or None, request.FILES or None, room=room)
    if request.method == "POST" and form.is_valid():
        parsed = form.cleaned_data["parsed"]
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


def _form_page(request, page, form, blocked=""):
    return TemplateResponse(
        request,
        "health_articles/admin/import_references.html",
        {"page": page, "form": form, "blocked": blocked},
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
