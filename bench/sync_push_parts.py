"""What the push's guarantees cost it: sync_push.py's push with and without each, in turn with pouchdb-server.

    tools/with-postgres python bench/sync_push_parts.py
    python bench/sync_push_parts.py                       # SQLite: no foreign-key variant

Each round pushes the same 10,000 mutations (batches of 500) once as the app does, then with
one or more of the push's guarantees taken out, then sends them to pouchdb-server; BENCH_ROUNDS
rounds (default 7), each variant on empty tables, each round starting with the next variant.
Printed per variant: the median time, its ratio to pouchdb-server's time in the same round
(median and range), the app's CPU and, on a local PostgreSQL, the database's CPU; and
pouchdb-server's time and CPU.

The guarantees are taken out by this process, for the benchmark only (the app never runs
without them; the data such a round leaves is wrong and is emptied before the next):
- `fk`: the foreign keys' row checks, by `SET LOCAL session_replication_role = replica` at each
  transaction's start (PostgreSQL; a superuser's setting, as the throw-away server's user is);
- `summaries`: the refresh of household_summaries and the counters (summary.refresh does nothing);
- `log`: the mutation log (LogBook.write writes nothing, so a replay would be applied again).
The push without all three is what no trimming of them can go below: the reading, checking,
merging and writing of the records themselves.
"""

import os
import statistics

import sqlalchemy as sa
from sync_push import empty_tables, prepare, process_cpu, push_all, start_pouchdb

import server.reports.summary as summary
from server.mutations.log import LogBook

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
WITHOUT: set[str] = set()  # the guarantees the push in progress goes without


def _take_out() -> None:
    """Make the push skip whatever WITHOUT names (the hooks below read it on every call)."""
    refresh, write = summary.refresh, LogBook.write

    def refresh_unless_taken_out(*args, **kwargs):
        return 0 if "summaries" in WITHOUT else refresh(*args, **kwargs)

    def write_unless_taken_out(book):
        if "log" in WITHOUT:
            book.new_rows, book.updates = [], {}
            return None
        return write(book)

    summary.refresh = refresh_unless_taken_out
    LogBook.write = write_unless_taken_out

    @sa.event.listens_for(sa.engine.Engine, "begin")
    def _no_key_checks(conn):
        if "fk" in WITHOUT and conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")


def postgres_cpu() -> float | None:
    """CPU seconds used so far by the local PostgreSQL server's processes (None if none is seen)."""
    total, seen = 0.0, False
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if not comm.read().startswith("postgres"):
                    continue
        except OSError:
            continue
        spent = process_cpu(int(pid))
        if spent is not None:
            total, seen = total + spent, True
    return total if seen else None


def main() -> None:
    app, dialect, raw, batch = prepare()
    variants = ["as the app runs", "summaries", "log", "summaries+log"]
    if dialect.startswith("postgresql"):
        variants[1:1] = ["fk"]
        variants.append("fk+summaries+log")
    pouchdb = start_pouchdb()
    if pouchdb is None:
        return
    _take_out()
    found: dict[str, list[tuple]] = {name: [] for name in variants}
    try:
        push_all(app, raw, batch)  # both sides warm, as in sync_push.py
        pouchdb.push(batch)
        for number in range(1, ROUNDS + 1):
            times = {}
            # Each round starts with another variant: a machine whose speed drifts favours none.
            start = (number - 1) % len(variants)
            for name in variants[start:] + variants[:start]:
                WITHOUT.clear()
                WITHOUT.update(name.split("+") if name != "as the app runs" else ())
                empty_tables(app)
                cpu, database = [], postgres_cpu()
                pushed = push_all(app, raw, batch, cpu)
                times[name] = (pushed, cpu[0], None if database is None else postgres_cpu() - database)
            WITHOUT.clear()
            pouchdb_cpu = []
            spent = pouchdb.push(batch, pouchdb_cpu)
            for name, (pushed, cpu, database) in times.items():
                found[name].append(
                    (pushed, pushed / spent, cpu, database, spent, pouchdb_cpu[0] if pouchdb_cpu else None)
                )
            print(f"{dialect}: round {number} of {ROUNDS}: pouchdb-server {spent:.2f} s", flush=True)
    finally:
        WITHOUT.clear()
        pouchdb.close()
        empty_tables(app)
    print(f"{dialect}: the push of 10,000 mutations without some of its guarantees, {ROUNDS} rounds (medians)")
    for name, rounds in found.items():
        ratios = [r[1] for r in rounds]
        label = "as the app runs" if name == "as the app runs" else "without " + ", ".join(name.split("+"))
        line = (
            f"  {label:34s} {statistics.median(r[0] for r in rounds):.2f} s;"
            f" / pouchdb-server {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f});"
            f" app CPU {statistics.median(r[2] for r in rounds):.2f} s"
        )
        if all(r[3] is not None for r in rounds):
            line += f", database CPU {statistics.median(r[3] for r in rounds):.2f} s"
        print(line)
    rounds = found["as the app runs"]
    line = f"  {'pouchdb-server':34s} {statistics.median(r[4] for r in rounds):.2f} s"
    if all(r[5] is not None for r in rounds):
        line += f"; its CPU {statistics.median(r[5] for r in rounds):.2f} s (its process, all its threads)"
    print(line)


if __name__ == "__main__":
    main()
