# SPDX-License-Identifier: GPL-3.0-or-later
"""Keys that change without breaking transfers (#22).

Every transfer mail and every acknowledgement carries the sender's current public key in an
application/pgp-keys part inside its signature. The receiver merges it once the signature is verified, and
only when its primary key is the signer's: a renewed expiry made with gpg in the partner's own home reaches
the other site by itself, while another primary key inside a verified mail is refused and never imported.
"""
import email
import email.policy
import os
import subprocess
import time
import types

from conftest import ROOT, SITES
import generate_study
import hostile_mails as hm
from test_send_receive import upload, wait_for

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]


def site_gpg(site, *args, data=None):
    """gpg on a site's own GnuPG home (conftest's GnupgHome), as an admin would run it."""
    result = subprocess.run(["gpg", "--homedir", os.path.join(ROOT, site, "g"), "--batch", "--no-tty",
                             "--pinentry-mode", "loopback", "--passphrase", ""] + list(args),
                            input=data, capture_output=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def renew(site, fingerprint, period):
    """A renewal the way an admin makes one: gpg --quick-set-expire on the key and its subkeys."""
    site_gpg(site, "--quick-set-expire", fingerprint, period)
    site_gpg(site, "--quick-set-expire", fingerprint, period, "*")


def expiry(server, fingerprint):
    key = server.get("/dicom-mail/keys/" + fingerprint)
    return key["Expires"], key["EncryptionExpires"]


def transfer(sender, receiver, partner, paths):
    """Sends the study of `paths` from sender to its partner and waits until it is in and acknowledged."""
    before = set(sender.get("/studies"))
    upload(sender, paths)
    new = [s for s in sender.get("/studies") if s not in before]
    assert len(new) == 1
    answer = sender.post("/dicom-mail/send", {"Resources": new, "Partner": partner})
    assert sender.wait_job(answer["ID"], timeout=300)["State"] == "Success"
    set_id = answer["SetId"]

    def complete():
        receiver.post("/dicom-mail/fetch", {})
        t = {x["SetId"]: x for x in receiver.get("/dicom-mail/inbox")}.get(set_id)
        return t if t and t["State"].startswith("complete") else None
    wait_for(complete, 300, "the transfer at the receiver")

    def acknowledged():
        sender.post("/dicom-mail/fetch", {})
        return sender.get("/dicom-mail/outbox/" + set_id)["State"] == "acknowledged"
    wait_for(acknowledged, 120, "the acknowledgements at the sender")
    return set_id


def key_parts_of(stack, user, set_id, site):
    """The application/pgp-keys parts inside the decrypted mails of a transfer, as `site` (the receiver) reads them."""
    found = []
    for _, raw in stack.fetch_all(user, "Processed"):
        outer = email.message_from_bytes(raw, policy=email.policy.compat32)
        if outer["X-TELEMEDICINE-SETID"] != set_id:
            continue
        armored = outer.get_payload()[1].get_payload(decode=False).encode()
        inner = email.message_from_bytes(site_gpg(site, "--decrypt", data=armored), policy=email.policy.compat32)
        found += [part.get_payload(decode=True) for part in inner.walk()
                  if part.get_content_type() == "application/pgp-keys"]
    return found


def test_renewed_key_travels_in_mails_and_acknowledgements(stack, paired, tmp_path):
    hospital, referrer = paired
    referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
    hospital_key = hospital.get("/dicom-mail/keys/site")["Fingerprint"]

    # 1. In a transfer mail: the referrer renews with gpg, then sends.
    renew("referrer", referrer_key, "3y")
    renewed = expiry(referrer, referrer_key)
    assert renewed != expiry(hospital, referrer_key)
    paths = generate_study.generate_study(str(tmp_path / "a"), seed=2201, slices=2, series=1, rows=32, cols=32,
                                          patient_name="Travel^One")
    set_id = transfer(referrer, hospital, "hospital", paths)
    parts = key_parts_of(stack, HOSPITAL, set_id, "hospital")
    assert parts and all(b"BEGIN PGP PUBLIC KEY BLOCK" in p for p in parts), "no key part in the referrer's mails"
    assert expiry(hospital, referrer_key) == renewed
    key = hospital.get("/dicom-mail/keys/" + referrer_key)
    assert key["CertifiedBySite"] and not key["Expired"], key
    assert "the sender's key was updated from the mail" in hospital.log_text(current_run=True)

    # 2. In an acknowledgement: the referrer renews again; the hospital sends; the referrer's MDNs bring it.
    renew("referrer", referrer_key, "4y")
    renewed_again = expiry(referrer, referrer_key)
    assert renewed_again != renewed
    paths = generate_study.generate_study(str(tmp_path / "b"), seed=2202, slices=2, series=1, rows=32, cols=32,
                                          patient_name="Travel^Two")
    transfer(hospital, referrer, "referrer", paths)
    assert expiry(hospital, referrer_key) == renewed_again
    # The hospital's own key travelled the other way and changed nothing there.
    assert expiry(referrer, hospital_key) == expiry(hospital, hospital_key)


def test_foreign_primary_key_in_a_verified_mail_is_refused(stack, paired, tmp_path):
    hospital, referrer = paired
    referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
    hospital_key = hospital.get("/dicom-mail/keys/site")["Fingerprint"]

    # A key the hospital never compared by phone, made in a home of its own.
    stranger_home = str(tmp_path / "stranger")
    os.makedirs(stranger_home, mode=0o700)
    gpg = ["gpg", "--homedir", stranger_home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""]
    subprocess.run(gpg + ["--quick-gen-key", "Stranger <stranger@stranger.test>", "ed25519", "default", "never"],
                   check=True, capture_output=True)
    colons = subprocess.run(gpg + ["--with-colons", "--list-keys"], check=True, capture_output=True).stdout.decode()
    stranger_key = [line.split(":")[9] for line in colons.splitlines() if line.startswith("fpr:")][0]
    stranger_armored = subprocess.run(gpg + ["--armor", "--export", stranger_key], check=True,
                                      capture_output=True).stdout.replace(b"\n", b"\r\n")

    # A genuine transfer mail by the referrer's site key, with the stranger's key as its key part.
    paths = generate_study.generate_study(str(tmp_path / "c"), seed=2203, slices=1, series=1, rows=32, cols=32,
                                          patient_name="Foreign^Key")
    dicom = hm.DicomFile(paths[0])
    set_id = "20261207.120000.0fe12ab5"
    key_part = hm.headers([("Content-Type", 'application/pgp-keys; name="public-key.asc"')]) + hm.CRLF + \
        stranger_armored
    plaintext = hm.multipart(hm.set_headers(set_id, 1, 1),
                             [hm.manifest_part(set_id, 1, 1, [hm.entry(dicom)]), hm.dicom_part(dicom.data), key_part],
                             "inner-" + set_id)
    signed = site_gpg("referrer", "--trust-model", "always", "-u", referrer_key, "-r", hospital_key,
                      "--sign", "--encrypt", data=plaintext)
    builder = hm.HostileMailBuilder(types.SimpleNamespace(home=str(tmp_path)), hospital_key, referrer_key,
                                    REFERRER, HOSPITAL)
    stack.append(HOSPITAL, builder.envelope("<foreign-key.%d@referrer.test>" % time.time_ns(), hm.armor(signed),
                                            (set_id, 1, 1)))

    def complete():
        hospital.post("/dicom-mail/fetch", {})
        t = {x["SetId"]: x for x in hospital.get("/dicom-mail/inbox")}.get(set_id)
        return t if t and t["State"].startswith("complete") else None
    wait_for(complete, 120, "the transfer with a foreign key part")

    assert stranger_key not in [k["Fingerprint"] for k in hospital.get("/dicom-mail/keys")]
    log = hospital.log_text(current_run=True)
    assert "refused the key %s in the mail: not the signer's primary key" % stranger_key in log
    # The referrer's own key is untouched and still usable.
    key = hospital.get("/dicom-mail/keys/" + referrer_key)
    assert key["CertifiedBySite"] and not key["Revoked"] and not key["Expired"]
