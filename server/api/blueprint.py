"""The Blueprint every resource uses: query strings are as strict as bodies."""

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort
from werkzeug.routing import BaseConverter, IntegerConverter


class StrictParser(FlaskParser):
    """Let each schema's own `unknown = RAISE` decide, in the query string too (webargs excludes by default)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {}

    def load_json(self, req, schema):
        """Return the JSON body; an operation that takes one refuses a request without it."""
        data = super().load_json(req, schema)
        if data is core.missing:
            abort(422, messages={"json": {"_schema": ["A JSON body is required."]}})
        return data

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:  # a body nested thousands deep: malformed, not a server failure
            abort(400, messages={"json": ["Invalid JSON body."]})


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint with the strict parser."""

    ARGUMENTS_PARSER = StrictParser()


class AreaCodeConverter(BaseConverter):
    """A Kemendagri area code in a URL (e.g. 35.09.19), so /targets/import is never taken for an area."""

    regex = r"[0-9]{2}(?:\.[0-9]{2}){0,2}(?:\.[0-9]{4})?"


class Int32Converter(IntegerConverter):
    """`<int:…>` in a URL: only ids a 32-bit column can hold (a larger one is simply not found)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
