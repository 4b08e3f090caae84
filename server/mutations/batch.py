"""What a batch of mutations needs from the database, loaded up front in a few queries instead of per mutation."""

import functools
import operator
import uuid
from typing import NamedTuple

import sqlalchemy as sa

from server import clock as hlc
from server.auth.scope import Scope
from server.extensions import db
from server.households.models import Household
from server.models_base import utcnow
from server.mutations import listed
from server.mutations.entity import Entity
from server.mutations.kinds import ENTITIES
from server.mutations.log import LogBook
from server.mutations.rejections import RETRYABLE, Rejected
from server.mutations.rows import NewRow, write_new
from server.mutations.values import load_values
from server.places.models import Place
from server.training.models import TrainingSession


class Batch:
    """Caches for one push: log entries, target records (locked), parents and places."""

    def __init__(self, user, token, scope: Scope, fresh: bool = False, device_id: str | None = None):
        # The user itself, not flask_login's proxy of it: the rules read it for every mutation.
        user = user._get_current_object() if hasattr(user, "_get_current_object") else user
        self.user, self.token, self.scope = user, token, scope
        # A retried push asks the database for natural keys again: a concurrent push made some.
        self.fresh = fresh
        self.logs = LogBook(user, token, device_id)
        # (household id, purpose) -> (clock, given): the newest answer, stored or in this batch.
        self.consents: dict[tuple, tuple[str, bool]] = {}
        self.records: dict[str, dict[uuid.UUID, object]] = {name: {} for name in ENTITIES}
        self.by_key: dict[str, dict[tuple, object]] = {name: {} for name in ENTITIES}
        self.aliases: dict[uuid.UUID, uuid.UUID] = {}
        self.places: dict[str, sa.Row] = {}
        self.parents: dict[uuid.UUID, Parent] = {}  # households and sessions read for their commune
        self.new_rows: list[NewRow] = []  # records this batch creates, inserted by write()
        self.loaded: dict[int, dict | Rejected] = {}  # id(mutation) -> its fields read, or why not
        self.latest_ms = hlc.latest_allowed_ms()  # a pushed clock after this is ahead of the server's
        # The same bound as a clock's first 13 characters: pushed clocks are checked against
        # hlc.PATTERN when read (13 digits of milliseconds first), so text order is number order.
        self.latest_prefix = f"{self.latest_ms:013d}"
        # The batch's one time: its new records' creation and the log's reception.
        self.now = utcnow()
        self.logs.received_at = self.now

    def load(self, mutations: list[dict]) -> "Batch":
        """Read the mutations' fields and prefetch everything they refer to."""
        wanted = {name: set() for name in ENTITIES}
        for m in mutations:
            wanted[m["entity"]].add(m["record_id"])
        # The log's earlier entries, and client ids that were merged into an existing row by natural key.
        self.aliases.update(self.logs.load([m["mutation_id"] for m in mutations], set().union(*wanted.values())))
        for m in mutations:  # all but replies seen before, which are sent again as they were
            seen = self.logs.get(m["mutation_id"])
            if seen is None or seen.code in RETRYABLE:
                try:
                    self.loaded[id(m)] = load_values(ENTITIES[m["entity"]], m)
                except Rejected as rejection:
                    self.loaded[id(m)] = rejection
        # The pushed households' consents (the answers the rules read) come with the consents by id.
        asked = self._asked_households(mutations)
        for name, record_ids in wanted.items():
            record_ids |= {self.aliases[i] for i in record_ids if i in self.aliases}
            self._load_records(ENTITIES[name], record_ids, asked if name == "consent" else set())
        self._load_keys(mutations)
        # A pushed household or session not found by its id is not in the database: not a parent to look for.
        self._load_parents(mutations, wanted["household"] | wanted["training_session"])
        self._load_places(mutations)
        self._load_consents(mutations, asked)
        return self

    def _load_records(self, entity: Entity, record_ids: set, household_ids: set) -> None:
        """Rows by id, and (consents) every row of these households, locked and tracked."""
        if record_ids or household_ids:
            model, dialect = entity.model, db.session.get_bind().dialect
            params = {"ids": listed.value(model.id, record_ids, dialect)}
            if household_ids:
                params["households"] = listed.value(model.household_id, household_ids, dialect)
            for record in db.session.scalars(_records_query(model, dialect.name, bool(household_ids)), params):
                self.remember(entity, record)

    def values(self, entity: Entity, m: dict) -> dict:
        """The mutation's fields as its kind's schema reads them (read by load(), once)."""
        found = self.loaded.pop(id(m), None)
        if found is None:
            return load_values(entity, m)
        if isinstance(found, Rejected):
            raise found
        return found

    def _read(self, mutations: list[dict]):
        """(mutation, its fields read) for those whose fields are valid."""
        for m in mutations:
            found = self.loaded.get(id(m))
            if found is not None and not isinstance(found, Rejected):
                yield m, found

    def _load_keys(self, mutations: list[dict]) -> None:
        """Existing rows with the natural key of a pushed record (for records not found by id)."""
        dialect = db.session.get_bind().dialect
        for entity in ENTITIES.values():
            if not entity.key or entity.name == "consent":  # consents came with their households'
                continue
            keys = {
                tuple(values[f] for f in entity.key)
                for m, values in self._read(mutations)
                if m["entity"] == entity.name and all(values.get(f) is not None for f in entity.key)
            }
            if keys:
                columns = [getattr(entity.model, f) for f in entity.key]
                params = listed.tuples_value(columns, "keys", keys, dialect)
                for record in db.session.scalars(_keys_query(entity.model, entity.key, dialect.name), params):
                    self.remember(entity, record)

    def _load_parents(self, mutations: list[dict], looked_up: set) -> None:
        household_ids, session_ids = set(), set()
        for _m, values in self._read(mutations):
            household_ids.add(values.get("household_id"))
            session_ids.add(values.get("session_id"))
        for name in ("consent", "marketplace_account", "payment_account", "attendance"):
            household_ids.update(r.household_id for r in self.records[name].values())
        for name in ("attendance", "bulletin_told"):
            session_ids.update(r.session_id for r in self.records[name].values())
        household_ids -= {None, *looked_up, *self.records["household"]}
        session_ids -= {None, *looked_up, *self.records["training_session"]}
        # Parents are only read (for their commune): plain (id, commune_code) pairs, not tracked by
        # the session; their ids come back as stored and are matched to the ids asked for.
        dialect = db.session.get_bind().dialect
        for model, ids in ((Household, household_ids), (TrainingSession, session_ids)):
            if ids:
                process = model.id.type._cached_bind_processor(dialect)
                asked = {process(i): i for i in ids} if process is not None else {i: i for i in ids}
                params = {"ids": listed.value(model.id, ids, dialect)}
                for stored, commune_code in db.session.execute(_parents_query(model, dialect.name), params):
                    found = asked.get(stored)
                    if found is not None:
                        self.parents[found] = Parent(found, commune_code)

    def _load_places(self, mutations: list[dict]) -> None:
        codes = {m["changed"].get(f) for m in mutations for f in ("commune_code", "hamlet_code")}
        codes = {c for c in codes if isinstance(c, str)}
        if codes:
            for place in db.session.execute(
                _PLACES.where(Place.code.in_(sa.bindparam("codes", expanding=True))), {"codes": list(codes)}
            ):
                self.places[place.code] = place

    def _asked_households(self, mutations: list[dict]) -> set:
        """The households whose consent answers the rules read: pushed ones and those of pushed consents."""
        household_ids = {m["record_id"] for m in mutations if m["entity"] == "household"}
        household_ids |= {_as_uuid(m["changed"].get("household_id")) for m in mutations if m["entity"] == "consent"}
        household_ids.discard(None)
        return household_ids

    def _load_consents(self, mutations: list[dict], household_ids: set) -> None:
        """The consent answers of the pushed households: stored ones, then this batch's if newer."""
        for consent in self.records["consent"].values():
            if consent.household_id in household_ids and consent.deleted_at is None:
                clock = (consent.field_clocks or {}).get("given") or ""
                self.consents[(consent.household_id, consent.purpose)] = (clock, consent.given)
        for m in mutations:
            changed = m["changed"]
            if m["entity"] != "consent" or m["op"] != "upsert" or not isinstance(changed.get("given"), bool):
                continue
            key = (_as_uuid(changed.get("household_id")), changed.get("purpose"))
            if key not in self.consents or self.consents[key][0] < m["clock"]:
                self.consents[key] = (m["clock"], changed["given"])

    def consent(self, household_id, purpose: str) -> bool | None:
        """The household's answer for a purpose (None: not asked), counting this batch's answers."""
        found = self.consents.get((household_id, purpose))
        return found[1] if found is not None else None

    def household_record(self, household_id):
        """The household as a tracked row (loaded now if only its commune was read)."""
        found = self.records["household"].get(household_id)
        if found is None:
            found = db.session.get(Household, household_id)
            if found is not None:
                self.records["household"][household_id] = found
        return found

    def create(self, entity: Entity, **values) -> NewRow:
        """A new record of the kind, written with the batch's other new rows by write()."""
        record = NewRow(entity.model, created_at=self.now, updated_at=self.now, **values)
        self.new_rows.append(record)
        self.remember(entity, record)
        return record

    def write(self) -> None:
        """Write the batch: versions in one step, one INSERT per table for new records and one for the log."""
        write_new(db.session, self.new_rows)
        self.new_rows = []
        self.logs.write()

    def remember(self, entity: Entity, record) -> None:
        """Keep a loaded or new record findable by id and by natural key."""
        self.records[entity.name][record.id] = record
        if entity.key:
            self.by_key[entity.name][_KEY_OF[entity.name](record)] = record

    def record(self, entity: Entity, record_id: uuid.UUID):
        """A target record by its id, or by the id it was merged into."""
        found = self.records[entity.name].get(record_id)
        if found is None and record_id in self.aliases:
            found = self.records[entity.name].get(self.aliases[record_id])
        return found

    def find_key(self, entity: Entity, values: dict):
        """The row with the same natural key, if any (asking the database again on a retry)."""
        key = tuple(values.get(f) for f in entity.key)
        if self.fresh and key not in self.by_key[entity.name]:
            columns = [getattr(entity.model, f) for f in entity.key]
            query = sa.select(entity.model).where(sa.tuple_(*columns) == key).with_for_update()
            record = db.session.scalars(query).first()
            if record is not None:
                self.remember(entity, record)
        return self.by_key[entity.name].get(key)

    def household(self, household_id):
        """A household by id (loaded up front or created earlier in this push): its commune_code."""
        found = self.records["household"].get(household_id)
        return found if found is not None else self.parents.get(household_id)

    def session(self, session_id):
        """A training session by id: its commune_code."""
        found = self.records["training_session"].get(session_id)
        return found if found is not None else self.parents.get(session_id)

    def place(self, code: str | None) -> sa.Row | None:
        """A place by code: its code, name, kind and parent_code."""
        if code and code not in self.places:
            place = db.session.execute(_PLACES.where(Place.code == code)).first()
            if place is not None:
                self.places[code] = place
        return self.places.get(code) if code else None


