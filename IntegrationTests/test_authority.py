# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 22, part 1: certifying authorities and revocation, with real keys made by Sequoia (`sq`).

An authority ("Net CA") certifies partner keys with `sq certify`; the hospital trusts it for *@example-network.test
only. A partner it certified in scope is usable without local certification (and gpg encrypts to it: a send goes out),
one outside the scope is not; a certification the authority revoked (gpg revsig in a scratch home holding the
authority's secret key: sq 0.27 has no such command), and a revoked authority key, make it unusable with the reason.
A partner's revocation certificate posted over REST revokes its key at once; the site's own revocation certificate is
handed out exactly once.
"""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, SITES
import sample_files

NET = "example-network.test"
REFERRER = SITES["referrer"][2]


def sq(*args, out=None):
    result = subprocess.run(["sq"] + list(args), check=True, capture_output=True)
    if out is not None:
        with open(out, "wb") as f:
            f.write(result.stdout)
    return result.stdout


class SqKey:
    """A key made by sq: secret key, public certificate, sq's revocation certificate, fingerprint."""

    def __init__(self, directory, name, address, expires=None):
        self.userid = "%s <%s>" % (name, address)
        base = os.path.join(directory, address.replace("@", "_"))
        self.secret = base + ".key"
        self.revocation = base + ".rev"
        expiry = ["--expires", expires] if expires else []   # ISO 8601 (sq dates a new key a minute back)
        sq("key", "generate", "--userid", self.userid, "--export", self.secret, "--rev-cert", self.revocation,
           *expiry)
        self.public = sq("key", "extract-cert", self.secret).decode()
        inspected = sq("inspect", self.secret).decode()
        self.fingerprint = [line.split(":", 1)[1].strip() for line in inspected.splitlines()
                            if line.strip().startswith("Fingerprint:")][0]

    def certified_by(self, authority):
        """This certificate with a certification by "authority" on its user ID (sq certify)."""
        path = self.secret + ".pub"
        with open(path, "w") as f:
            f.write(self.public)
        return sq("certify", authority.secret, path, self.userid).decode()


def revoke_certification(directory, authority, certified_public, target):
    """The certificate with the authority's certification revoked (gpg revsig with the authority's secret key)."""
    home = os.path.join(directory, "ca-gpg")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home, mode=0o700)
    gpg = ["gpg", "--homedir", home, "--batch"]
    subprocess.run(gpg + ["--import", authority.secret], check=True, capture_output=True)
    subprocess.run(gpg + ["--import"], input=certified_public.encode(), check=True, capture_output=True)
    # revoke this signature? yes; really? yes; reason 0, no text, okay
    subprocess.run(gpg + ["--command-fd", "0", "--edit-key", target.fingerprint, "revsig", "save"],
                   input=b"y\ny\n0\n\ny\n", check=True, capture_output=True)
    exported = subprocess.run(gpg + ["--armor", "--export", target.fingerprint], check=True, capture_output=True)
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], check=False)
    return exported.stdout.decode()


def with_certifier(partner):
    """KeyState with the partner's CertifiedBy beside it."""
    return dict(partner["KeyState"], CertifiedBy=partner["CertifiedBy"])


def state_of(server, partner):
    return with_certifier(server.get("/dicom-mail/partners/" + partner))


def listed_state(server, partner):
    return {p["Name"]: with_certifier(p) for p in server.get("/dicom-mail/partners")}[partner]


@pytest.fixture
def keys(tmp_path):
    directory = str(tmp_path)
    return {
        "ca": SqKey(directory, "Net CA", "ca@" + NET),
        "in": SqKey(directory, "Praxis Im Netz", "praxis@" + NET),
        "sub": SqKey(directory, "Radiologie", "ct@radiology." + NET),
        "out": SqKey(directory, "Praxis Draussen", "praxis@other.test"),
        "dir": directory,
    }


