"""Compressed bodies both ways: data quota is money in the field. Responses via flask-compress; gzip request
bodies (the PWA's uploads) are inflated here, bounded by MAX_CONTENT_LENGTH so a zip bomb cannot grow in memory.
"""

import io
import zlib

from flask import request

from server.errors import Problem

_ERROR_KEY = "jemput_bola.body_error"


class GzipRequestMiddleware:
    """WSGI middleware: read chunked bodies within the limit, and inflate `Content-Encoding: gzip` bodies,
    before Flask reads them."""

    def __init__(self, app, max_bytes):
        self.app, self.max_bytes = app, max_bytes

    def __call__(self, environ, start_response):
        """Replace a chunked or gzip body by its bytes, or mark the request for a 413/400 problem."""
        if not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            environ[_ERROR_KEY] = self._read_chunked(environ)
        if environ.get("HTTP_CONTENT_ENCODING", "").strip().lower() == "gzip" and not environ.get(_ERROR_KEY):
            environ[_ERROR_KEY] = self._inflate(environ)
        return self.app(environ, start_response)

    def _read_chunked(self, environ):
        # A body without Content-Length (Transfer-Encoding: chunked): read at most one byte past the limit, so a
        # too-large body is a clear 413 and never grows in memory.
        body = environ["wsgi.input"].read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            return "request.too_large"
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return None

    def _inflate(self, environ):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.max_bytes:
            return "request.too_large"
        compressed = environ["wsgi.input"].read(length)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(compressed, self.max_bytes + 1)
        except zlib.error:
            return "request.malformed"
        if len(body) > self.max_bytes or inflater.unconsumed_tail:
            return "request.too_large"
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        del environ["HTTP_CONTENT_ENCODING"]
        return None


def refuse_bad_bodies():
    """Answer the problem the middleware found, in the house style."""
    problem = request.environ.get(_ERROR_KEY)
    if problem == "request.too_large":
        from flask import current_app

        raise Problem(problem, limit=current_app.config["MAX_CONTENT_LENGTH"])
    if problem:
        raise Problem(problem)


def init_app(app):
    """Install request inflation and response compression."""
    from server.extensions import compress

    app.wsgi_app = GzipRequestMiddleware(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])
    app.before_request(refuse_bad_bodies)
    compress.init_app(app)
