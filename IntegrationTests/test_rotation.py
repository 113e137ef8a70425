# SPDX-License-Identifier: GPL-3.0-or-later
"""Site key rotation without a gap (#22).

Two plugin sites exchange a stream of small studies in both directions while the hospital rotates its site key in
the middle: the new key is certified by the old one and announced to the referrer in a mail signed by the old key;
the referrer takes it because the key it trusts vouched for it. Not one transfer fails or waits, mail already on its
way to the old key is still read, and once the overlap ends the old secret key is retired and mail still encrypted
to it is refused with a clear reason.

Both sites poll only when asked (POST /dicom-mail/fetch), so which mail is read before which is the test's choice.
"""
import os
import subprocess
import time

import pytest

from conftest import ROOT, SITES, make_server, site_config, start_paired
import generate_study
from test_key_rotation import transfer
from test_send_receive import upload, wait_for

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]


def rotating_sites(mailstack, previous_key_seconds):
    servers = []
    for name in ("hospital", "referrer"):
        config = site_config(name, mailstack, SiteKey={"PreviousKeySeconds": previous_key_seconds})
        config["Incoming"][0]["PollInterval"] = 86400
        servers.append(make_server(name, mailstack, config))
    return servers


@pytest.fixture
def overlapping(mailstack):
    hospital, referrer = rotating_sites(mailstack, 3600)
    yield start_paired(hospital, referrer)
    referrer.stop()
    hospital.stop()


@pytest.fixture
def retiring(mailstack):
    hospital, referrer = rotating_sites(mailstack, 3)
    yield start_paired(hospital, referrer)
    referrer.stop()
    hospital.stop()


def study(tmp_path, index):
    return generate_study.generate_study(str(tmp_path / ("s%d" % index)), seed=2260 + index, slices=1, series=1,
                                         rows=32, cols=32, patient_name="Rotation^%d" % index)


def send_only(sender, partner, paths):
    """Sends a study and waits until its mails left (job done), not for the receiver."""
    before = set(sender.get("/studies"))
    upload(sender, paths)
    new = [s for s in sender.get("/studies") if s not in before]
    answer = sender.post("/dicom-mail/send", {"Resources": new, "Partner": partner})
    assert sender.wait_job(answer["ID"], timeout=300)["State"] == "Success"
    return answer["SetId"]


def signers_in(stack, user, site):
    """The primary fingerprints that signed the DICOM-Mails now in the user's Processed folder, read with the
    receiving site's own gpg."""
    import email
    import email.policy
    signers = set()
    for _, raw in stack.fetch_all(user, "Processed"):
        outer = email.message_from_bytes(raw, policy=email.policy.compat32)
        if outer.get_content_type() != "multipart/encrypted":
            continue
        armored = outer.get_payload()[1].get_payload(decode=False).encode()
        status = subprocess.run(["gpg", "--homedir", os.path.join(ROOT, site, "g"), "--batch", "--no-tty",
                                 "--status-fd", "1", "--output", "/dev/null", "--decrypt"],
                                input=armored, capture_output=True).stdout.decode(errors="replace")
        signers.update(line.split()[-1] for line in status.splitlines() if line.startswith("[GNUPG:] VALIDSIG"))
    return signers


def referrer_home():
    return os.path.join(ROOT, "referrer", "g")


def certified_by(home, key, certifier):
    """Whether gpg in "home" finds a good certification by "certifier" on "key"."""
    colons = subprocess.run(["gpg", "--homedir", home, "--batch", "--no-tty", "--with-colons", "--check-sigs", key],
                            capture_output=True, check=True).stdout.decode()
    return any(line.startswith("sig:!:") and line.split(":")[4] == certifier[-16:] for line in colons.splitlines())


def refused(server):
    return [m for m in server.get("/dicom-mail/mails") if m["State"] in ("rejected", "quarantined")]


