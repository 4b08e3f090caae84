"""What the device sign-in API reads and answers."""

from marshmallow import Schema, fields, validate

from server.auth.models import ROLES


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    device_label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    app_version = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))


class UserProfileSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    locale = fields.String(required=True, allow_none=True)


class TokenScopeSchema(Schema):
    everything = fields.Boolean(required=True)
    communes = fields.List(fields.String(), required=True)


class TokenReplySchema(Schema):
    token = fields.String(required=True, metadata={"description": "Shown once; send as 'Authorization: Bearer …'."})
    device_id = fields.String(required=True, metadata={"description": "Ends every clock this phone makes."})
    expires_after_days = fields.Integer(required=True, metadata={"description": "Days without use before it expires."})
    user = fields.Nested(UserProfileSchema, required=True)
    scope = fields.Nested(TokenScopeSchema, required=True)
