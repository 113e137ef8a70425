# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 3, keys: the site key and the key infrastructure administered over REST on a real Orthanc, checked
against the stock `gpg` command (interop) and /proc (no gpg-agent left behind)."""

import calendar
import glob
import os
import re
import time

import pytest

from conftest import ROOT, make_server, site_config
from stock_gpg import StockGpg, agents_of, wait_agents

ISSUE_PASSPHRASE = "issued-Pass-4e7b19"
SITE_PASSPHRASE = "site-Pass-93c1d5a0"
ARMOR_PUBLIC = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
ARMOR_SECRET = "-----BEGIN PGP PRIVATE KEY BLOCK-----"
UNKNOWN_FPR = "0123456789ABCDEF0123456789ABCDEF01234567"


@pytest.fixture
def stock():
    gpg = StockGpg(ROOT)
    yield gpg
    gpg.close()


def grouped(fpr):
    return " ".join(fpr[i:i + 4] for i in range(0, 40, 4))


def utc(text):
    """Seconds since the epoch of "2024-01-31T12:00:00Z"."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def keys_by_fpr(server):
    return {k["Fingerprint"]: k for k in server.get("/dicom-mail/keys")}


def expect_error(response, status, *words):
    """A 4xx answer whose message names what was wrong; returns the message."""
    assert response.status_code == status, (response.status_code, response.text)
    message = response.json()["Message"]
    for word in words:
        assert word in message, (word, message)
    return message


def import_key(server, armored):
    return server.post("/dicom-mail/keys", armored)


def secret_key_body_lines(armored):
    """The long base64 lines of an armored block: any one of them in a log or answer would leak the key."""
    return [line for line in armored.splitlines() if len(line) >= 60]


def site_home(server):
    return server.dicom_mail_config["GnupgHome"]


# ---------------------------------------------------------------------------------------------------- site key


def test_site_key_created_on_first_start(hospital):
    site = hospital.get("/dicom-mail/keys/site")
    fpr = site["Fingerprint"]
    assert re.fullmatch(r"[0-9A-F]{40}", fpr)
    assert site["FingerprintGroups"] == grouped(fpr)
    assert [u["UserId"] for u in site["UserIds"]] == ["Hospital <hospital@hospital.test>"]
    assert site["UserIds"][0]["Email"] == "hospital@hospital.test"
    assert site["Algorithms"] == ["ed25519", "cv25519"]
    created = utc(site["Created"])
    assert abs(created - time.time()) < 600, site["Created"]
    # A new site key expires after SiteKey.ValidityDays (730 by default, #22), its encryption subkey too.
    for field in ("Expires", "EncryptionExpires"):
        assert abs(utc(site[field]) - created - 730 * 86400) < 600, site[field]
    assert site["HasSecret"] and site["IsSiteKey"] and site["CanSign"] and site["CanEncrypt"]
    assert site["Validity"] == "ultimate"
    assert site["PublicKey"].startswith(ARMOR_PUBLIC)
    assert hospital.get("/dicom-mail/status")["SiteKeyFingerprint"] == fpr

    # A restart keeps the key: no second one is made.
    hospital.restart()
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == fpr
    assert [k["Fingerprint"] for k in hospital.get("/dicom-mail/keys") if k["HasSecret"]] == [fpr]


def test_generate_replaces_the_site_key(hospital):
    old = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    # Without an explicit Replace the site key stays (a new one breaks trust with every partner).
    expect_error(hospital.post("/dicom-mail/keys/site/generate", raw=True), 409, "Replace")
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == old
    new = hospital.post("/dicom-mail/keys/site/generate", {"Replace": True})
    assert new["Fingerprint"] != old
    assert new["IsSiteKey"] and new["HasSecret"]
    assert new["Algorithms"] == ["ed25519", "cv25519"]
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == new["Fingerprint"]
    assert hospital.get("/dicom-mail/status")["SiteKeyFingerprint"] == new["Fingerprint"]
    listed = keys_by_fpr(hospital)
    assert not listed[old]["IsSiteKey"] and listed[new["Fingerprint"]]["IsSiteKey"]

    hospital.restart()
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == new["Fingerprint"]

    # The latest key stays the site key after a restart even when it was made within the same second as the one
    # before (creation times have a resolution of one second): generate until two keys share their second.
    previous = new
    for _ in range(10):
        latest = hospital.post("/dicom-mail/keys/site/generate", {"Replace": True})
        if latest["Created"] == previous["Created"]:
            break
        previous = latest
    assert latest["Created"] == previous["Created"], "no two keys made within one second"
    hospital.restart()
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == latest["Fingerprint"]


