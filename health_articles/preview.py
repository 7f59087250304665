"""Previews of drafts in the headless frontend (wagtail-headless-preview).

An editor's *Preview* stores the draft under a signed token; the frontend
reads it from the API's ``page_preview`` endpoint with that token.
"""

import secrets

from django.conf import settings

# The preview mode that opens the headless frontend.
FRONTEND_PREVIEW = "frontend"
# Seconds a preview token is good for, unless HEALTH_ARTICLES_PREVIEW_MAX_AGE.
DEFAULT_MAX_AGE = 60 * 60


def max_age():
    return getattr(settings, "HEALTH_ARTICLES_PREVIEW_MAX_AGE", DEFAULT_MAX_AGE)


def frontend_configured():
    """Whether a frontend to preview in is configured."""
    return bool(getattr(settings, "WAGTAIL_HEADLESS_PREVIEW", {}).get("CLIENT_URLS"))


def token_prefix(pk):
    """How the preview tokens of the saved page ``pk`` begin."""
    return f"id={pk};"


def anchor_pk(identifier):
    """The page a preview identifier (see ``token_identifier``) hangs from:
    the page itself, or, for a page not saved yet, its parent; None for an
    identifier of another shape."""
    fields = dict(part.split("=", 1) for part in identifier.split(";") if "=" in part)
    value = fields.get("id") or fields.get("parent_id") or ""
    return int(value) if value.isdigit() else None


def token_identifier(page):
    """What a preview token of ``page`` signs: the page (or, for a page not
    saved yet, its parent and type), and a random part, so that each preview
    gets a token of its own and two editors previewing the same page in the
    same second never share one."""
    if page.pk is None:
        parent = page.get_parent()
        identifier = f"parent_id={parent.pk};page_type={page._meta.label};"
    else:
        identifier = token_prefix(page.pk)
    return identifier + f"nonce={secrets.token_urlsafe(12)}"
