"""What the sign-in page and the admin pages for users read from their forms."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from server.forms import FormSchema, optional_text, required_text

USER_ROLES = ("trainer", "supervisor", "admin")  # in the order the role list shows them


class LoginFormSchema(FormSchema):
    """A user name and password; the password is read exactly as typed."""

    verbatim = ("password",)
    username = required_text(_l("Please enter a user name."))
    password = required_text(_l("Please enter the password."))


class UserFormSchema(FormSchema):
    """A new user, or a user's changes; the operations check names, passwords and places."""

    verbatim = ("password",)
    username = optional_text()
    display_name = optional_text()
    role = fields.String(load_default="trainer", validate=validate.OneOf(USER_ROLES))
    places = optional_text()
    active = fields.Boolean(load_default=False)
    password = optional_text()


class PasswordFormSchema(FormSchema):
    """A new password, on the same page as the user's other fields (so its name has a prefix)."""

    verbatim = ("pw-password",)
    password = required_text(_l("Please enter the new password."), data_key="pw-password")
