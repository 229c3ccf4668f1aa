"""The published OpenAPI document is a valid OpenAPI 3 document, and says what every error looks like."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.one_backend  # HTTP, schemas and static files: the same on every engine


def test_the_document_is_valid_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["components"]["securitySchemes"]["cookieSession"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "jb_session",
        "description": spec["components"]["securitySchemes"]["cookieSession"]["description"],
    }
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "problem"}
    assert problem["properties"]["status"]["type"] == "integer" and problem.get("additionalProperties", True)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            default = operation["responses"]["default"]
            assert default == {"$ref": "#/components/responses/DEFAULT_ERROR"}, (method, path)
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(error) == ["application/problem+json"]
    assert spec["paths"]["/api/v1/auth/login"]["post"]["security"] == []