def test_rsa3072_site_key_by_configuration(mailstack):
    server = make_server("hospital", mailstack, site_config("hospital", mailstack, KeyAlgorithm="rsa3072"))
    with server:
        site = server.get("/dicom-mail/keys/site")
        assert site["Algorithms"] == ["rsa3072", "rsa3072"]
        assert site["CanSign"] and site["CanEncrypt"]


def test_passphrase_protected_site_key(mailstack, stock):
    passphrase_file = os.path.join(ROOT, "site-passphrase")
    with open(passphrase_file, "w") as f:
        f.write(SITE_PASSPHRASE + "\n")
    os.chmod(passphrase_file, 0o600)
    server = make_server("hospital", mailstack,
                         site_config("hospital", mailstack, PassphraseFile=passphrase_file))
    with server:
        site = server.get("/dicom-mail/keys/site")
        assert site["HasSecret"]
        # Every secret key of the plugin's home is stored protected (gpg-agent's key files).
        key_files = glob.glob(os.path.join(site_home(server), "private-keys-v1.d", "*.key"))
        assert len(key_files) == 2   # primary key and encryption subkey
        for path in key_files:
            with open(path, "rb") as f:
                content = f.read()
            assert b"(protected-private-key" in content, path

        # A private-key operation: certifying a partner's key.
        partner = stock.quick_gen_key("Protected Partner <pp@partner.test>", "future-default")
        import_key(server, stock.export(partner))
        certified = server.post("/dicom-mail/keys/%s/certify" % partner)
        assert certified["CertifiedBySite"] and certified["Validity"] == "full"

        # Issuing needs the site key too (it certifies the new key).
        issued = server.post("/dicom-mail/keys/issue",
                             {"Name": "Issued Partner", "Address": "ip@partner.test", "Passphrase": ISSUE_PASSPHRASE})
        assert issued["CertifiedBySite"]

        # A wrong passphrase (the file is read at each use) is a clear error and changes nothing.
        other = stock.quick_gen_key("Other Partner <op@partner.test>", "future-default")
        import_key(server, stock.export(other))
        before = server.get("/dicom-mail/keys")
        with open(passphrase_file, "w") as f:
            f.write("not-the-passphrase\n")
        r = server.post("/dicom-mail/keys/%s/certify" % other, raw=True)
        expect_error(r, 409, "wrong passphrase")
        assert server.get("/dicom-mail/keys") == before
        with open(passphrase_file, "w") as f:
            f.write(SITE_PASSPHRASE + "\n")
        assert server.post("/dicom-mail/keys/%s/certify" % other)["CertifiedBySite"]

        # A protected site key can be replaced over REST; the new one is protected as well.
        new = server.post("/dicom-mail/keys/site/generate", {"Replace": True})["Fingerprint"]
        assert server.get("/dicom-mail/keys/site")["Fingerprint"] == new
        key_files = glob.glob(os.path.join(site_home(server), "private-keys-v1.d", "*.key"))
        assert len(key_files) == 4
        for path in key_files:
            with open(path, "rb") as f:
                assert b"(protected-private-key" in f.read(), path

        answers = [server.get(path, raw=True).text for path in
                   ["/dicom-mail/keys", "/dicom-mail/keys/site", "/dicom-mail/status", "/dicom-mail/partners",
                    "/dicom-mail/keys/%s" % issued["Fingerprint"], "/dicom-mail/keys/%s" % partner]]
    log = server.log_text()
    for text in answers + [log]:
        assert SITE_PASSPHRASE not in text
        assert ISSUE_PASSPHRASE not in text
        assert ARMOR_SECRET not in text
        for line in secret_key_body_lines(issued["SecretKey"]):
            assert line not in text


