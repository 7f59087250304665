"""gunicorn's settings for the site (``make serve`` passes this file).

gunicorn names itself in a ``Server`` header of every response, which tells
an attacker what to try; it has no setting to leave it out, so its response
headers are written here without it.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(response):
    return [
        header
        for header in _default_headers(response)
        if not header.lower().startswith("server:")
    ]


wsgi.Response.default_headers = _without_server
