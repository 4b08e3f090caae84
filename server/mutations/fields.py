"""What every record kind's field schema shares: pushed fields are the changed ones only."""

from marshmallow import Schema, fields, post_load, validate

from server.text import nfc


def text(max_length: int, **kwargs) -> fields.String:
    """Text that must contain more than spaces."""
    return fields.String(validate=[validate.Length(max=max_length), validate.Regexp(r"\S")], **kwargs)


def nullable_text(max_length: int) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=max_length))


class FieldsSchema(Schema):
    """Pushed fields: only the changed ones (loaded with partial=True); unknown names are errors."""

    text_fields: tuple[str, ...] = ()

    @post_load
    def _normalise(self, data: dict, **_kwargs) -> dict:
        for name in self.text_fields:
            if data.get(name) is not None:
                data[name] = nfc(data[name]) or None
        return data