def test_gpg_agent_stops_with_orthanc(mailstack):
    server = make_server("hospital", mailstack)
    home = site_home(server)
    server.start()
    try:
        # Issuing uses a scratch home inside the site's: its agent must be gone as well.
        server.post("/dicom-mail/keys/issue",
                    {"Name": "Agent Check", "Address": "ac@partner.test", "Passphrase": ISSUE_PASSPHRASE})
        running = wait_agents(home, 1)
        assert len(running) == 1, running
    finally:
        server.stop()
    assert wait_agents(home, 0) == []

    # A crash leaves the agent behind; the next start stops it, so only one agent serves the home.
    server.start()
    server.get("/dicom-mail/keys/site")
    crashed = wait_agents(home, 1)
    assert len(crashed) == 1, crashed
    server.kill()
    assert agents_of(home) == crashed
    server.start()
    try:
        server.post("/dicom-mail/keys/issue",
                    {"Name": "Agent Check 2", "Address": "ac2@partner.test", "Passphrase": ISSUE_PASSPHRASE})
        running = wait_agents(home, 1)
        assert len(running) == 1 and running != crashed, (running, crashed)
    finally:
        server.stop()
    assert wait_agents(home, 0) == []


# ---------------------------------------------------------------------------------------------------- keys over REST


def test_import_list_detail_certify_delete(hospital, stock):
    site = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    fpr = stock.quick_gen_key("Partner One <one@partner.test>", "future-default")
    before = hospital.get("/dicom-mail/keys")

    imported = import_key(hospital, stock.export(fpr))
    assert imported["Considered"] == 1 and imported["Imported"] == 1 and imported["Unchanged"] == 0
    assert imported["Fingerprints"] == [fpr]
    assert [k["UserIds"][0]["UserId"] for k in imported["Keys"]] == ["Partner One <one@partner.test>"]
    assert imported["Keys"][0]["FingerprintGroups"] == grouped(fpr)
    again = import_key(hospital, stock.export(fpr))
    assert again["Imported"] == 0 and again["Unchanged"] == 1

    key = keys_by_fpr(hospital)[fpr]
    assert key["FingerprintGroups"] == grouped(fpr)
    assert key["UserIds"][0]["UserId"] == "Partner One <one@partner.test>"
    assert key["UserIds"][0]["Name"] == "Partner One"
    assert key["UserIds"][0]["Email"] == "one@partner.test"
    assert key["Algorithms"] == ["ed25519", "cv25519"]
    assert key["CanEncrypt"] and key["CanSign"]
    assert not key["HasSecret"] and not key["IsSiteKey"] and not key["CertifiedBySite"]
    assert key["Validity"] in ("unknown", "undefined")
    assert key["Expires"] is None and not key["ExpiresSoon"] and not key["Expired"] and not key["Revoked"]

    # Detail, under any spelling of the fingerprint.
    detail = hospital.get("/dicom-mail/keys/%s" % fpr)
    assert detail["Fingerprint"] == fpr and detail["PublicKey"].startswith(ARMOR_PUBLIC)
    assert hospital.get("/dicom-mail/keys/%s" % fpr.lower())["Fingerprint"] == fpr
    assert hospital.get("/dicom-mail/keys/%s" % grouped(fpr).replace(" ", "%20"))["Fingerprint"] == fpr

    # Certify (local): valid for the site, but the certification does not leave it.
    certified = hospital.post("/dicom-mail/keys/%s/certify" % fpr)
    assert certified["CertifiedBySite"] and certified["Validity"] == "full" and certified["Exportable"] is False
    assert keys_by_fpr(hospital)[fpr]["CertifiedBySite"]
    with StockGpg(ROOT) as checker:
        checker.import_key(hospital.get("/dicom-mail/keys/site")["PublicKey"])
        checker.import_key(hospital.get("/dicom-mail/keys/%s" % fpr)["PublicKey"])
        assert site[-16:] not in checker.signatures_on(fpr)

    # Delete.
    assert hospital.delete("/dicom-mail/keys/%s" % fpr) == {}
    expect_error(hospital.get("/dicom-mail/keys/%s" % fpr, raw=True), 404, grouped(fpr))
    expect_error(hospital.delete("/dicom-mail/keys/%s" % fpr, raw=True), 404, grouped(fpr))
    assert hospital.get("/dicom-mail/keys") == before

    # The site key stays.
    expect_error(hospital.delete("/dicom-mail/keys/%s" % site, raw=True), 400, "site key")
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == site