def add_partner(server, name, key, public):
    server.post("/dicom-mail/keys", public)
    server.put("/dicom-mail/partners/" + name, {"Addresses": [REFERRER], "Fingerprint": key.fingerprint})


def trust_authority(server, ca, domains):
    return server.put("/dicom-mail/authorities/" + ca.fingerprint, {"PublicKey": ca.public, "Domains": domains})


def test_authority_certifies_partners_in_its_scope(hospital, keys):
    ca = keys["ca"]
    add_partner(hospital, "in", keys["in"], keys["in"].certified_by(ca))
    add_partner(hospital, "sub", keys["sub"], keys["sub"].certified_by(ca))
    add_partner(hospital, "out", keys["out"], keys["out"].certified_by(ca))
    before = state_of(hospital, "in")
    assert not before["Usable"] and "not certified by the site key" in before["Reason"], before

    authority = trust_authority(hospital, ca, ["*@" + NET.upper()])
    assert authority["Fingerprint"] == ca.fingerprint
    assert authority["Domains"] == ["*@" + NET] and authority["Usable"], authority
    assert [a["Fingerprint"] for a in hospital.get("/dicom-mail/authorities")] == [ca.fingerprint]

    for partner in ("in", "sub"):
        for state in (state_of(hospital, partner), listed_state(hospital, partner)):
            assert state["Usable"], (partner, state)
            assert state["CertifiedBy"] == {"Fingerprint": ca.fingerprint, "Name": ca.userid, "Authority": True}
    out = listed_state(hospital, "out")
    assert not out["Usable"] and "outside its scope *@" + NET in out["Reason"], out
    assert ca.fingerprint in out["Reason"]
    # GnuPG agrees: the in-scope key is valid, the other not
    keys_by_fpr = {k["Fingerprint"]: k for k in hospital.get("/dicom-mail/keys")}
    assert keys_by_fpr[keys["in"].fingerprint]["Validity"] == "full"
    assert keys_by_fpr[keys["out"].fingerprint]["Validity"] not in ("full", "ultimate")

    # gpg encrypts to the authority-certified key: the send goes out; the out-of-scope one is refused
    with open(sample_files.ct_small(), "rb") as f:
        instance = hospital.upload_dicom(f.read())["ID"]
    answer = hospital.post("/dicom-mail/send", {"Resources": [instance], "Partner": "in"})
    job = hospital.wait_job(answer["ID"], timeout=300)
    assert job["State"] == "Success", job
    r = hospital.post("/dicom-mail/send", {"Resources": [instance], "Partner": "out"}, raw=True)
    assert r.status_code == 409 and "outside its scope" in r.json()["Message"], r.text

    # a narrower scope: the subdomain's partner is still in, a scope elsewhere drops both
    trust_authority(hospital, ca, ["*@radiology." + NET])
    assert state_of(hospital, "sub")["Usable"]
    assert not listed_state(hospital, "in")["Usable"]

    # taken away: its key goes, the partners are unusable again
    hospital.delete("/dicom-mail/authorities/" + ca.fingerprint)
    assert hospital.get("/dicom-mail/authorities") == []
    assert not listed_state(hospital, "sub")["Usable"]


def test_authority_scope_is_checked(hospital, keys):
    ca = keys["ca"]
    for domains in (["*@a.test", "*@b.test"], ["not a domain"], "*@a.test"):
        r = hospital.put("/dicom-mail/authorities/" + ca.fingerprint, {"PublicKey": ca.public, "Domains": domains},
                         raw=True)
        assert r.status_code == 400, (domains, r.text)
    site = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    r = hospital.put("/dicom-mail/authorities/" + site, {"Domains": []}, raw=True)
    assert r.status_code == 400, r.text
    r = hospital.get("/dicom-mail/authorities/" + ca.fingerprint, raw=True)
    assert r.status_code == 404, r.text


