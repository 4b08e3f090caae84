import uuid

from tests import factories as f


def test_supervisor_sees_both_values_of_a_concurrent_edit(app, client, tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    phone_a, phone_b = phone_for(trainer, "A"), phone_for(trainer, "B")
    record_id = uuid.uuid4()
    create = {"head_name": "Kim Sơn", "commune_code": tree["commune"].code}
    [created] = phone_a.results([f.mutation("household", record_id, create, phone_a.clock())])
    base = created["version"]
    phone_a.results([f.mutation("household", record_id, {"phone": "0911111111"}, f.hlc(9_000, "A"), base_version=base)])
    phone_b.results([f.mutation("household", record_id, {"phone": "0922222222"}, f.hlc(8_000, "B"), base_version=base)])

    f.login(client, f.user("supervisor", [tree["province"]]))
    page = client.get("/conflicts?lang=en").get_data(as_text=True)
    assert "Kim Sơn" in page and "0911111111" in page and "0922222222" in page
    kept, overwritten = page.index("0911111111"), page.index("0922222222")
    assert kept < overwritten  # the kept value comes first

    other = app.test_client()
    f.login(other, f.user("supervisor", [tree["other_province"]]))
    assert "0922222222" not in other.get("/conflicts").get_data(as_text=True)


def test_edits_after_seeing_the_other_value_are_not_conflicts(client, tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    phone_a, phone_b = phone_for(trainer, "A"), phone_for(trainer, "B")
    record_id = uuid.uuid4()
    create = {"head_name": "Kim Sơn", "commune_code": tree["commune"].code}
    phone_a.results([f.mutation("household", record_id, create, phone_a.clock())])
    [edit] = phone_a.results([f.mutation("household", record_id, {"phone": "0911111111"}, f.hlc(9_000, "A"))])
    seen = edit["version"]
    phone_b.results([f.mutation("household", record_id, {"phone": "0922222222"}, f.hlc(9_500, "B"), base_version=seen)])
    f.login(client, f.user("supervisor", [tree["province"]]))
    assert "0922222222" not in client.get("/conflicts").get_data(as_text=True)
