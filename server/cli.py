"""Operator commands: load the official places, load demo data, rebuild the indicator summaries,
make the web fonts."""

import click
from flask.cli import with_appcontext


@click.command("load-places")
@with_appcontext
def load_places_command():
    """Load or refresh the official provinces and communes."""
    from server.places.loader import load_official_places

    added = load_official_places()
    click.echo(f"Places loaded ({added} new).")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing when households already exist.")
@click.option("--households", default=2000, show_default=True)
@with_appcontext
def demo_data_command(if_empty, households):
    """Load a believable demo: Vĩnh Long (former Trà Vinh) and Cần Thơ (former Hậu Giang)."""
    from server import keep_statistics
    from server.demo import DEMO_LOGINS, load_demo
    from server.extensions import db

    if not load_demo(households=households, only_if_empty=if_empty):
        click.echo("Demo data already present.")
    else:
        with db.engine.begin() as conn:
            keep_statistics(conn)
    click.echo("Demo logins:")
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {role:<11} {username} / {password}")


@click.command("rebuild-summaries")
@with_appcontext
def rebuild_summaries_command():
    """Recompute every household's indicator summary from the source tables (after a restore or raw SQL)."""
    from server import keep_statistics
    from server.extensions import db
    from server.reports.summary import rebuild

    rows = rebuild(db.session.connection())
    db.session.commit()  # a command is its own unit of work
    with db.engine.begin() as conn:
        keep_statistics(conn)
    click.echo(f"Household summaries rebuilt ({rows} households).")


@click.command("web-fonts")
@with_appcontext
def web_fonts_command():
    """Make the Khmer web font subset now, so the first page read in Khmer does not wait for it."""
    from server.webfonts import khmer_web_font

    click.echo(f"Khmer web font ready ({len(khmer_web_font()) // 1000} KB).")
