"""The article's edit form: the checks that span the body and the reference
list (the model's ``base_form_class``, so it imports no models)."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..body import citation_error
from ..references.keys import repeated_references


class HealthArticlePageForm(WagtailAdminPageForm):
    """Checks that span the body and the reference list of an article."""

    def clean(self):
        cleaned_data = super().clean()
        self._check_not_dropping_newer_references()
        keys = self._check_references()
        body = cleaned_data.get("body")
        if keys is not None and body is not None:
            # The model's check (HealthArticlePageMixin.clean), with the
            # keys of the reference forms the page does not have yet.
            error = citation_error(body, keys)
            if error is not None:
                self.add_error("body", error)
        return cleaned_data

    def _post_clean(self):
        """Validate the page as Django does (``full_clean``), but for its
        citations when the form has a reference list: clean() checked them
        against the references in the form, which reach the page only when
        the form is saved, so the page's own references would be the wrong
        ones (and the same error would be shown twice)."""
        page = self.instance
        page.citations_checked = "references" in self.formsets
        try:
            super()._post_clean()
        finally:
            del page.citations_checked

    def _live_reference_forms(self):
        formset = self.formsets.get("references")
        if formset is None or not formset.is_valid():
            return None
        return [
            form
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def _check_references(self):
        """Refuse a key or identifier used twice; return the set of keys."""
        reference_forms = self._live_reference_forms()
        if reference_forms is None:
            return None
        references = [form.instance for form in reference_forms]
        for index, field, earlier in repeated_references(references):
            form = reference_forms[index]
            form.add_error(
                field,
                _(
                    "Reference “%(key)s” repeats the %(field)s of reference "
                    "“%(earlier)s”."
                )
                % {
                    "key": references[index].key,
                    "field": form.fields[field].label,
                    "earlier": references[earlier].key,
                },
            )
        if any(form.errors for form in reference_forms):
            # Make the page form invalid too, so that nothing is saved.
            self.add_error(None, _("The reference list has errors."))
            return None
        return {form.instance.key for form in reference_forms}

    def _check_not_dropping_newer_references(self):
        """Refuse a form loaded before a newer revision (another editor's
        save, an import) when saving it would drop references that revision
        added: the form never saw them, so it cannot mean to delete them."""
        loaded_id = self.data.get("loaded_revision_id")
        page = self.instance
        if not loaded_id or not page.pk:
            return
        latest = page.get_latest_revision()
        if latest is None or str(latest.pk) == str(loaded_id):
            return
        loaded = (
            page.revisions.filter(pk=loaded_id).first() if loaded_id.isdigit() else None
        )
        before = (
            {reference.key for reference in loaded.as_object().references.all()}
            if loaded
            else set()
        )
        now = {reference.key for reference in latest.as_object().references.all()}
        formset = self.formsets.get("references")
        kept = {
            form.cleaned_data.get("key")
            for form in getattr(formset, "forms", [])
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
        }
        dropped = sorted((now - before) - kept)
        if dropped:
            self.add_error(
                None,
                _(
                    "Since you opened this article, a newer version (%(by)s, "
                    "%(when)s) added references this form does not have: "
                    "%(keys)s. Saving would remove them, so nothing was saved. "
                    "Copy your changes, reload the editor and make them again."
                )
                % {
                    "by": latest.user or _("an import"),
                    "when": latest.created_at.strftime("%Y-%m-%d %H:%M"),
                    "keys": ", ".join(dropped),
                },
            )