def test_revoked_certification_and_revoked_authority(hospital, keys):
    ca, partner, other = keys["ca"], keys["in"], keys["sub"]
    certified = partner.certified_by(ca)
    add_partner(hospital, "in", partner, certified)
    add_partner(hospital, "sub", other, other.certified_by(ca))
    trust_authority(hospital, ca, ["*@" + NET])
    assert state_of(hospital, "in")["Usable"] and state_of(hospital, "sub")["Usable"]

    hospital.post("/dicom-mail/keys", revoke_certification(keys["dir"], ca, certified, partner))
    state = listed_state(hospital, "in")
    assert not state["Usable"] and "revoked its certification" in state["Reason"], state
    assert state_of(hospital, "sub")["Usable"]

    with open(ca.revocation) as f:
        revoked = hospital.post("/dicom-mail/keys/%s/revocation" % ca.fingerprint, f.read(),
                                headers={"Content-Type": "application/pgp-keys"})
    assert revoked["Revoked"], revoked
    state = state_of(hospital, "sub")
    assert not state["Usable"] and "its key is revoked" in state["Reason"] and ca.fingerprint in state["Reason"], state
    assert [a["Usable"] for a in hospital.get("/dicom-mail/authorities")] == [False]


def test_partner_revocation_certificate(hospital, keys):
    partner, other = keys["out"], keys["in"]
    add_partner(hospital, "out", partner, partner.public)
    hospital.post("/dicom-mail/keys/%s/certify" % partner.fingerprint, {})
    assert state_of(hospital, "out")["Usable"]
    hospital.post("/dicom-mail/keys", other.public)

    with open(partner.revocation) as f:
        certificate = f.read()
    # the certificate of one key does not revoke another
    r = hospital.post("/dicom-mail/keys/%s/revocation" % other.fingerprint, certificate, raw=True,
                      headers={"Content-Type": "application/pgp-keys"})
    assert r.status_code == 400 and "does not revoke" in r.json()["Message"], r.text
    r = hospital.post("/dicom-mail/keys/%s/revocation" % partner.fingerprint, "no certificate", raw=True,
                      headers={"Content-Type": "application/pgp-keys"})
    assert r.status_code == 400, r.text

    revoked = hospital.post("/dicom-mail/keys/%s/revocation" % partner.fingerprint,
                            {"RevocationCertificate": certificate})
    assert revoked["Revoked"] and revoked["Fingerprint"] == partner.fingerprint, revoked
    state = listed_state(hospital, "out")
    assert not state["Usable"] and "is revoked" in state["Reason"], state
    assert not state_of(hospital, "out")["Usable"]


def test_site_revocation_certificate_once(hospital, tmp_path):
    site = hospital.get("/dicom-mail/keys/site")
    first = hospital.post("/dicom-mail/site-key/revocation-certificate", {})
    assert first["Fingerprint"] == site["Fingerprint"]
    certificate = first["RevocationCertificate"]
    assert certificate.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), certificate[:80]
    r = hospital.post("/dicom-mail/site-key/revocation-certificate", {}, raw=True)
    assert r.status_code == 410, r.text

    # it is the real thing: a stock gpg with the site's public key takes it as its revocation
    home = str(tmp_path / "g")
    os.makedirs(home, mode=0o700)
    gpg = ["gpg", "--homedir", home, "--batch"]
    subprocess.run(gpg + ["--import"], input=site["PublicKey"].encode(), check=True, capture_output=True)
    subprocess.run(gpg + ["--import"], input=certificate.encode(), check=True, capture_output=True)
    listed = subprocess.run(gpg + ["--with-colons", "--list-keys", site["Fingerprint"]], check=True,
                            capture_output=True).stdout.decode()
    assert [line for line in listed.splitlines() if line.startswith("pub:")][0].startswith("pub:r:"), listed
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], check=False)
    # never in the log
    body = [line for line in certificate.splitlines() if len(line) > 40][0]
    assert body not in hospital.log_text(), "the revocation certificate reached the log"