def test_exportable_certification(hospital, stock):
    site = hospital.get("/dicom-mail/keys/site")
    fpr = stock.quick_gen_key("Network Member <member@partner.test>", "future-default")
    import_key(hospital, stock.export(fpr))

    expect_error(hospital.post("/dicom-mail/keys/%s/certify" % fpr, {"Exportable": "yes"}, raw=True), 400,
                 "Exportable")
    assert not keys_by_fpr(hospital)[fpr]["CertifiedBySite"]

    certified = hospital.post("/dicom-mail/keys/%s/certify" % fpr, {"Exportable": True})
    assert certified["Exportable"] is True and certified["CertifiedBySite"] and certified["Validity"] == "full"

    # A stock gpg that knows the site key sees (and checks) the site's signature on the exported key.
    with StockGpg(ROOT) as member:
        member.import_key(site["PublicKey"])
        member.import_key(hospital.get("/dicom-mail/keys/%s" % fpr)["PublicKey"])
        assert site["Fingerprint"][-16:] in member.signatures_on(fpr)


def test_issue_key(hospital, stock):
    before = keys_by_fpr(hospital)
    issued = hospital.post("/dicom-mail/keys/issue",
                           {"Name": "Dr Issued", "Address": "issued@clinic.test", "Passphrase": ISSUE_PASSPHRASE})
    fpr = issued["Fingerprint"]
    assert fpr not in before
    assert issued["PublicKey"].startswith(ARMOR_PUBLIC)
    assert issued["SecretKey"].startswith(ARMOR_SECRET)
    assert issued["UserIds"][0]["UserId"] == "Dr Issued <issued@clinic.test>"
    assert issued["CertifiedBySite"] and issued["Validity"] == "full" and not issued["HasSecret"]
    assert issued["Algorithms"] == ["ed25519", "cv25519"]

    # Afterwards only the public part stays.
    detail = hospital.get("/dicom-mail/keys/%s" % fpr)
    assert detail["HasSecret"] is False and "SecretKey" not in detail
    for path in ["/dicom-mail/keys", "/dicom-mail/keys/%s" % fpr, "/dicom-mail/status"]:
        text = hospital.get(path, raw=True).text
        assert ARMOR_SECRET not in text and ISSUE_PASSPHRASE not in text
        for line in secret_key_body_lines(issued["SecretKey"]):
            assert line not in text
    assert set(keys_by_fpr(hospital)) == set(before) | {fpr}

    # The partner's stock gpg takes the secret key; it is protected by the passphrase.
    stock.import_key(issued["SecretKey"])
    assert fpr in stock.fingerprints(secret=True)
    wrong = stock.run("--local-user", fpr, "--armor", "--sign", input="x", passphrase="wrong-passphrase",
                      check=False)
    assert wrong.returncode != 0
    signed = stock.run("--local-user", fpr, "--armor", "--sign", input="x", passphrase=ISSUE_PASSPHRASE)
    assert b"-----BEGIN PGP MESSAGE-----" in signed.stdout

    # Bad bodies: 400 naming the field, nothing issued.
    keys = hospital.get("/dicom-mail/keys")
    good = {"Name": "Someone", "Address": "someone@clinic.test", "Passphrase": ISSUE_PASSPHRASE}
    for change, word in [({"Name": None}, "Name"), ({"Name": 5}, "Name"), ({"Name": "A <b>"}, "Name"),
                         ({"Address": None}, "Address"), ({"Address": "no-at-sign"}, "Address"),
                         ({"Passphrase": None}, "Passphrase"), ({"Passphrase": "short"}, "Passphrase"),
                         ({"Algorithm": "dsa1024"}, "Algorithm")]:
        body = dict(good)
        body.update(change)
        body = {k: v for k, v in body.items() if v is not None}
        expect_error(hospital.post("/dicom-mail/keys/issue", body, raw=True), 400, word)
    expect_error(hospital.post("/dicom-mail/keys/issue", "not json", raw=True), 400, "JSON")
    assert hospital.get("/dicom-mail/keys") == keys
    assert ISSUE_PASSPHRASE not in hospital.log_text()


def test_delete_refuses_keys_with_a_secret_part(hospital):
    old = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    hospital.post("/dicom-mail/keys/site/generate", {"Replace": True})
    # The former site key still has its secret part: not deleted over REST.
    expect_error(hospital.delete("/dicom-mail/keys/%s" % old, raw=True), 400, "secret")
    assert keys_by_fpr(hospital)[old]["HasSecret"]


# ---------------------------------------------------------------------------------------------------- expiry


