"""The household's record kinds as the one write path knows them."""

from server.households import rules
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.households.schemas import (
    ConsentFieldsSchema,
    HouseholdFieldsSchema,
    MarketplaceAccountFieldsSchema,
    PaymentAccountFieldsSchema,
)
from server.mutations.entity import Entity
from server.places.rules import check_commune_and_hamlet

HOUSEHOLD = Entity(
    "household",
    Household,
    HouseholdFieldsSchema,
    together=("commune_code", "hamlet_code"),
    place=check_commune_and_hamlet,
    check=rules.check_household,
    complete=rules.complete_household,
)
CONSENT = Entity(
    "consent", Consent, ConsentFieldsSchema, ("household_id", "purpose"), "household", complete=rules.complete_consent
)
MARKETPLACE_ACCOUNT = Entity(
    "marketplace_account", MarketplaceAccount, MarketplaceAccountFieldsSchema, ("household_id", "platform"), "household"
)
PAYMENT_ACCOUNT = Entity(
    "payment_account", PaymentAccount, PaymentAccountFieldsSchema, ("household_id", "provider"), "household"
)
