"""The Blueprint every resource uses: query strings are as strict as bodies."""

import flask_smorest
from webargs.flaskparser import FlaskParser, abort


class StrictParser(FlaskParser):
    """Let each schema's own `unknown = RAISE` decide, in the query string too (webargs excludes by default)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {}

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:  # a body nested thousands deep: malformed, not a server failure
            abort(400, messages={"json": ["Invalid JSON body."]})


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint with the strict parser."""

    ARGUMENTS_PARSER = StrictParser()
