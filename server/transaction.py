"""Where a transaction ends: one commit point per web request, and the steps every commit runs.

Web requests: operations add and flush, they never commit. `end_request` (an after_request
handler) is a request's one commit point: it commits when the answer is a success (status
below 400) and rolls back otherwise. The error handlers (server/errors.py) roll back before
they answer, and a view that catches a failed operation and still answers with a page or a
redirect (a flashed message) rolls back itself. Writes made on the way in (the bearer token's
last use, the language switch) join the request's commit, so a GET keeps them too.

A successful request that wrote nothing is not committed: its transaction only read, and the
request's teardown ends it (closing the session rolls back, which loses nothing). What counts
as written: a change held by the session (new, changed or deleted objects), and any statement
sent on the request's connection that is not a SELECT (a flush, or a Core INSERT, UPDATE or
DELETE such as the origin page's scan count). A SELECT that writes (nextval, a function with
side effects) would not be told apart: write with INSERT, UPDATE or DELETE. A phone's up-to-date
pull or a page view spent a tenth of its CPU in a COMMIT and the steps below, for nothing to keep.

The other commit points are units of their own, each with a comment saying why:
- server/sync/operations.py: a push commits once per batch, retried once on IntegrityError;
  its reply carries the versions that commit handed out.
- server/auth/operations.py: a refused sign-in keeps its failure count (the sign-in brake) although
  the request answers 401 and rolls back.
- server/households/import_check.py: a background import commits each chunk.
- server/jobs/operations.py: a job's state and progress, on a connection of their own, so that
  every app server polling the job sees them at once (the work's own transaction is apart).
- server/cli.py, server/auth/cli.py, server/demo/__init__.py, server/places/loader.py: commands
  and the demo loader.
- server/migrations/env.py: SQLite's foreign-key switch around the migrations, each commit on its
  own connection outside any request.

Every commit runs STEPS, in this order, from one before_commit listener:
1. assign versions (server/models_base.py): changed rows get their versions and are flushed
   once, with them (a batch of mutations has already taken its versions in one step before
   writing its new rows, server/mutations/rows.py: those rows keep them);
2. refresh summaries (server/reports/summary_hooks.py): household_summaries rows are recomputed
   from the source tables as that last flush left them.
"""

from flask import Flask
from sqlalchemy import event, orm
from sqlalchemy.engine import Connection

from server.extensions import db
from server.models_base import assign_versions
from server.reports.summary_hooks import refresh_summaries

STEPS = (assign_versions, refresh_summaries)
WROTE = "request_transaction_wrote"  # Connection.info key: a statement other than a SELECT was sent


@event.listens_for(orm.Session, "before_commit")
def _before_commit(session: orm.Session) -> None:
    for step in STEPS:
        step(session)


def _note_writes(conn: Connection, _cursor, statement: str, *_args) -> None:
    if not conn.info.get(WROTE) and statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


def _forget_writes(conn: Connection) -> None:
    conn.info.pop(WROTE, None)


def has_writes(session: orm.Session) -> bool:
    """Whether the session's transaction holds anything a commit would keep."""
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    return bool(session.connection().info.get(WROTE))


def init_request_transaction(app: Flask) -> None:
    """Register the request's commit point; call it last, so it runs before the other after_request handlers."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _note_writes)
    for ended in ("begin", "commit", "rollback"):  # a transaction starts with nothing written
        event.listen(engine, ended, _forget_writes)

    @app.after_request
    def end_request(response):
        session = db.session()
        if response.status_code >= 400:
            session.rollback()
            return response
        if not has_writes(session):
            return response  # it only read: the teardown's close ends the transaction
        try:
            session.commit()  # the request's one commit point
        except Exception as error:
            # The commit itself failed (a constraint, a lost connection): answer as for an
            # error in the view, with nothing of the request kept.
            session.rollback()
            return app.make_response(app.handle_user_exception(error))
        return response
