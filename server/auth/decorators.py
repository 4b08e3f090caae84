"""Role checks for views."""

from functools import wraps

from flask_login import current_user

from server.errors import Forbidden


def role_required(*roles: str):
    """Allow only signed-in users with one of these roles (use after login_required)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped

    return decorator
