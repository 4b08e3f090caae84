"""Reading JSON request bodies for the API: too large is 413, not JSON is 400, both problem documents."""

import json

from flask import request
from flask_babel import lazy_gettext as _l

from server.errors import AppError, ValidationError


class BodyTooLarge(AppError):
    status = 413
    code = "too_large"
    title = _l("What was sent is too large.")


class MalformedJson(AppError):
    status = 400
    code = "malformed_json"
    title = _l("What was sent is not valid JSON.")


class NotJson(AppError):
    status = 415
    code = "not_json"
    title = _l("Please send JSON (Content-Type: application/json).")


def read_json(max_bytes: int, require_json_type: bool = False) -> dict:
    """The request's JSON object, reading at most `max_bytes`."""
    if require_json_type and not request.is_json:
        raise NotJson()
    if request.content_length is not None and request.content_length > max_bytes:
        raise BodyTooLarge()
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BodyTooLarge()
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedJson() from error
    if b"\\u0000" in raw:  # a NUL inside a string: no field accepts it and PostgreSQL cannot store it
        raise MalformedJson()
    if not isinstance(body, dict):
        raise ValidationError(_l("Please send a JSON object."), code="not_an_object")
    return body
