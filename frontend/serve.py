"""Serve the example frontend: its files, ``/config.js`` naming the API it
reads, and ``index.html`` for every other path, since the page routes by
path (``/<article slug>/``, ``/tags/``, ``/tags/<slug>/``).

    python frontend/serve.py --port 8001 --api http://127.0.0.1:8000

Standard library only; for development and the tests. Any static host with
a fallback to ``index.html`` serves the frontend as well (with a
``config.js`` of its own).
"""

import argparse
import functools
import json
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent


class FrontendHandler(SimpleHTTPRequestHandler):
    """The frontend's files; ``/config.js`` from ``api_url``; ``index.html``
    for any path that names no file."""

    api_url = ""
    quiet = False

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/config.js":
            return self.send_config()
        if not Path(self.translate_path(path)).exists():
            self.path = "/index.html"
        return super().send_head()

    def send_config(self):
        body = f"window.HEALTH_ARTICLES_API = {json.dumps(self.api_url)};\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)  # send_head's contract: what do_GET copies out

    def end_headers(self):
        # Development: every answer revalidated, so an edit shows at once.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


def make_server(api_url, host="127.0.0.1", port=0, quiet=False):
    """A server (not yet serving) for the frontend reading ``api_url``; port
    0 picks a free one (``server.server_port`` tells which)."""
    handler = type(
        "Handler", (FrontendHandler,), {"api_url": api_url.rstrip("/"), "quiet": quiet}
    )
    return ThreadingHTTPServer(
        (host, port), functools.partial(handler, directory=str(DIRECTORY))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--api", required=True, help="the site's URL, e.g. http://127.0.0.1:8000"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    server = make_server(args.api, args.host, args.port)
    print(f"Frontend on http://{args.host}:{server.server_port}/, reading {args.api}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
