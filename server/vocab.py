"""Translated names for the codes stored in records: one place, used by pages, exports and labels."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {"admin": _l("Administrator"), "supervisor": _l("Supervisor"), "trainer": _l("Trainer")}
KIND_NAMES = {"province": _l("Province"), "commune": _l("Commune"), "hamlet": _l("Hamlet")}
SMARTPHONE_NAMES = {"yes": _l("Has a smartphone"), "no": _l("No smartphone"), "unknown": _l("Not known")}
LANGUAGE_CODES = {"vi": _l("Vietnamese"), "km": _l("Khmer"), "en": _l("English")}
PLATFORM_NAMES = {
    "postmart": "Postmart",
    "voso": "Voso (Vỏ Sò)",
    "shopee": "Shopee",
    "lazada": "Lazada",
    "tiktok": "TikTok Shop",
    "sendo": "Sendo",
    "tiki": "Tiki",
    "provincial": _l("Provincial trade site"),
    "other": _l("Other platform"),
}
PROVIDER_NAMES = {
    "viettel_money": "Viettel Money",
    "vnpt_money": "VNPT Money",
    "momo": "MoMo",
    "zalopay": "ZaloPay",
    "bank_app": _l("Bank app"),
    "other": _l("Other provider"),
}
ACCOUNT_STATUS_NAMES = {"opened": _l("Opened"), "verified": _l("Verified"), "active": _l("Active")}
TOPIC_NAMES = {
    "digital_skills": _l("Digital skills"),
    "selling_online": _l("Selling online"),
    "packaging_delivery": _l("Packaging and delivery"),
    "livestream": _l("Livestream selling"),
    "e_payment": _l("E-payment"),
    "online_safety": _l("Online safety"),
}
CONSENT_NAMES = {
    "programme": _l("Take part in the programme and keep this record"),
    "contact": _l("Be contacted by phone"),
    "location": _l("Record the home's location"),
    "ethnicity": _l("Record ethnicity"),
    "publish": _l("Show name and place on labels and public pages"),
}
PRODUCER_KIND_NAMES = {"household": _l("Household"), "cooperative": _l("Cooperative"), "enterprise": _l("Enterprise")}
INDICATOR_NAMES = {
    "trained_digital": _l("Trained in digital skills"),
    "trained_packaging": _l("Trained in packaging and delivery"),
    "trained_livestream": _l("Trained in livestream selling"),
    "seller_account": _l("With a seller account"),
    "active_account": _l("With an active account"),
    "payment_account": _l("With an e-payment account"),
    "smartphone": _l("Owning a smartphone"),
    "digital_address": _l("With a digital address"),
}

BULLETIN_KIND_NAMES = {
    "market_price": _l("Market price"),
    "season_weather": _l("Season and weather"),
    "marketplace_tip": _l("Marketplace tip"),
    "training": _l("Training announcement"),
    "buyer_wanted": _l("Buyer looking for a product"),
}
BULLETIN_CATEGORY_NAMES = {
    "rice": _l("Rice"),
    "coconut": _l("Coconut"),
    "fruit": _l("Fruit"),
    "vegetables": _l("Vegetables"),
    "fish_shrimp": _l("Fish and shrimp"),
    "livestock": _l("Livestock"),
    "processed": _l("Processed products (OCOP)"),
    "other": _l("Other product"),
}
PRICE_UNIT_NAMES = {
    "kg": _l("per kg"),
    "fruit": _l("per fruit"),
    "dozen": _l("per dozen"),
    "ton": _l("per ton"),
    "litre": _l("per litre"),
}
BULLETIN_STATUS_NAMES = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
}
ACCESS_ACTION_NAMES = {"view": _l("Viewed"), "export": _l("Exported"), "erase": _l("Erased")}


def init_vocab(app) -> None:
    """Expose the name tables to templates."""
    app.jinja_env.globals.update(
        role_names=ROLE_NAMES,
        kind_names=KIND_NAMES,
        smartphone_names=SMARTPHONE_NAMES,
        platform_names=PLATFORM_NAMES,
        provider_names=PROVIDER_NAMES,
        account_status_names=ACCOUNT_STATUS_NAMES,
        topic_names=TOPIC_NAMES,
        consent_names=CONSENT_NAMES,
        producer_kind_names=PRODUCER_KIND_NAMES,
        indicator_names=INDICATOR_NAMES,
        access_action_names=ACCESS_ACTION_NAMES,
        bulletin_kind_names=BULLETIN_KIND_NAMES,
        bulletin_category_names=BULLETIN_CATEGORY_NAMES,
        price_unit_names=PRICE_UNIT_NAMES,
        bulletin_status_names=BULLETIN_STATUS_NAMES,
    )