def test_key_expiring_soon_is_flagged(hospital, stock):
    soon = stock.quick_gen_key("Soon <soon@partner.test>", "future-default", expire="5d")
    later = stock.quick_gen_key("Later <later@partner.test>", "future-default", expire="400d")
    both = stock.run("--armor", "--export", soon, later).stdout.decode()
    imported = import_key(hospital, both)
    assert imported["Considered"] == 2 and imported["Imported"] == 2
    assert set(imported["Fingerprints"]) == {soon, later}

    keys = keys_by_fpr(hospital)
    assert keys[soon]["ExpiresSoon"] is True and keys[soon]["Expired"] is False
    expires = utc(keys[soon]["Expires"])
    assert 4 * 86400 < expires - time.time() < 6 * 86400
    assert keys[later]["ExpiresSoon"] is False and keys[later]["Expires"] is not None
    site = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    assert keys[site]["ExpiresSoon"] is False

    expiring = hospital.get("/dicom-mail/status")["ExpiringKeys"]
    assert soon in expiring
    assert later not in expiring and site not in expiring

    # A primary key without expiry whose only encryption subkey expires soon stops working for mail as well.
    subkey = stock.quick_gen_key("Subkey Soon <subkey@partner.test>", "ed25519", "cert,sign", "never")
    stock.run("--quick-add-key", subkey, "cv25519", "encr", "3d", passphrase="")
    import_key(hospital, stock.export(subkey))
    key = keys_by_fpr(hospital)[subkey]
    assert key["Expires"] is None and key["CanEncrypt"]
    assert 2 * 86400 < utc(key["EncryptionExpires"]) - time.time() < 4 * 86400
    assert key["ExpiresSoon"] is True
    assert subkey in hospital.get("/dicom-mail/status")["ExpiringKeys"]


def test_expired_or_revoked_partner_key_is_unusable(hospital, stock):
    good = stock.quick_gen_key("Good <good@partner.test>", "future-default")
    expired = stock.quick_gen_key("Expired <expired@partner.test>", "future-default", expire="1d",
                                  faked_time=int(time.time()) - 10 * 86400)
    revoked = stock.quick_gen_key("Revoked <revoked@partner.test>", "future-default")
    for fpr in (good, expired, revoked):
        import_key(hospital, stock.export(fpr))
    hospital.post("/dicom-mail/keys/%s/certify" % good)
    hospital.post("/dicom-mail/keys/%s/certify" % revoked)
    # The partner revokes its key later; the site imports the revocation.
    import_key(hospital, stock.revoke(revoked))

    # An expired key cannot be certified.
    expect_error(hospital.post("/dicom-mail/keys/%s/certify" % expired, raw=True), 409, "expired")

    keys = keys_by_fpr(hospital)
    assert keys[expired]["Expired"] and keys[revoked]["Revoked"]
    expiring = hospital.get("/dicom-mail/status")["ExpiringKeys"]
    assert expired in expiring and revoked in expiring and good not in expiring

    for name, fpr in [("p-good", good), ("p-expired", expired), ("p-revoked", revoked)]:
        hospital.put("/dicom-mail/partners/%s" % name, {"Addresses": ["%s@partner.test" % name], "Fingerprint": fpr})
    partners = {p["Name"]: p for p in hospital.get("/dicom-mail/partners")}
    assert partners["p-good"]["KeyState"] == {"Usable": True, "Reason": ""}
    state = partners["p-expired"]["KeyState"]
    assert state["Usable"] is False and "expired" in state["Reason"] and expired in state["Reason"]
    state = partners["p-revoked"]["KeyState"]
    assert state["Usable"] is False and "revoked" in state["Reason"] and revoked in state["Reason"]
    assert hospital.get("/dicom-mail/partners/p-revoked")["KeyState"] == state


# ---------------------------------------------------------------------------------------------------- bad input