def _key_getter(key: tuple[str, ...]):
    get = operator.attrgetter(*key)
    return get if len(key) > 1 else lambda record: (get(record),)


_KEY_OF = {name: _key_getter(entity.key) for name, entity in ENTITIES.items() if entity.key}  # a record's key tuple

# Places are only read (the rules check a code's kind and parent, and name a hamlet): plain rows.
_PLACES = sa.select(Place.code, Place.name, Place.kind, Place.parent_code)


@functools.cache
def _records_query(model: type, dialect: str, with_households: bool):
    """Rows by id (parameter "ids"), and those of the households "households", locked; built once."""
    found = listed.among(model.id, "ids", dialect)
    if with_households:
        found = sa.or_(found, listed.among(model.household_id, "households", dialect))
    return sa.select(model).where(found).order_by(model.id).with_for_update()


@functools.cache
def _keys_query(model: type, key: tuple, dialect: str):
    """Rows by natural key (the tuples "keys", see listed.tuples_value), locked; built once."""
    columns = [getattr(model, f) for f in key]
    found = listed.among_tuples(columns, "keys", dialect)
    return sa.select(model).where(found).order_by(model.id).with_for_update()


class Parent(NamedTuple):
    """A household or training session read only for its commune."""

    id: uuid.UUID
    commune_code: str


@functools.cache
def _parents_query(model: type, dialect: str):
    """(id as stored, commune_code) of the rows "ids"; built once."""
    stored_id = sa.type_coerce(model.id, sa.String)  # not made a UUID again: the caller has it
    return sa.select(stored_id, model.commune_code).where(listed.among(model.id, "ids", dialect))


def _as_uuid(value):
    if value is None or isinstance(value, uuid.UUID):
        return value
    return _text_uuid(str(value))


@functools.lru_cache(maxsize=8192)
def _text_uuid(text: str):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
