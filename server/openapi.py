"""The OpenAPI 3.1 document of /api/v1, built from the view docstrings and the marshmallow schemas.

Every view under /api/v1 is picked up by walking the app's URL rules; its docstring holds the
operation in YAML after a line `---`, referring to schemas by class name. Schemas are found
in marshmallow's class registry, so every domain's schemas module is imported here.
"""

import importlib

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema, fields

bp = Blueprint("openapi", __name__)
API_PREFIX = "/api/v1"
SCHEMA_MODULES = (
    "server.auth.schemas",
    "server.places.schemas",
    "server.households.schemas",
    "server.training.schemas",
    "server.sync.schemas",
)


class ProblemSchema(Schema):
    """An RFC 9457 problem document: every API error looks like this."""

    type = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "What went wrong, in the user's language."})
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Stable machine-readable reason."})
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "Field names and what is wrong with them."})


# Reusable error responses; operations refer to them by name (e.g. `401: Unauthorized`).
PROBLEMS = {
    "MalformedJson": "The body is not valid JSON (code malformed_json).",
    "Unauthorized": "No valid session or device token, or wrong credentials.",
    "Forbidden": "Outside the caller's role or scope.",
    "NotFound": "Nothing with that code or id.",
    "TooLarge": "The body is over the size limit (code too_large).",
    "UnsupportedEncoding": "The body's Content-Encoding is neither absent nor gzip (code unsupported_encoding).",
    "NotJson": "The body is not sent as application/json (code not_json).",
    "Invalid": "Some values are not valid; see errors.",
    "TooManyRequests": "Too many attempts; wait a minute.",
    "Unavailable": "Busy or down; nothing was kept, try again with backoff.",
    "BadRequest": "The request could not be understood, e.g. a NUL character in the path or a form (code bad_request).",
}
# Any operation may meet these: a malformed request, a query parameter holding a NUL character
# (422 bad_parameter, named in errors), or the database being down.
COMMON_RESPONSES = {"400": "BadRequest", "422": "Invalid", "503": "Unavailable"}


def build_spec(app: Flask) -> dict:
    """The OpenAPI document as a dict."""
    for module in SCHEMA_MODULES:
        importlib.import_module(module)
    spec = APISpec(
        title="Lên Sàn API",
        version=app.config.get("API_VERSION", "1"),
        openapi_version="3.1.0",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": "Sync and reference data for the Lên Sàn phone app. See docs/sync.md."},
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    spec.components.schema("Problem", schema=ProblemSchema)
    for name, description in PROBLEMS.items():
        content = {"application/problem+json": {"schema": "Problem"}}
        spec.components.response(name, {"description": description, "content": content})
    from server.sync.schemas import DUMP_SCHEMAS

    for schema in DUMP_SCHEMAS.values():
        spec.components.schema(schema.__name__.removesuffix("Schema"), schema=schema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(API_PREFIX):
            spec.path(view=app.view_functions[rule.endpoint], app=app)
    document = spec.to_dict()
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                for status, name in COMMON_RESPONSES.items():
                    operation["responses"].setdefault(status, {"$ref": f"#/components/responses/{name}"})
    document["security"] = [{"bearerAuth": []}, {"session": []}]
    return document


@bp.get("/api/v1/openapi.json")
def openapi_document():
    """The OpenAPI document of this API.
    ---
    get:
      summary: The OpenAPI document of this API
      security: []
      responses:
        200:
          description: An OpenAPI 3.1 document.
          content:
            application/json:
              schema: {type: object}
    """
    if "openapi_document" not in current_app.extensions:
        current_app.extensions["openapi_document"] = build_spec(current_app)
    return jsonify(current_app.extensions["openapi_document"])
