"""What every record kind's field schema shares: pushed fields are the changed ones only."""

from marshmallow import Schema, fields, post_load, pre_load, validate

from server.text import nfc, strip_invisible


def text(max_length: int, **kwargs) -> fields.String:
    """Text that must contain more than spaces."""
    return fields.String(validate=[validate.Length(max=max_length), validate.Regexp(r"\S")], **kwargs)


def nullable_text(max_length: int) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=max_length))


class FieldsSchema(Schema):
    """Pushed fields: only the changed ones (loaded with partial=True); unknown names are errors."""

    text_fields: tuple[str, ...] = ()
    # Names: zero-width and direction-control characters are removed before they are checked.
    name_fields: tuple[str, ...] = ()

    @pre_load
    def _visible_names(self, data, **_kwargs):
        if isinstance(data, dict) and any(isinstance(data.get(name), str) for name in self.name_fields):
            data = dict(data)
            for name in self.name_fields:
                if isinstance(data.get(name), str):
                    data[name] = strip_invisible(data[name])
        return data

    @post_load
    def _normalise(self, data: dict, **_kwargs) -> dict:
        for name in self.text_fields:
            if data.get(name) is not None:
                data[name] = nfc(data[name]) or None
        return data
