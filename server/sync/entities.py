"""The six record kinds a phone syncs: model, pushed fields, natural key and where their commune comes from."""

from dataclasses import dataclass

from marshmallow import Schema

from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.sync import schemas
from server.training.models import Attendance, TrainingSession


@dataclass(frozen=True)
class Entity:
    """How one kind of record is synced."""

    name: str
    model: type
    schema: type[Schema]
    # Two phones recording the same fact (same key) make one row; key fields never change.
    key: tuple[str, ...] = ()
    # The record whose commune decides the scope: None (own commune_code), "household" or "session".
    parent: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The wire fields, in the schema's order."""
        return tuple(self.schema._declared_fields)

    @property
    def required(self) -> tuple[str, ...]:
        """Fields a new record needs."""
        return tuple(name for name, field in self.schema._declared_fields.items() if field.required)

    @property
    def parent_field(self) -> str | None:
        """The foreign key pointing at the parent record."""
        return {"household": "household_id", "session": "session_id"}.get(self.parent or "")


ENTITIES = {
    entity.name: entity
    for entity in (
        Entity("household", Household, schemas.HouseholdFieldsSchema),
        Entity("consent", Consent, schemas.ConsentFieldsSchema, ("household_id", "purpose"), "household"),
        Entity(
            "marketplace_account",
            MarketplaceAccount,
            schemas.MarketplaceAccountFieldsSchema,
            ("household_id", "platform"),
            "household",
        ),
        Entity(
            "payment_account",
            PaymentAccount,
            schemas.PaymentAccountFieldsSchema,
            ("household_id", "provider"),
            "household",
        ),
        Entity("training_session", TrainingSession, schemas.TrainingSessionFieldsSchema),
        Entity("attendance", Attendance, schemas.AttendanceFieldsSchema, ("session_id", "household_id"), "session"),
    )
}
# Records that follow a household or a session when it moves to another commune.
FOLLOWERS = {
    "household": ("consent", "marketplace_account", "payment_account"),
    "training_session": ("attendance",),
}
