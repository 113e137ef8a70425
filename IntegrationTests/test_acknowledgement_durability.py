# SPDX-License-Identifier: GPL-3.0-or-later
"""Acknowledgements survive a crash (issue 24): a mail recorded as processed is always answered.

The sender is a foreign partner with nothing but the stock `gpg` ("clinic"): its mails are built here, signed by
its key and encrypted to the referrer's site key, and its mailbox is where the referrer's MDNs arrive. The referrer
records each MDN in a durable queue in the same SQLite transaction as the mail's outcome and sends it from there,
so neither SIGKILL nor an SMTP outage loses one.
"""
import email
import os
import random
import re
import sqlite3
import tempfile
import time

import pytest

from conftest import ROOT, SITES
from fault_tools import wait_for
from stock_gpg import StockGpg
from test_faults import inbox_transfer, mail, sites, smtp_restarted, start_smtp, stop_smtp  # noqa: F401 (fixtures)
import generate_study
import hostile_mails as hm

REFERRER = SITES["referrer"][2]
CLINIC = "clinic@clinic.test"
CRLF = b"\r\n"


# ---------------------------------------------------------------------------------------------------- the partner

class StockGpgPartner:
    """clinic: a key made by the stock gpg, certified as partner "clinic" at the referrer, and the referrer's site
    key imported, so that it can encrypt to it and check the MDNs' signatures."""

    def __init__(self, referrer):
        self.gpg = StockGpg(os.path.join(ROOT, "clinic-gpg"))
        self.fingerprint = self.gpg.quick_gen_key("Clinic <%s>" % CLINIC)
        site = referrer.get("/dicom-mail/keys/site")
        self.referrer_key = site["Fingerprint"]
        self.gpg.import_key(site["PublicKey"])
        referrer.post("/dicom-mail/keys", self.gpg.export(self.fingerprint))
        referrer.post("/dicom-mail/keys/%s/certify" % self.fingerprint, {})
        referrer.put("/dicom-mail/partners/clinic", {"Addresses": [CLINIC], "Fingerprint": self.fingerprint})
        self.builder = hm.HostileMailBuilder(self.gpg, self.fingerprint, self.referrer_key, CLINIC, REFERRER)

    def transfer(self, directory, count, seed):
        """`count` DICOM-Mails of one new transfer, one instance each: [(Message-ID, raw bytes)]."""
        paths = generate_study.generate_study(str(directory), seed=seed, slices=count, series=1, rows=64, cols=64)
        set_id = "%s.%06d.%08x" % (time.strftime("%Y%m%d"), seed, random.Random(seed).getrandbits(32))
        mails = []
        for part, path in enumerate(paths, start=1):
            message_id = "<ack-durability.%s.%d@clinic.test>" % (set_id, part)
            plaintext = hm.entity(set_id, part, count, [hm.DicomFile(path)])
            armored = hm.armor(self.builder.sign_encrypt(plaintext))
            raw = self.builder.envelope(message_id, armored, (set_id, part, count),
                                        extra=[("Disposition-Notification-To", "<%s>" % CLINIC)])
            mails.append((message_id, raw))
        return set_id, mails

    def verify_mdn(self, raw):
        """(Original-Message-ID, disposition) of an MDN whose multipart/signed signature is the referrer's; None for
        anything else."""
        message = email.message_from_bytes(raw)
        if message.get_content_type() != "multipart/signed":
            return None
        delimiter = b"--" + message.get_boundary().encode()
        # RFC 2046: the CRLF before a delimiter belongs to it; the signed bytes are exactly what lies between.
        pieces = (CRLF + raw.split(CRLF + CRLF, 1)[1]).split(CRLF + delimiter)
        signed = pieces[1][len(CRLF):]
        signature = pieces[2][pieces[2].index(b"-----BEGIN PGP SIGNATURE-----"):]
        with tempfile.TemporaryDirectory(dir=self.gpg.home) as scratch:
            data_path, signature_path = os.path.join(scratch, "data"), os.path.join(scratch, "data.asc")
            with open(data_path, "wb") as f:
                f.write(signed)
            with open(signature_path, "wb") as f:
                f.write(signature)
            result = self.gpg.run("--status-fd", "1", "--verify", signature_path, data_path, check=False)
        status = result.stdout.decode(errors="replace")
        if not any(line.startswith("[GNUPG:] VALIDSIG") and self.referrer_key in line for line in status.splitlines()):
            return None
        text = signed.decode(errors="replace")
        original = re.search(r"^Original-Message-ID:\s*(\S+)", text, re.M | re.I)
        disposition = re.search(r"^Disposition:\s*(.+?)\s*$", text, re.M | re.I)
        if not (original and disposition):
            return None
        return original.group(1), disposition.group(1).replace(" ", "")

    def close(self):
        self.gpg.close()


def positive(disposition):
    return disposition.endswith(";displayed") or disposition.endswith(";displayed/warning")


def mdns_by_message_id(partner, stack):
    """Original-Message-ID -> dispositions of every valid signed MDN in clinic's INBOX."""
    found = {}
    for _, raw in stack.fetch_all(CLINIC):
        verified = partner.verify_mdn(raw)
        if verified:
            found.setdefault(verified[0], []).append(verified[1])
    return found


def pending_acknowledgements(referrer):
    return referrer.get("/dicom-mail/status")["PendingAcknowledgements"]


def mails_of(referrer, set_id):
    return [m for m in referrer.get("/dicom-mail/mails?limit=100000") if m["SetId"] == set_id]