def test_rotation_in_the_middle_of_a_stream(stack, overlapping, tmp_path):
    hospital, referrer = overlapping
    old = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    transfers = []

    # Before: one each way.
    transfers.append((hospital, transfer(hospital, referrer, "referrer", study(tmp_path, 1))))
    transfers.append((referrer, transfer(referrer, hospital, "hospital", study(tmp_path, 2))))
    # In flight: encrypted to the hospital's old key, not yet read when it rotates.
    in_flight = send_only(referrer, "hospital", study(tmp_path, 3))

    rotated = hospital.post("/dicom-mail/site-key/rotate", {})
    new = rotated["Fingerprint"]
    assert rotated["PreviousFingerprint"] == old and new != old
    assert rotated["Announced"] == ["referrer"] and rotated["NotAnnounced"] == [] and rotated["Problems"] == []
    assert hospital.get("/dicom-mail/keys/site")["Fingerprint"] == new
    assert hospital.get("/dicom-mail/keys/" + old)["HasSecret"]   # still decrypts mail in flight
    [history] = hospital.get("/dicom-mail/site-key/rotations")
    assert history["PreviousFingerprint"] == old and history["Fingerprint"] == new and not history["Retired"]

    # The in-flight mail is read with the old key, and acknowledged under the new one.
    def in_flight_done():
        hospital.post("/dicom-mail/fetch", {})
        t = {x["SetId"]: x for x in hospital.get("/dicom-mail/inbox")}.get(in_flight)
        return t if t and t["State"].startswith("complete") else None
    wait_for(in_flight_done, 300, "the mail in flight to the old key")

    # After: the stream goes on both ways, the first one from the hospital signed by its new key.
    transfers.append((hospital, transfer(hospital, referrer, "referrer", study(tmp_path, 4))))
    transfers.append((referrer, transfer(referrer, hospital, "hospital", study(tmp_path, 5))))
    transfers.append((hospital, transfer(hospital, referrer, "referrer", study(tmp_path, 6))))

    def in_flight_acknowledged():
        referrer.post("/dicom-mail/fetch", {})
        return referrer.get("/dicom-mail/outbox/" + in_flight)["State"] == "acknowledged"
    wait_for(in_flight_acknowledged, 120, "the acknowledgement of the mail in flight")

    # Every transfer acknowledged (transfer() waited for it), nothing refused or quarantined on either side.
    for sender, set_id in transfers:
        assert sender.get("/dicom-mail/outbox/" + set_id)["State"] == "acknowledged"
    assert refused(hospital) == [] and refused(referrer) == []

    # The referrer took the new key: its record points at it, the old one kept with an end date.
    partner = referrer.get("/dicom-mail/partners/hospital")
    assert partner["Fingerprint"] == new
    assert partner["PreviousFingerprint"] == old and partner["PreviousFingerprintUntil"]
    assert partner["KeyState"]["Usable"], partner["KeyState"]
    # It holds the new key with the old one's good certification, as it travelled in the announcement.
    assert certified_by(referrer_home(), new, old)
    announcements = [m for m in referrer.get("/dicom-mail/mails") if "key announcement" in m["Reason"]]
    assert [m["State"] for m in announcements] == ["imported"], announcements
    # The hospital's mails before the rotation were signed by the old key, those after by the new one only.
    assert signers_in(stack, REFERRER, "referrer") == {old, new}
    log = hospital.log_text(current_run=True)
    assert "rotated the site key %s to %s" % (old, new) in log


def test_old_key_retired_after_the_overlap(stack, retiring, tmp_path):
    hospital, referrer = retiring
    old = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    rotated = hospital.post("/dicom-mail/site-key/rotate", {})
    new = rotated["Fingerprint"]

    # The overlap (3 s) ends; the hospital's next poll retires the old secret key.
    def retired():
        hospital.post("/dicom-mail/fetch", {})
        return hospital.get("/dicom-mail/site-key/rotations")[0]["Retired"]
    wait_for(retired, 60, "the retirement of the old key")
    key = hospital.get("/dicom-mail/keys/" + old)
    assert not key["HasSecret"] and hospital.get("/dicom-mail/keys/" + new)["HasSecret"]
    assert "retired the previous site key " + old in hospital.log_text(current_run=True)

    # The referrer has not read the announcement yet: its mail is still encrypted to the old key, and refused.
    late = send_only(referrer, "hospital", study(tmp_path, 7))

    def refused_late():
        hospital.post("/dicom-mail/fetch", {})
        return [m for m in hospital.get("/dicom-mail/mails") if m["ClaimedSetId"] == late or m["SetId"] == late]
    [mail] = wait_for(refused_late, 120, "the mail to the retired key")
    assert mail["State"] == "rejected", mail
    assert "cannot decrypt" in mail["Reason"], mail

    # Once the referrer reads the announcement, its next study goes to the new key and is imported.
    referrer.post("/dicom-mail/fetch", {})
    assert referrer.get("/dicom-mail/partners/hospital")["Fingerprint"] == new
    transfer(referrer, hospital, "hospital", study(tmp_path, 8))
