"""What the places API answers."""

from marshmallow import Schema, fields, validate

from server.places.models import KINDS


class PlaceDumpSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent_code = fields.String(required=True, allow_none=True)
    province_code = fields.String(required=True)
    legacy_names = fields.List(fields.String(), required=True, metadata={"description": "Names before the reform."})


class PlaceListSchema(Schema):
    places = fields.List(fields.Nested(PlaceDumpSchema), required=True)


class PlaceListQuerySchema(Schema):
    """The query string of the place list."""

    parent = fields.String(metadata={"description": "Code of the parent place; the provinces when absent."})


class PlaceSearchQuerySchema(Schema):
    """The query string of the place search."""

    q = fields.String(load_default="", validate=validate.Length(max=100))
    kind = fields.String(validate=validate.OneOf(KINDS))
