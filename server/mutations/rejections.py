"""Why a mutation is refused: one stable code each, a message in the user's language."""

from flask_babel import lazy_gettext as _l

REJECTIONS = {
    "invalid": _l("Some values are not valid."),
    "out_of_scope": _l("This record belongs to a commune you do not work in."),
    "unknown_place": _l("There is no such commune or hamlet, or the hamlet is not in that commune."),
    "key_change": _l("The household, session, platform, provider or purpose of a saved record cannot be changed."),
    "unknown_household": _l("The household of this record is not on the server yet."),
    "unknown_session": _l("The training session of this record is not on the server yet."),
    "unknown_record": _l("This record is not on the server yet."),
    "incomplete": _l("A new record is missing required values."),
    "consent_missing": _l("The household's consent to take part in the programme has not reached the server yet."),
    "consent_refused": _l("The household did not agree to take part in the programme, so it is not registered."),
    "invalid_text": _l(
        "Some text in this change holds a broken character that cannot be stored (from the keyboard "
        "or a copied text). Type the text again and save."
    ),
    "consent_needed": _l("Ethnicity and location are kept only when the household has agreed to it."),
    "clock_ahead": _l(
        "The date and time of this phone are wrong (ahead of the server's). Set them right in the "
        "phone's settings: your changes are kept and will be sent then."
    ),
}
# The phone keeps these in its outbox and sends them again: what is missing may arrive later. A
# clock ahead of the server's time is kept too: the phone stamps the change again once its date is right.
RETRYABLE = frozenset(
    {"unknown_household", "unknown_session", "unknown_record", "incomplete", "consent_missing", "clock_ahead"}
)


class Rejected(Exception):
    """A mutation that cannot be applied; `code` is stable, the message is translated."""

    def __init__(self, code: str, errors: dict | None = None, withheld: tuple[str, ...] = ()):
        super().__init__(code)
        # withheld: fields whose values are not kept, not even in the log of the refusal.
        self.code, self.errors, self.withheld = code, errors, withheld

    @property
    def message(self) -> str:
        """The reason in the user's language."""
        return str(REJECTIONS[self.code])
