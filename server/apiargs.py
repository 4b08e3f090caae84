"""API arguments: query strings and JSON bodies read by marshmallow schemas, through webargs.

Every /api/v1 view takes its arguments from one of the two decorators here, so the same schema
checks a request and, named in the view's docstring, writes that request's part of the OpenAPI
document. webargs (the request parser that flask-smorest is built on) rather than flask-smorest
itself: smorest brings its own Api object, blueprint class, error replies and OpenAPI builder,
which would replace server/openapi.py and the problem documents of server/errors.py; webargs
only reads and validates. Its errors become the app's problem documents (422 with `errors` by
field; code bad_parameter for a query string, invalid for a body, or the schema's own
`problem_codes`), and bodies are read by server/jsonbody.py, so too large, not JSON and
malformed bodies answer 413, 415 and 400 as before.
"""

from collections.abc import Callable

from flask_babel import gettext as _
from marshmallow import ValidationError as SchemaError
from marshmallow import fields, missing, validate
from webargs.flaskparser import FlaskParser

from server.errors import ValidationError
from server.jsonbody import read_json


class _ApiParser(FlaskParser):
    """webargs' Flask parser answering the app's problem documents."""

    def __init__(self, code: str, max_bytes: int | Callable[[], int] = 0, require_json_type: bool = False):
        super().__init__()
        self.code, self.max_bytes, self.require_json_type = code, max_bytes, require_json_type

    def load_json(self, req, schema) -> dict:
        """The body as server/jsonbody.py reads it: size limit, JSON and an object, or a problem."""
        limit = self.max_bytes() if callable(self.max_bytes) else self.max_bytes
        return read_json(limit, self.require_json_type, getattr(schema, "own_text", ()))

    def load_querystring(self, req, schema):
        """The query string; a parameter the document gives one value but sent twice is a bad parameter.

        Reading only the first of `?q=ok&q=<anything>` would let the second past every check.
        """
        single = {field.data_key or name for name, field in schema.fields.items() if not isinstance(field, fields.List)}
        repeated = sorted(name for name in single if len(req.args.getlist(name)) > 1)
        if repeated:
            message = _("Give this parameter once.")
            raise ValidationError(code=self.code, errors={name: [message] for name in repeated})
        return super().load_querystring(req, schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """Raise the app's ValidationError naming the fields (webargs nests them by location)."""
        [messages] = error.messages.values()
        codes = getattr(schema, "problem_codes", {})
        code = next((codes[name] for name in messages if name in codes), self.code)
        raise ValidationError(code=code, errors=messages) from error


def query(schema: type) -> Callable:
    """Decorator: the view's first argument is the query string loaded by `schema`.

    Both decorators make their schema once, when the view is defined: schemas keep no state
    between loads, and making one (marshmallow copies every declared field) cost a fifth of
    an empty pull.

    Parameters the schema does not name are ignored (?lang= is read by every page and endpoint).
    """
    return _ApiParser("bad_parameter").use_args(schema(), location="query")


def json_body(schema: type, max_bytes: int | Callable[[], int], require_json_type: bool = False) -> Callable:
    """Decorator: the view's first argument is the JSON object body loaded by `schema`."""
    return _ApiParser("invalid", max_bytes, require_json_type).use_args(schema(), location="json")


class WholeNumber(fields.Integer):
    """A whole number within bounds, with one translated message for whatever is wrong with it.

    An empty value (`?cursor=`) counts as absent, as it did when the pull read its arguments by hand.
    """

    def __init__(self, minimum: int, maximum: int | None = None, **kwargs):
        super().__init__(validate=validate.Range(min=minimum, max=maximum), **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """The number, or a ValidationError saying its bounds."""
        try:
            return super().deserialize(missing if value == "" else value, attr, data, **kwargs)
        except SchemaError as error:
            name = self.data_key or self.name
            if self.maximum is None:
                message = _("%(name)s must be a whole number of at least %(min)d.", name=name, min=self.minimum)
            else:
                message = _(
                    "%(name)s must be a whole number from %(min)d to %(max)d.",
                    name=name,
                    min=self.minimum,
                    max=self.maximum,
                )
            raise SchemaError(message) from error
