# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 22 with keys made by Sequoia (`sq`): a partner's revocation that arrives inside its own verified mail makes
it unusable at once, and a partner certified by an authority whose key expires becomes unusable with that reason.
"""
import datetime
import os
import shutil
import subprocess
import time
import types

from conftest import SITES
import generate_study
import hostile_mails as hm
from test_authority import NET, SqKey, add_partner, listed_state, state_of, trust_authority
from test_send_receive import wait_for

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]


def scratch_gpg(directory, name, *imports):
    """A gpg home holding the given armored keys (the partner's secret key made by sq, the hospital's public key)."""
    home = os.path.join(directory, name)
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home, mode=0o700)
    for data in imports:
        subprocess.run(["gpg", "--homedir", home, "--batch", "--import"], input=data, check=True, capture_output=True)
    return home


def test_revocation_inside_a_verified_mail(hospital, stack, tmp_path):
    partner = SqKey(str(tmp_path), "Praxis Widerruf", REFERRER)
    add_partner(hospital, "praxis", partner, partner.public)
    hospital.post("/dicom-mail/keys/%s/certify" % partner.fingerprint, {})
    assert state_of(hospital, "praxis")["Usable"]
    site = hospital.get("/dicom-mail/keys/site")

    # The partner's own certificate with sq's revocation merged into it: what its renewed key part would carry.
    with open(partner.secret, "rb") as f:
        secret = f.read()
    with open(partner.revocation, "rb") as f:
        revocation = f.read()
    # gpg imports sq's bare revocation signature only behind the key it revokes (as sq inspect reads it too).
    dearmored = subprocess.run(["sq", "dearmor"], input=partner.public.encode(), check=True,
                               capture_output=True).stdout + \
        subprocess.run(["sq", "dearmor"], input=revocation, check=True, capture_output=True).stdout
    merged = scratch_gpg(str(tmp_path), "merged", dearmored)
    revoked_cert = subprocess.run(["gpg", "--homedir", merged, "--batch", "--armor", "--export", partner.fingerprint],
                                  check=True, capture_output=True).stdout.replace(b"\n", b"\r\n")
    # The signer's home has no revocation yet: gpg signs with no revoked key.
    home = scratch_gpg(str(tmp_path), "signer", secret, site["PublicKey"].encode())
    assert b"BEGIN PGP PUBLIC KEY BLOCK" in revoked_cert

    # A transfer mail signed by the partner's (not yet revoked, for the hospital) key, the revocation in its key part.
    paths = generate_study.generate_study(str(tmp_path / "s"), seed=2291, slices=1, series=1, rows=32, cols=32,
                                          patient_name="Revoked^InMail")
    dicom = hm.DicomFile(paths[0])
    set_id = "20261207.180000.0a1b2c3d"
    key_part = hm.headers([("Content-Type", 'application/pgp-keys; name="public-key.asc"')]) + hm.CRLF + revoked_cert
    plaintext = hm.multipart(hm.set_headers(set_id, 1, 1),
                             [hm.manifest_part(set_id, 1, 1, [hm.entry(dicom)]), hm.dicom_part(dicom.data), key_part],
                             "inner-" + set_id)
    builder = hm.HostileMailBuilder(types.SimpleNamespace(home=home), site["Fingerprint"], site["Fingerprint"],
                                    REFERRER, HOSPITAL)
    signed = builder.openpgp(plaintext, [site["Fingerprint"]], signer=partner.fingerprint)
    stack.append(HOSPITAL, builder.envelope("<revoked-in-mail.%d@referrer.test>" % time.time_ns(), hm.armor(signed),
                                            (set_id, 1, 1)))
    for scratch in (home, merged):
        subprocess.run(["gpgconf", "--homedir", scratch, "--kill", "all"], check=False)

    def complete():
        hospital.post("/dicom-mail/fetch", {})
        t = {x["SetId"]: x for x in hospital.get("/dicom-mail/inbox")}.get(set_id)
        return t if t and t["State"].startswith("complete") else None
    wait_for(complete, 120, "the transfer carrying the revocation")

    # Merged at once: the key is revoked, the partner unusable, a send to it refused.
    assert hospital.get("/dicom-mail/keys/" + partner.fingerprint)["Revoked"]
    state = listed_state(hospital, "praxis")
    assert not state["Usable"] and "is revoked" in state["Reason"], state
    studies = hospital.get("/studies")
    r = hospital.post("/dicom-mail/send", {"Resources": studies[:1], "Partner": "praxis"}, raw=True)
    assert r.status_code == 409 and "revoked" in r.text, r.text


def test_expired_authority_key(hospital, tmp_path):
    directory = str(tmp_path)
    ca = SqKey(directory, "Net CA", "ca@" + NET, expires=(datetime.datetime.now(datetime.timezone.utc) +
                                                          datetime.timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    partner = SqKey(directory, "Praxis Im Netz", "praxis@" + NET)
    add_partner(hospital, "in", partner, partner.certified_by(ca))
    trust_authority(hospital, ca, ["*@" + NET])
    state = state_of(hospital, "in")
    assert state["Usable"] and state["CertifiedBy"]["Fingerprint"] == ca.fingerprint, state

    # Once the authority's key expired, its word counts no more (the key listing is renewed within a minute).
    def unusable():
        s = listed_state(hospital, "in")
        return s if not s["Usable"] else None
    state = wait_for(unusable, 240, "the partner certified by the expired authority to become unusable")
    assert ca.fingerprint in state["Reason"] and "expired" in state["Reason"], state
    assert state["CertifiedBy"] is None
