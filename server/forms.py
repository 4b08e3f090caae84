"""Posted web forms as marshmallow schemas read them: the CSRF token belongs to security.py, not to a record."""

from flask import current_app, request


def form_values(lists: tuple[str, ...] = ()) -> dict:
    """The posted fields without the CSRF token, one value each; the fields named in lists keep all their values."""
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    values = {name: value for name, value in request.form.items() if name != token_field}
    values.update({name: request.form.getlist(name) for name in lists})
    return values
