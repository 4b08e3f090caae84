"""`flask create-user` for scripts and operators."""

import sys

import click
from flask.cli import with_appcontext

from server.auth.operations import create_user as create_user_op
from server.errors import AppError
from server.extensions import db


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["trainer", "supervisor", "admin"]), required=True)
@click.option("--place", "places", multiple=True, help="Place code; repeat for several.")
@click.option("--name", "display_name", default="", help="Full name shown in the app.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(username, role, places, display_name, password_stdin):
    """Create a user with a role and places."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user_op(username, password, role, list(places), display_name=display_name)
    except AppError as error:
        raise click.ClickException(error.detail) from error
    db.session.commit()  # a command is its own unit of work
    click.echo(f"Created {user.role} {user.username} ({', '.join(p.code for p in user.places) or '-'})")
