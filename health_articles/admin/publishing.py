"""Publishing in the admin what the page refuses: a revision saved without
validation (``save_revision(clean=False)``) that its page will not publish
(a ``ValidationError``: a citation of a key none of the references has, or
any field Wagtail's ``full_clean`` refuses). The editor is told which page
and why, never shown a 500, and the page stays as it was.

Wagtail's workflow approval publishes inside its own view, in a transaction:
``RefusedPublishMiddleware`` (in ``MIDDLEWARE``) answers for it. Its bulk
publish stops at the first refusal: ``PublishBulkAction`` (registered in its
place) publishes the others."""

import swapper
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.pages.bulk_actions.publish import (
    PublishBulkAction as WagtailPublishBulkAction,
)

Page = swapper.load_model("wagtailcore", "Page")


def refusal(title, error):
    """What an editor is told of a page (or revision) titled ``title`` that
    was not published because of ``error``."""
    return _("“%(title)s” was not published: %(reasons)s") % {
        "title": title,
        "reasons": " ".join(error.messages),
    }


class RefusedPublishMiddleware:
    """A ``ValidationError`` out of one of Wagtail's views of a page (an
    approval in a workflow publishing a revision the page refuses) becomes
    an error message where the editor came from (else the page's edit view),
    not a 500. Wagtail acts in a transaction, so nothing of the approval is
    kept: the page is still in moderation, on the same task."""

    # Wagtail's views of a page that may publish it: a workflow's action.
    PUBLISHING_VIEWS = {"workflow_action", "collect_workflow_action_data"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if (
            not isinstance(exception, ValidationError)
            or match is None
            or match.namespace != "wagtailadmin_pages"
            or match.url_name not in self.PUBLISHING_VIEWS
        ):
            return None
        page = get_object_or_404(Page, pk=match.kwargs["page_id"])
        messages.error(request, refusal(page.get_admin_display_title(), exception))
        back = get_valid_next_url_from_request(request) or reverse(
            "wagtailadmin_pages:edit", args=(page.pk,)
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The workflow's modal (an approval with a comment) goes where
            # its answer says.
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": back}
            )
        return redirect(back)


class PublishBulkAction(WagtailPublishBulkAction):
    """Wagtail's bulk publish, each page in a transaction of its own: a page
    whose latest revision is refused stays as it was, the others are
    published, and the editor is told which was not and why."""

    def get_execution_context(self):
        self.refused = []
        return {**super().get_execution_context(), "refused": self.refused}

    @classmethod
    def execute_action(
        cls, objects, include_descendants=False, user=None, refused=None, **kwargs
    ):
        refused = [] if refused is None else refused
        parents = children = 0
        for page in objects:
            parents += cls.publish(page, user, refused)
            if include_descendants:
                for descendant in (
                    page.get_descendants()
                    .not_live()
                    .defer_streamfields()
                    .specific()
                    .iterator()
                ):
                    if (
                        user is None
                        or descendant.permissions_for_user(user).can_publish()
                    ):
                        children += cls.publish(descendant, user, refused)
        return parents, children

    @staticmethod
    def publish(page, user, refused):
        """1 for ``page`` published, 0 for it refused (added to ``refused``)."""
        try:
            with transaction.atomic():
                revision = page.get_latest_revision() or page.specific.save_revision(
                    user=user
                )
                revision.publish(user=user)
        except ValidationError as error:
            refused.append((page, error))
            return 0
        return 1

    def get_success_message(self, num_parent_objects, num_child_objects):
        for page, error in self.refused:
            messages.error(self.request, refusal(page.get_admin_display_title(), error))
        if num_parent_objects + num_child_objects == 0:
            return None
        return super().get_success_message(num_parent_objects, num_child_objects)
