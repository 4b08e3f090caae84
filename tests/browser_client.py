"""A test client that handles the CSRF token as a browser does, so the suite runs with CSRF on as in production."""

import re
from contextlib import contextmanager

from flask import current_app, g, has_app_context
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The hidden input of every form: WTForms' form.csrf_token and the templates' csrf_token() both put name before value.
HIDDEN_TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')
HEADER = "X-CSRFToken"  # Flask-WTF's header for requests that are not forms


class BrowserClient(FlaskClient):
    """Remembers the CSRF token of the last HTML page it received and sends it with the forms it posts.

    A form post (data a dict, or no body) carries the token as its hidden field, as the page's form would;
    a cookie-session JSON call carries it in the X-CSRFToken header. A request with a bearer device token
    carries none (security.py does not check those). A client that has loaded no page has no token to send.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.csrf_token: str | None = None
        self.page_url: str | None = None  # sent as the Referer, which Flask-WTF checks over HTTPS
        self._sends_token = True

    @contextmanager
    def cross_site(self):
        """Requests made inside are forged by another site: the browser sends the cookie, but no page's token."""
        self._sends_token = False
        try:
            yield self
        finally:
            self._sends_token = True

    def open(self, *args, **kwargs):
        """Send the request (with the remembered token where a browser would send it) and read the token back."""
        if self._sends_token and self.csrf_token and _is_cookie_write(args, kwargs):
            _add_token(kwargs, self.csrf_token, self.page_url)
        if has_app_context():
            # A test that holds an app context shares flask.g with its requests: Flask-WTF keeps the
            # request's token there and Flask-Login the signed-in user; forget both so that each request
            # reads its own session, as in production.
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            g.pop("_login_user", None)
        response = super().open(*args, **kwargs)
        self._remember(response)
        return response

    def _remember(self, response) -> None:
        if response.mimetype != "text/html":
            return
        found = HIDDEN_TOKEN.search(response.get_data(as_text=True))
        if found:
            self.csrf_token = found.group(1)
            self.page_url = response.request.url


def _is_cookie_write(args, kwargs) -> bool:
    """A state-changing request built from keywords (not a redirect being followed) without a bearer token."""
    if kwargs.get("method", "GET").upper() not in WRITES or (args and not isinstance(args[0], str)):
        return False
    headers = kwargs.get("headers") or {}
    return not dict(headers).get("Authorization", "").startswith("Bearer ")


def _add_token(kwargs: dict, token: str, page_url: str | None) -> None:
    headers = dict(kwargs.get("headers") or {})
    if page_url:
        headers.setdefault("Referer", page_url)
    kwargs["headers"] = headers
    data = kwargs.get("data")
    if "json" not in kwargs and (data is None or isinstance(data, dict)):
        if isinstance(data, MultiDict):
            data = data.copy()  # keeps every value of a repeated field
            data.setdefault("csrf_token", token)
        else:
            data = {"csrf_token": token, **(data or {})}  # a dict's tuples are file uploads, its lists repeated fields
        kwargs["data"] = data
        return
    headers.setdefault(HEADER, token)
