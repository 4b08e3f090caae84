"""A push as the phone's registration form sends it, shared by request_cpu.py and load.py."""

import uuid


def registrations(households: list[tuple[str, str]], commune: str, base_version=None) -> dict:
    """A push body registering households, given as (head's name, clock): each is followed by its
    programme consent, as the phone sends them (without it the server refuses the household, and a
    benchmark would measure refusals)."""
    mutations = []
    for name, clock in households:
        household_id = str(uuid.uuid4())
        fields = {"head_name": name, "commune_code": commune, "smartphone": "yes"}
        consent = {"household_id": household_id, "purpose": "programme", "given": True}
        consent["recorded_at"] = "2026-03-01T08:00:00Z"
        for entity, record_id, values in (("household", household_id, fields), ("consent", str(uuid.uuid4()), consent)):
            mutations.append(
                {
                    "mutation_id": str(uuid.uuid4()),
                    "entity": entity,
                    "record_id": record_id,
                    "op": "upsert",
                    "base_version": base_version,
                    "clock": clock,
                    "fields": values,
                }
            )
    return {"app_version": "bench", "queued": 0, "mutations": mutations}
