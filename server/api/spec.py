"""The flask-smorest Api of the project: RFC 9457 problems as the documented error body, and the cookie scheme."""

import http

import marshmallow as ma
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import fields

from server.errors import PROBLEM_MEDIA_TYPE

SESSION_SCHEME = "cookieSession"


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem: `problem` is the stable code clients branch on; `errors` maps fields to messages."""

    class Meta:
        # RFC 9457 allows extension members; clients must ignore those they do not know.
        unknown = ma.INCLUDE

    type = fields.String(required=True, metadata={"description": "urn:jemput-bola:problem:<problem>"})
    title = fields.String(required=True, metadata={"description": "The HTTP status phrase."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    detail = fields.String(required=True, metadata={"description": "What happened, in Indonesian or English."})
    problem = fields.String(required=True, metadata={"description": "Stable problem code, e.g. auth.required."})
    errors = fields.Dict(metadata={"description": "Field (or line number) → messages, nested for nested input."})


class ProblemApi(Api):
    """Api whose every documented error is a problem+json body, with the session cookie as security scheme."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
        self.spec.components.security_scheme(
            SESSION_SCHEME,
            {
                "type": "apiKey",
                "in": "cookie",
                "name": "jb_session",
                "description": "Set by POST /auth/login or /auth/code. Writes also need the header "
                "X-Requested-With (CSRF defence).",
            },
        )
