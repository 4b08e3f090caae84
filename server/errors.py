"""One error hierarchy: problem+json under /api/, an HTML page elsewhere."""

import json
import math
import time

import sqlalchemy as sa
from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from server.extensions import db, limiter, login_manager


class AppError(Exception):
    """A failure the user can understand; subclasses set status, code and title."""

    status = 400
    code = "bad_request"
    title = _l("The request could not be understood.")

    def __init__(self, detail: str | None = None, *, code: str | None = None, errors: dict | None = None):
        super().__init__(detail or str(self.title))
        self.detail = detail or str(self.title)
        if code:
            self.code = code
        self.errors = errors


class BadRequest(AppError):
    status = 400
    code = "bad_request"
    title = _l("The request could not be understood.")


class ValidationError(AppError):
    status = 422
    code = "invalid"
    title = _l("Some values are not valid.")


class NotFound(AppError):
    status = 404
    code = "not_found"
    title = _l("Nothing was found at this address.")


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    title = _l("You do not have access to this.")


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    title = _l("Please sign in.")


class Conflict(AppError):
    status = 409
    code = "conflict"
    title = _l("This conflicts with a record that already exists.")


class TooManyRequests(AppError):
    """Over a limit for now; `retry_after` says in how many seconds the next try may pass (sent as Retry-After)."""

    status = 429
    code = "too_many_requests"
    title = _l("Too many attempts. Please wait a moment and try again.")

    def __init__(self, detail: str | None = None, *, code: str | None = None, retry_after: float = 60):
        super().__init__(detail, code=code)
        self.retry_after = max(math.ceil(retry_after), 1)


class ServiceUnavailable(AppError):
    status = 503
    code = "unavailable"
    title = _l("The service is unavailable right now. Please try again soon.")


RETRY_AFTER_SECONDS = 30


def wants_json() -> bool:
    """API paths answer problem documents; pages answer HTML."""
    return request.path.startswith("/api/")


def problem(status: int, code: str, title: str, detail: str | None = None, errors: dict | None = None):
    """An RFC 9457 problem document response."""
    body = {"type": f"about:blank#{code}", "title": str(title), "status": status, "code": code}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _page(status: int, title: str, detail: str | None):
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


SERVER_ERROR = _l("Something went wrong on our side. Please try again.")


class ApiErrorGuard:
    """WSGI middleware, the last resort: an error that escapes Flask's handlers under /api/ still
    answers a problem document, never the WSGI server's HTML page.

    Flask answers an error in a view with the handlers below; only an error inside those
    handlers (the database failing again while rolling back, say) reaches this.
    """

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/api/"):
            return self.wsgi_app(environ, start_response)
        try:
            return self.wsgi_app(environ, start_response)
        except Exception:
            self.app.logger.exception("Error while answering an error")
            body = json.dumps(self._problem(environ)).encode()
            headers = [("Content-Type", "application/problem+json"), ("Content-Length", str(len(body)))]
            start_response("500 INTERNAL SERVER ERROR", headers, None)
            return [body]

    def _problem(self, environ) -> dict:
        from werkzeug.datastructures import LanguageAccept
        from werkzeug.http import parse_accept_header

        languages = self.app.config["LANGUAGES"]
        asked = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept).best_match(languages)
        try:
            with self.app.app_context(), force_locale(asked or self.app.config["BABEL_DEFAULT_LOCALE"]):
                title = str(SERVER_ERROR)
        except Exception:  # the catalogue itself is out of reach: the source text still says it
            title = SERVER_ERROR._args[0]
        return {"type": "about:blank#server_error", "title": title, "status": 500, "code": "server_error"}


def _forget(app: Flask) -> None:
    """Roll the request's session back; a failing rollback (a lost connection) must not fail the answer."""
    try:
        db.session.rollback()
    except Exception:
        app.logger.exception("Rollback failed")
        db.session.remove()


def register_error_handlers(app: Flask) -> None:
    """Answer every error in the form the client expects, keeping nothing the request wrote."""
    app.wsgi_app = ApiErrorGuard(app, app.wsgi_app)

    # Each handler rolls back first (server/transaction.py): a failed flush leaves the session
    # unusable, and the page answered may read the database (the user, the menu).
    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        _forget(app)
        if wants_json():
            response = problem(error.status, error.code, error.title, error.detail, error.errors)
        else:
            response = make_response(_page(error.status, str(error.title), error.detail))
        if error.status == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(sa.exc.OperationalError)
    def _database_unavailable(error: sa.exc.OperationalError):
        # The database is down, unreachable or gave up on a lock: nothing of this request was
        # kept, so the client may send it again later (the phone keeps its outbox and backs off).
        app.logger.warning("Database unavailable: %s", error)
        _forget(app)
        # Answer as to an anonymous caller: loading the user (for the language, the menu) would
        # ask the database again and fail inside this handler.
        login_manager._update_request_context_with_user()
        return _app_error(ServiceUnavailable(code="database_unavailable"))

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        _forget(app)
        title = str(_l("This form has expired. Please go back, reload the page and try again."))
        if wants_json():
            return problem(400, "csrf", title)
        return _page(400, title, None)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        _forget(app)
        title = _HTTP_TITLES.get(error.code, error.name)
        if wants_json():
            response = problem(error.code or 500, _http_code(error), str(title))
        else:
            response = make_response(_page(error.code or 500, str(title), None))
        for name, value in error.get_headers():  # Allow on a 405, WWW-Authenticate, Retry-After
            if name.lower() != "content-type":
                response.headers[name] = value
        if error.code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_rate_limit_reset())
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        _forget(app)
        app.logger.exception("Unhandled error")
        title = str(SERVER_ERROR)
        if wants_json():
            return problem(500, "server_error", title)
        return _page(500, title, None)


def _rate_limit_reset() -> int:
    """Seconds until the rate limit that refused this request lets the next one through."""
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def _http_code(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_")


_HTTP_TITLES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You do not have access to this."),
    404: _l("Nothing was found at this address."),
    405: _l("This action is not allowed here."),
    413: _l("What was sent is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: SERVER_ERROR,
    503: _l("The service is unavailable right now. Please try again soon."),
}