def test_bad_input_is_refused_and_changes_nothing(hospital, stock):
    secret_fpr = stock.quick_gen_key("Careless <careless@partner.test>", "future-default")
    secret = stock.export_secret(secret_fpr)
    assert secret.startswith(ARMOR_SECRET)
    public = stock.export(secret_fpr)
    before = hospital.get("/dicom-mail/keys")

    post = lambda body: hospital.post("/dicom-mail/keys", body, raw=True)  # noqa: E731
    expect_error(post("this is not a key"), 400, "no OpenPGP key")
    expect_error(post(b""), 400, "empty")
    # A JSON body carries the armored key as "PublicKey".
    expect_error(post({"Key": "value"}), 400, "PublicKey")
    expect_error(post({"PublicKey": "this is not a key"}), 400, "no OpenPGP key")
    expect_error(post(ARMOR_PUBLIC + "\n\nbm90IGEga2V5\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"), 400)
    expect_error(post(secret), 400, "secret key")
    expect_error(post(public + secret), 400, "secret key")

    unknown = "/dicom-mail/keys/%s" % UNKNOWN_FPR
    expect_error(hospital.get(unknown, raw=True), 404, grouped(UNKNOWN_FPR))
    expect_error(hospital.post(unknown + "/certify", raw=True), 404, grouped(UNKNOWN_FPR))
    expect_error(hospital.delete(unknown, raw=True), 404, grouped(UNKNOWN_FPR))
    for malformed in ["XYZ", UNKNOWN_FPR[:39], UNKNOWN_FPR + "0", "G" * 40]:
        path = "/dicom-mail/keys/%s" % malformed
        expect_error(hospital.get(path, raw=True), 400, malformed, "not an OpenPGP fingerprint")
        expect_error(hospital.delete(path, raw=True), 400, "not an OpenPGP fingerprint")
        expect_error(hospital.post(path + "/certify", raw=True), 400, "not an OpenPGP fingerprint")
    site = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    expect_error(hospital.post("/dicom-mail/keys/%s/frobnicate" % site, raw=True), 404, "frobnicate")
    expect_error(hospital.post("/dicom-mail/keys/%s/certify" % site, raw=True), 400, "itself")

    assert hospital.get("/dicom-mail/keys") == before
    assert secret_fpr not in keys_by_fpr(hospital)
    for line in secret_key_body_lines(secret):
        assert line not in hospital.log_text()


# ---------------------------------------------------------------------------------------------------- interop


def test_plugin_key_imports_into_stock_gpg(hospital, stock):
    site = hospital.get("/dicom-mail/keys/site")
    result = stock.import_key(site["PublicKey"])
    assert b"imported: 1" in result.stderr
    assert stock.fingerprints() == [site["Fingerprint"]]
    records = stock.colons("--list-keys", site["Fingerprint"])
    assert [r[9] for r in records if r[0] == "uid"] == ["Hospital <hospital@hospital.test>"]
    assert [r[3] for r in records if r[0] in ("pub", "sub")] == ["22", "18"]   # EdDSA, ECDH
    assert site["Fingerprint"][-16:] in stock.signatures_on(site["Fingerprint"])   # self-signature checks


def test_stock_gpg_rsa_key_imports_and_certifies(hospital, stock):
    # gpg 2.2's default: RSA-3072 with an RSA-3072 encryption subkey.
    fpr = stock.quick_gen_key("Stock RSA <rsa@partner.test>", "default", "default", "never")
    imported = import_key(hospital, stock.export(fpr))
    assert imported["Fingerprints"] == [fpr]
    key = keys_by_fpr(hospital)[fpr]
    assert key["Algorithms"] == ["rsa3072", "rsa3072"] and key["CanEncrypt"]
    certified = hospital.post("/dicom-mail/keys/%s/certify" % fpr)
    assert certified["CertifiedBySite"] is True and certified["Validity"] == "full"
    assert keys_by_fpr(hospital)[fpr]["CertifiedBySite"] is True


def test_site_without_key_until_generated(mailstack, stock):
    server = make_server("hospital", mailstack, site_config("hospital", mailstack, GenerateSiteKey=False))
    with server:
        expect_error(server.get("/dicom-mail/keys/site", raw=True), 404, "no key yet", "/dicom-mail/keys/site/generate")
        assert server.get("/dicom-mail/status")["SiteKeyFingerprint"] is None
        assert server.get("/dicom-mail/keys") == []
        fpr = stock.quick_gen_key("Early Partner <early@partner.test>", "future-default")
        import_key(server, stock.export(fpr))
        expect_error(server.post("/dicom-mail/keys/%s/certify" % fpr, raw=True), 404, "no key yet")
        expect_error(server.post("/dicom-mail/keys/issue", {"Name": "Too Early", "Address": "te@partner.test",
                                                            "Passphrase": ISSUE_PASSPHRASE}, raw=True),
                     404, "no key yet")
        assert list(keys_by_fpr(server)) == [fpr]

        site = server.post("/dicom-mail/keys/site/generate")
        assert server.get("/dicom-mail/keys/site")["Fingerprint"] == site["Fingerprint"]
        assert server.post("/dicom-mail/keys/%s/certify" % fpr)["CertifiedBySite"]
