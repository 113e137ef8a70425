# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 25, a network hub: a network's keyring imported in one request (POST /dicom-mail/keys/bulk), each key's
outcome in the answer, partners made from the user IDs, and the partner list's content with many partners."""

import pytest

from conftest import ROOT
from stock_gpg import StockGpg


@pytest.fixture
def network():
    gpg = StockGpg(ROOT)
    yield gpg
    gpg.close()


def bulk(server, bundle, create_partners=False):
    return server.post("/dicom-mail/keys/bulk", {"PublicKeys": bundle, "CreatePartners": create_partners})


def partners_by_name(server):
    return {p["Name"]: p for p in server.get("/dicom-mail/partners")}


def test_bulk_import_reports_each_key(hospital, network):
    members = [("Praxis %d" % i, "praxis%d@network.example" % i) for i in range(4)]
    good = network.batch_gen_keys(members)
    (no_address,) = network.batch_gen_keys([("Archiv ohne Adresse", None)])
    (secret,) = network.batch_gen_keys([("Geheim", "geheim@network.example")])
    known = good[0]
    hospital.post("/dicom-mail/keys", network.export(known))   # in the keyring before: "unchanged"

    bundle = "".join(network.export(f) for f in good + [no_address])
    bundle += network.export_secret(secret)   # a secret key in the bundle
    bundle += network.export(good[1])         # and one key twice
    answer = bulk(hospital, bundle, create_partners=True)

    keys = answer["Keys"]
    assert [k["Fingerprint"] for k in keys] == good + [no_address, secret, good[1]]
    status = [k["Status"] for k in keys]
    assert status == ["unchanged", "new", "new", "new", "new", "refused", "duplicate"], keys
    assert (answer["New"], answer["Unchanged"], answer["Refused"], answer["Duplicate"]) == (4, 1, 1, 1)
    assert "secret key" in keys[5]["Reason"], keys[5]
    assert keys[5]["UserId"] == "Geheim <geheim@network.example>"
    assert keys[5]["Partner"] is None
    assert "earlier in the bundle" in keys[6]["Reason"]

    listed = {k["Fingerprint"] for k in hospital.get("/dicom-mail/keys")}
    assert set(good + [no_address]) <= listed
    assert secret not in listed, "the secret key's public part was imported"

    # The key without an address is imported and reported; no partner can be made from it.
    assert keys[4]["Addresses"] == []
    assert keys[4]["Partner"]["Created"] is False
    assert "no e-mail address" in keys[4]["Partner"]["Problem"]

    # One partner per key with an address (the one known before too), none certified yet.
    assert answer["PartnersCreated"] == 4
    partners = partners_by_name(hospital)
    for (name, email), fpr, key in zip(members, good, keys):
        assert key["Addresses"] == [email]
        assert key["Partner"]["Created"] is True, key
        partner = partners[key["Partner"]["Name"]]
        assert partner["Name"] == email.replace("@", "_")
        assert partner["Addresses"] == [email]
        assert partner["Fingerprint"] == fpr
        assert partner["DisplayName"] == name
        assert partner["KeyState"]["Usable"] is False
        assert "not certified" in partner["KeyState"]["Reason"]

    # Certifying one key makes its partner usable at once; the others stay as they are.
    hospital.post("/dicom-mail/keys/%s/certify" % good[2], {})
    partners = partners_by_name(hospital)
    assert partners["praxis2_network.example"]["KeyState"] == {"Usable": True, "Reason": ""}
    assert partners["praxis3_network.example"]["KeyState"]["Usable"] is False

    # The same bundle again, as application/pgp-keys: nothing new, no partner made twice.
    again = hospital.post("/dicom-mail/keys/bulk", "".join(network.export(f) for f in good))
    assert [k["Status"] for k in again["Keys"]] == ["unchanged"] * 4
    assert again["PartnersCreated"] == 0
    assert all(k["Partner"]["Created"] is False and "already" in k["Partner"]["Problem"] for k in again["Keys"])
    assert len(hospital.get("/dicom-mail/partners")) == 4


def test_bulk_import_refuses_a_bundle_without_keys(hospital):
    r = hospital.post("/dicom-mail/keys/bulk", {"PublicKeys": "no key here"}, raw=True)
    assert r.status_code == 400, r.text
    assert "no OpenPGP key" in r.json()["Message"]


def test_partner_list_with_many_partners(hospital, network):
    members = [("Mitglied %03d" % i, "mitglied%03d@verbund.example" % i) for i in range(200)]
    fingerprints = network.batch_gen_keys(members)
    bundle = "".join(network.export(f) for f in fingerprints)
    answer = bulk(hospital, bundle, create_partners=True)
    assert answer["New"] == 200 and answer["PartnersCreated"] == 200, {k: answer[k] for k in ("New", "Refused")}

    partners = partners_by_name(hospital)
    assert len(partners) == 200
    for (name, email), fpr in zip(members, fingerprints):
        p = partners[email.replace("@", "_")]
        assert (p["DisplayName"], p["Addresses"], p["Fingerprint"]) == (name, [email], fpr)
        assert p["KeyState"]["Usable"] is False

    # Changes show in the next list: three certified, one key deleted.
    for fpr in fingerprints[10:13]:
        hospital.post("/dicom-mail/keys/%s/certify" % fpr, {})
    hospital.delete("/dicom-mail/keys/" + fingerprints[50])
    partners = partners_by_name(hospital)
    usable = sorted(n for n, p in partners.items() if p["KeyState"]["Usable"])
    assert usable == ["mitglied%03d_verbund.example" % i for i in (10, 11, 12)]
    assert "not in the keyring" in partners["mitglied050_verbund.example"]["KeyState"]["Reason"]
    one = hospital.get("/dicom-mail/partners/mitglied011_verbund.example")
    assert one["KeyState"]["Usable"] is True

    # The Explorer's picker asks for the five members it shows: the same partners, nothing else.
    picker = hospital.get("/dicom-mail/partners?fields=Name,DisplayName,Addresses,Fingerprint,KeyState")
    assert len(picker) == 200
    assert all(set(p) == {"Name", "DisplayName", "Addresses", "Fingerprint", "KeyState"} for p in picker)
    cut = {p["Name"]: p for p in picker}
    for name, full in partners.items():
        assert cut[name] == {k: full[k] for k in cut[name]}
    r = hospital.get("/dicom-mail/partners?fields=Name,Fingerprnt", raw=True)
    assert r.status_code == 400 and "Fingerprnt" in r.json()["Message"], r.text
