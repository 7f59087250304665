"""Signing secrets and signatures, as the Standard Webhooks specification has
them (https://www.standardwebhooks.com/): a secret is ``whsec_`` and the
base64 of 24 to 64 random bytes; a signature is ``v1,`` and the base64 of the
HMAC-SHA256, keyed with those bytes, of ``{id}.{timestamp}.{body}``. So any
Standard Webhooks library verifies what the site sends."""

import base64
import binascii
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64


def new_secret():
    """A fresh random secret (the default of a new endpoint)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret):
    """The key bytes ``secret`` stands for; ValueError if it is not a secret."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a secret starts with {SECRET_PREFIX}")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as error:
        raise ValueError("a secret is base64 after its prefix") from error
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(
            f"a secret stands for {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes"
        )
    return key


def validate_secret(secret):
    try:
        secret_key(secret)
    except ValueError as error:
        raise ValidationError(
            _("Not a signing secret (%(reason)s)."), params={"reason": error}
        ) from error


def signature(secret, event_id, timestamp, body):
    """The ``webhook-signature`` header of ``body`` (text) sent at
    ``timestamp`` (whole seconds since the epoch) as event ``event_id``."""
    signed = f"{event_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
