"""Sign-in and sign-out pages, and the admin pages for users."""

import math

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from server.auth import operations, sessions, throttle
from server.auth.decorators import role_required
from server.auth.forms import USER_ROLES, LoginFormSchema, PasswordFormSchema, UserFormSchema
from server.auth.models import User
from server.errors import AppError
from server.extensions import db, limiter, login_manager
from server.forms import form_values, load_form
from server.security import safe_next, uses_bearer_token
from server.vocab import ROLE_NAMES

bp = Blueprint("auth", __name__)
SIGNED_IN_COOKIE = "ls_signed_in"


@login_manager.user_loader
def _load_user(session_id: str):
    if uses_bearer_token():
        # A request naming a device token skips the CSRF check: only that token may sign it in,
        # never the browser's session cookie sent along with it.
        return None
    user_id, _sep, epoch = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or str(user.session_epoch) != epoch:
        return None
    if sessions.current(user.id) is None:  # signed out, ended by a reset, or unused for too long
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    from server.errors import Unauthorized, wants_json

    if wants_json():
        raise Unauthorized()
    if request.cookies.get(SIGNED_IN_COOKIE):
        flash(_("Your session has expired. Please sign in again."), "warning")
    else:
        flash(_("Please sign in."), "info")
    response = redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("core.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in with a user name and password."""
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values, errors = load_form(LoginFormSchema(), form_values())
    if request.method == "POST" and not errors:
        try:
            user = operations.authenticate(values["username"], values["password"], throttle.client_address())
        except operations.LoginRefused as refusal:
            errors, status = {"password": refusal_message(refusal)}, refusal_status(refusal)
            page = make_response(render_template("auth/login.html", values=values, errors=errors), status)
            if refusal.retry_after:
                page.headers["Retry-After"] = str(refusal.retry_after)
            return page
        else:
            login_user(user)
            sessions.start(user)
            session.permanent = True
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="Lax", secure=request.is_secure)
            return response
    return render_template("auth/login.html", values=values, errors=errors), status


def refusal_status(refusal: "operations.LoginRefused") -> int:
    """401 for a refused password or account, 429 while the address must wait."""
    return 429 if refusal.retry_after else 401


def refusal_message(refusal: "operations.LoginRefused") -> str:
    """Why sign-in was refused, in the user's language, with the wait when there is one."""
    if refusal.reason == "locked":
        minutes = max(1, math.ceil((refusal.retry_after or 60) / 60))
        return _("Too many wrong passwords. Please wait %(minutes)s minutes, then try again.", minutes=minutes)
    if refusal.reason == "slow_down":
        return _(
            "Too many wrong passwords. Please wait %(seconds)s seconds, then try again.",
            seconds=refusal.retry_after or 1,
        )
    if refusal.reason == "inactive":
        return _("This account is switched off. Ask your administrator.")
    return _("The user name or password is wrong.")


@bp.post("/logout")
def logout():
    """Sign out and end the session on the server, so no copy of its cookie opens a page again."""
    sessions.end_current()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    response = redirect(url_for("auth.login"))
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


@bp.get("/admin/users")
@login_required
@role_required("admin")
def users():
    """List every user."""
    return _users_page({"role": "trainer"}, {}), 200


def _users_page(values: dict, errors: dict) -> str:
    rows = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=rows, values=values, errors=errors, roles=_role_options())


@bp.post("/admin/users")
@login_required
@role_required("admin")
def create_user():
    """Create a user from the admin page."""
    values, errors = load_form(UserFormSchema(), form_values())
    if not errors:
        try:
            operations.create_user(
                values["username"] or "",
                values["password"] or "",
                values["role"],
                _codes(values["places"]),
                display_name=values["display_name"] or "",
            )
        except AppError as error:
            flash(error.detail, "error")
        else:
            flash(_("User %(name)s created.", name=(values["username"] or "").strip().lower()), "success")
            return redirect(url_for("auth.users"))
    return _users_page(form_values(), errors), 422


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
@role_required("admin")
def edit_user(user_id: int):
    """Change a user's role, places and access, or reset the password."""
    user = db.get_or_404(User, user_id)
    values = {
        "display_name": user.display_name,
        "role": user.role,
        "places": ", ".join(p.code for p in user.places),
        "active": user.active,
    }
    errors = {}
    if request.method == "POST":
        values, errors = load_form(UserFormSchema(), form_values())
    if request.method == "POST" and not errors:
        try:
            operations.update_user(
                user, values["role"], _codes(values["places"]), values["active"], values["display_name"] or ""
            )
        except AppError as error:
            db.session.rollback()
            flash(error.detail, "error")
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("auth.edit_user", user_id=user.id))
        values = form_values() | {"active": values["active"]}
    return render_template("admin/user_edit.html", user=user, values=values, errors=errors, roles=_role_options())


@bp.post("/admin/users/<int:user_id>/password")
@login_required
@role_required("admin")
def reset_password(user_id: int):
    """Set a new password for a user."""
    user = db.get_or_404(User, user_id)
    values, errors = load_form(PasswordFormSchema(), form_values())
    if errors:
        flash(errors["pw-password"], "error")
    else:
        try:
            operations.reset_password(user, values["password"])
        except AppError as error:
            db.session.rollback()
            flash(error.detail, "error")
        else:
            flash(_("Password changed. The user's other sessions have ended."), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


def _role_options() -> list[tuple[str, str]]:
    return [(role, ROLE_NAMES[role]) for role in USER_ROLES]


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").replace(";", ",").split(",") if c.strip()]
