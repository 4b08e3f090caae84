"""The record kinds a phone syncs and a web page corrects, each defined by its own domain."""

from server.bulletins.kinds import BULLETIN_TOLD
from server.households.kinds import CONSENT, HOUSEHOLD, MARKETPLACE_ACCOUNT, PAYMENT_ACCOUNT
from server.mutations.entity import Entity
from server.training.kinds import ATTENDANCE, TRAINING_SESSION

ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        HOUSEHOLD,
        CONSENT,
        MARKETPLACE_ACCOUNT,
        PAYMENT_ACCOUNT,
        TRAINING_SESSION,
        ATTENDANCE,
        BULLETIN_TOLD,
    )
}
# Records that follow a household or a session when it moves to another commune.
FOLLOWERS = {
    "household": ("consent", "marketplace_account", "payment_account"),
    "training_session": ("attendance", "bulletin_told"),
}