def mdn_sent_flags(set_id):
    """inbox_mails.mdn_sent of the transfer's records, read from the referrer's database file."""
    with sqlite3.connect(os.path.join(ROOT, "referrer", "dicom-mail.db"), timeout=10) as db:
        return [row[0] for row in db.execute("SELECT mdn_sent FROM inbox_mails WHERE set_id = ?", (set_id,))]


# ---------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture
def clinic_partner():
    made = []

    def make(referrer):
        made.append(StockGpgPartner(referrer))
        return made[-1]

    yield make
    for partner in made:
        partner.close()


# ---------------------------------------------------------------------------------------------------- tests

def test_every_processed_mail_is_answered_across_kills(sites, clinic_partner, mail, tmp_path):  # noqa: F811
    """12 mails from the stock-gpg partner; the receiving Orthanc is killed (SIGKILL) six times at random moments
    while it fetches, imports, records and answers them. Afterwards every mail has exactly one record and at least
    one positive MDN signed by the referrer, and the durable queue says every one was sent."""
    referrer = sites("referrer", incoming={"PollInterval": 1})
    partner = clinic_partner(referrer)
    count = 12
    set_id, mails = partner.transfer(tmp_path, count, seed=24)
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    print("kill schedule seed", seed)

    def recorded():
        t = inbox_transfer(referrer, set_id)
        return t["MailsReceived"] if t else 0

    kills, busy_at_kill = 6, 0
    batches = [mails[i::kills] for i in range(kills)]
    for batch in batches:
        for message_id, raw in batch:
            assert mail.send(raw, CLINIC, [REFERRER]) == {}
        # A random moment, but at the latest shortly after one more mail was recorded, so that the kills fall
        # into the work whatever the machine's speed.
        before = recorded()
        deadline = time.monotonic() + rng.uniform(0.2, 2.5)
        while time.monotonic() < deadline:
            if recorded() > before:
                time.sleep(rng.uniform(0, 0.5))
                break
            time.sleep(0.05)
        if recorded() < count or pending_acknowledgements(referrer)["Count"] > 0:
            busy_at_kill += 1
        referrer.kill()
        referrer.start()
    assert busy_at_kill >= 5, "the kills came after the work was done: nothing was tested"

    def complete():
        t = inbox_transfer(referrer, set_id)
        return t if t and t["State"].startswith("complete") and t["MailsReceived"] == count else None
    wait_for(complete, 180, "all %d mails recorded" % count)
    wait_for(lambda: pending_acknowledgements(referrer)["Count"] == 0, 120, "the acknowledgement queue to drain")

    # Exactly one record per mail, each imported.
    records = mails_of(referrer, set_id)
    assert sorted(m["Part"] for m in records) == list(range(1, count + 1)), records
    assert all(m["State"] in ("imported", "warning") for m in records), records
    # The durable queue and mdn_sent say every one was answered ...
    status = referrer.get("/dicom-mail/status")
    assert status["PendingAcknowledgements"]["Count"] == 0, status
    assert status["SentAcknowledgements"] >= count, status
    assert mdn_sent_flags(set_id) == [1] * count
    # ... and the partner has the signed, positive MDN for each (a kill after the SMTP acceptance may send two).
    expected = {message_id for message_id, _ in mails}

    def answered():
        found = mdns_by_message_id(partner, mail)
        missing = [m for m in expected if not any(positive(d) for d in found.get(m, []))]
        return found if not missing else None
    found = wait_for(answered, 60, "a positive signed MDN for each of the %d mails" % count)
    assert set(found) == expected, "MDNs for mails that were not sent: %s" % (set(found) - expected)
    assert mail.count(REFERRER, "INBOX") == 0


def test_acknowledgements_wait_for_the_smtp_server_and_go_out_when_it_is_back(
        sites, clinic_partner, mail, mailstack, smtp_restarted, tmp_path):  # noqa: F811
    """With the SMTP server stopped, the MDNs of mails processed meanwhile wait in the queue and are shown in
    /dicom-mail/status with the server's error; once it runs again they all go out, with no restart of Orthanc."""
    referrer = sites("referrer", incoming={"PollInterval": 1})
    partner = clinic_partner(referrer)
    count = 3
    set_id, mails = partner.transfer(tmp_path, count, seed=2424)
    pid = referrer.pid

    stop_smtp(mailstack)
    for _, raw in mails:
        mail.append(REFERRER, raw)   # delivered before the outage

    def failing():
        pending = pending_acknowledgements(referrer)
        return pending if pending["Count"] == count and pending["Failing"] >= 1 and pending["LastError"] else None
    pending = wait_for(failing, 90, "%d acknowledgements pending with an error" % count)
    assert pending["Oldest"] and pending["NextAttempt"], pending
    t = inbox_transfer(referrer, set_id)
    assert t and t["State"].startswith("complete"), t
    assert mdn_sent_flags(set_id) == [0] * count
    time.sleep(3)   # a few more failed attempts: still nothing dropped
    assert pending_acknowledgements(referrer)["Count"] == count
    assert mail.count(CLINIC) == 0

    start_smtp(mailstack)
    wait_for(lambda: pending_acknowledgements(referrer)["Count"] == 0, 180, "the queue to drain after the outage")
    assert referrer.pid == pid and referrer.is_running(), "Orthanc was restarted"
    status = referrer.get("/dicom-mail/status")["PendingAcknowledgements"]
    assert status["Failing"] == 0 and status["LastError"] is None, status
    assert mdn_sent_flags(set_id) == [1] * count

    def answered():
        found = mdns_by_message_id(partner, mail)
        return found if all(any(positive(d) for d in found.get(m, [])) for m, _ in mails) else None
    wait_for(answered, 60, "a positive signed MDN for each mail")
