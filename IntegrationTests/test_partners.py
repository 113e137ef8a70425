# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 3, partners: those of the configuration (read-only) and those added over REST (kept across restarts),
with the state of their keys, on a real Orthanc."""

import pytest

from conftest import ROOT, make_server, site_config
from stock_gpg import StockGpg

CONFIGURED_FPR = "89AB CDEF 0123 4567 89AB CDEF 0123 4567 89AB CDEF".replace(" ", "")


@pytest.fixture
def stock():
    gpg = StockGpg(ROOT)
    yield gpg
    gpg.close()


def expect_error(response, status, *words):
    assert response.status_code == status, (response.status_code, response.text)
    message = response.json()["Message"]
    for word in words:
        assert word in message, (word, message)
    return message


def partners_by_name(server):
    return {p["Name"]: p for p in server.get("/dicom-mail/partners")}


def test_configured_partners_are_read_only(mailstack):
    config = site_config("hospital", mailstack, Partners={
        "clinic": {"Addresses": ["clinic@clinic.test", "archive@clinic.test"], "Fingerprint": CONFIGURED_FPR.lower(),
                   "MaxMailSize": 200000, "Compression": False},
    })
    server = make_server("hospital", mailstack, config)
    with server:
        clinic = server.get("/dicom-mail/partners/clinic")
        assert clinic["ReadOnly"] is True
        assert clinic["Addresses"] == ["clinic@clinic.test", "archive@clinic.test"]
        assert clinic["Fingerprint"] == CONFIGURED_FPR
        assert clinic["MaxMailSize"] == 200000 and clinic["EffectiveMaxMailSize"] == 200000
        assert clinic["Compression"] is False and clinic["Acknowledgements"] is True
        assert clinic["KeyState"]["Usable"] is False
        assert "not in the keyring" in clinic["KeyState"]["Reason"]
        assert list(partners_by_name(server)) == ["clinic"]

        expect_error(server.put("/dicom-mail/partners/clinic", {"Addresses": ["x@clinic.test"]}, raw=True), 400,
                     "clinic", "configuration", "read-only")
        expect_error(server.delete("/dicom-mail/partners/clinic", raw=True), 400,
                     "clinic", "configuration", "read-only")
        assert server.get("/dicom-mail/partners/clinic") == clinic


def test_rest_partners_survive_a_restart(hospital):
    assert hospital.get("/dicom-mail/partners") == []
    body = {"Addresses": ["lab@lab.test", "backup@lab.test"],
            "Fingerprint": " ".join(CONFIGURED_FPR[i:i + 4] for i in range(0, 40, 4)).lower(),
            "MaxMailSize": 500000, "Acknowledgements": False, "Compression": False}
    answer = hospital.put("/dicom-mail/partners/lab", body)
    assert answer["Name"] == "lab" and answer["ReadOnly"] is False
    assert answer["Addresses"] == ["lab@lab.test", "backup@lab.test"]
    assert answer["Fingerprint"] == CONFIGURED_FPR
    assert answer["MaxMailSize"] == 500000 and answer["EffectiveMaxMailSize"] == 500000
    assert answer["Acknowledgements"] is False and answer["Compression"] is False
    assert hospital.get("/dicom-mail/partners/lab") == answer

    # Defaults: the site's maximum size, acknowledgements and compression on, no key yet.
    minimal = hospital.put("/dicom-mail/partners/ward-2", {"Addresses": "ward@ward.test"})
    assert minimal["Addresses"] == ["ward@ward.test"] and minimal["Fingerprint"] is None
    assert minimal["MaxMailSize"] == 0 and minimal["EffectiveMaxMailSize"] == 10000000
    assert minimal["Acknowledgements"] is True and minimal["Compression"] is True
    assert minimal["KeyState"] == {"Usable": False, "Reason": 'partner "ward-2" has no key fingerprint configured'}

    hospital.restart()
    assert partners_by_name(hospital) == {"lab": answer, "ward-2": minimal}

    # PUT replaces.
    changed = hospital.put("/dicom-mail/partners/lab", {"Addresses": ["new@lab.test"]})
    assert changed["Addresses"] == ["new@lab.test"] and changed["Fingerprint"] is None
    assert hospital.get("/dicom-mail/partners/lab") == changed

    assert hospital.delete("/dicom-mail/partners/lab") == {}
    expect_error(hospital.get("/dicom-mail/partners/lab", raw=True), 404, "lab")
    expect_error(hospital.delete("/dicom-mail/partners/lab", raw=True), 404, "lab")
    hospital.restart()
    assert list(partners_by_name(hospital)) == ["ward-2"]


def test_bad_partner_bodies_name_the_field(hospital):
    hospital.put("/dicom-mail/partners/keep", {"Addresses": ["keep@keep.test"]})
    before = hospital.get("/dicom-mail/partners")
    address = ["p@partner.test"]
    cases = [
        ({}, "Addresses"),
        ({"Addresses": []}, "Addresses"),
        ({"Addresses": "not-an-address"}, "Addresses"),
        ({"Addresses": [5]}, "Addresses"),
        ({"Addresses": ["a@b.test", "Name <c@d.test>"]}, "Addresses"),
        ({"Addresses": address, "Fingerprint": "1234"}, "Fingerprint"),
        ({"Addresses": address, "Fingerprint": 5}, "Fingerprint"),
        ({"Addresses": address, "MaxMailSize": 5}, "MaxMailSize"),
        ({"Addresses": address, "MaxMailSize": "big"}, "MaxMailSize"),
        ({"Addresses": address, "MaxMailSize": -1}, "MaxMailSize"),
        ({"Addresses": address, "Acknowledgements": "yes"}, "Acknowledgements"),
        ({"Addresses": address, "Compression": 1}, "Compression"),
        ({"Addresses": address, "Colour": "red"}, "Colour"),
        ({"Addresses": address, "Name": "someone-else"}, "Name"),
    ]
    for body, field in cases:
        expect_error(hospital.put("/dicom-mail/partners/newcomer", body, raw=True), 400, field)
        # The same holds when replacing an existing partner: it stays as it was.
        expect_error(hospital.put("/dicom-mail/partners/keep", body, raw=True), 400, field)
    expect_error(hospital.put("/dicom-mail/partners/newcomer", "{not json", raw=True), 400, "JSON")
    expect_error(hospital.put("/dicom-mail/partners/newcomer", "[1, 2]", raw=True), 400, "JSON object")
    expect_error(hospital.put("/dicom-mail/partners/newcomer", raw=True), 400, "body")
    expect_error(hospital.put("/dicom-mail/partners/bad%20name", {"Addresses": address}, raw=True), 400,
                 "partner name")
    expect_error(hospital.put("/dicom-mail/partners/%s" % ("x" * 65), {"Addresses": address}, raw=True), 400,
                 "partner name")
    assert hospital.get("/dicom-mail/partners") == before

    expect_error(hospital.get("/dicom-mail/partners/nobody", raw=True), 404, "nobody")
    assert hospital.post("/dicom-mail/partners", {}, raw=True).status_code == 405


def test_partner_key_state_follows_the_keyring(hospital, stock):
    fpr = stock.quick_gen_key("Partner Key <pk@partner.test>", "future-default")
    partner = hospital.put("/dicom-mail/partners/pk", {"Addresses": ["pk@partner.test"], "Fingerprint": fpr})
    assert partner["KeyState"]["Usable"] is False
    assert "not in the keyring" in partner["KeyState"]["Reason"] and fpr in partner["KeyState"]["Reason"]

    hospital.post("/dicom-mail/keys", stock.export(fpr))
    state = hospital.get("/dicom-mail/partners/pk")["KeyState"]
    assert state["Usable"] is False and "not certified" in state["Reason"]

    hospital.post("/dicom-mail/keys/%s/certify" % fpr)
    assert hospital.get("/dicom-mail/partners/pk")["KeyState"] == {"Usable": True, "Reason": ""}
    assert partners_by_name(hospital)["pk"]["KeyState"] == {"Usable": True, "Reason": ""}

    hospital.delete("/dicom-mail/keys/%s" % fpr)
    state = hospital.get("/dicom-mail/partners/pk")["KeyState"]
    assert state["Usable"] is False and "not in the keyring" in state["Reason"]
