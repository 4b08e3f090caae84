"""Security headers and CSRF: every form is protected, bearer-token API calls are not forms."""

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user

from server.errors import BadRequest, ValidationError
from server.extensions import csrf

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; media-src 'self' blob:; worker-src 'self'; "
    "manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def uses_bearer_token() -> bool:
    """Whether the request authenticates with a device token (no cookie, so no CSRF risk)."""
    return request.headers.get("Authorization", "").startswith("Bearer ")


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose Secure flag can follow the request's scheme."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """SESSION_COOKIE_SECURE "auto" means Secure exactly when served over HTTPS."""
        setting = app.config["SESSION_COOKIE_SECURE"]
        return request.is_secure if setting == "auto" else bool(setting)


def csrf_exempt(view):
    """Mark a view that reads no cookie-authenticated form (the phone's JSON sign-in)."""
    view.csrf_exempt = True
    return view


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target on this site (a path, never //host or a backslash trick), else `fallback`."""
    # Browsers drop tabs and line breaks inside a URL, so "/\t/host" would lead to //host.
    plain = target and not any(ord(ch) < 33 or ch == "\\" for ch in target)
    if plain and target.startswith("/") and not target.startswith("//"):
        return target
    return fallback


def _exempt() -> bool:
    return getattr(current_app.view_functions.get(request.endpoint), "csrf_exempt", False)


def holds_nul_character() -> bool:
    """Whether the path, a query or a form value holds a NUL, which no field, record or file name accepts."""
    values = [request.path] + [v for _, vs in request.args.lists() for v in vs]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [v for _, vs in request.form.lists() for v in vs]
    return any("\x00" in value for value in values)


def _nul_in_api_query() -> dict:
    """The API's query parameters holding a NUL, with why: a bad parameter (422), as the document says."""
    if not request.path.startswith("/api/") or "\x00" in request.path:
        return {}
    message = _("A NUL character is not allowed.")
    return {name: [message] for name, values in request.args.lists() if any("\x00" in v for v in values)}


def init_security(app: Flask) -> None:
    """Register the CSRF check, the session cookie policy and the response headers."""
    app.session_interface = SessionInterface()

    @app.before_request
    def _refuse_nul_characters():
        if holds_nul_character():
            bad_parameters = _nul_in_api_query()
            if bad_parameters:
                raise ValidationError(code="bad_parameter", errors=bad_parameters)
            raise BadRequest()

    @app.before_request
    def _check_csrf():
        if request.method in ("GET", "HEAD", "OPTIONS") or uses_bearer_token() or _exempt():
            return
        if request.routing_exception is not None:
            return  # no view will run: the 404 or 405 (with Allow) answers
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            return  # nobody signed in: nothing to forge, and the view answers 401 as documented
        if app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()

    @app.after_request
    def _headers(response):
        # Those a view set itself stay; the others are added in one pass (six setdefault calls
        # each searched the headers again).
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        headers.extend([(name, value) for key, name, value in _SECURITY_HEADERS if key not in present])
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response


_SECURITY_HEADERS = [
    (name.lower(), name, value)
    for name, value in (
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
]
