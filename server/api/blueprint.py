"""The Blueprint every resource uses: query strings are as strict as bodies."""

import flask_smorest
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    """Let each schema's own `unknown = RAISE` decide, in the query string too (webargs excludes by default)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {}


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint with the strict parser."""

    ARGUMENTS_PARSER = StrictParser()
