# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14, points 6 and 9, through real mail: a partner whose key expired or was revoked is told so (quarantine,
not "bad signature"), and a renewed key lets POST /dicom-mail/inbox/{setid}/retry import the mail; a gpg that
hangs (its gpg-agent stopped) is stopped after GpgTimeout and the mail stays on the server until gpg works again.

The partner is the stock gpg command (StockGpg); its mails are built with hostile_mails' builder and put into
referrer's INBOX with IMAP APPEND. Only referrer runs an Orthanc; it polls on POST /dicom-mail/fetch.
"""
import imaplib
import os
import signal
import time

import pytest

from conftest import ROOT, SITES, make_server, site_config
from stock_gpg import StockGpg, agents_of
import hostile_mails as hm
import sample_files

REFERRER = SITES["referrer"][2]
PARTNER = "clinic@clinic.test"
GPG_TIMEOUT = 8


@pytest.fixture
def receiver(mailstack, stack):
    config = site_config("referrer", mailstack, GpgTimeout=GPG_TIMEOUT)
    config["Incoming"][0]["PollInterval"] = 86400
    server = make_server("referrer", mailstack, config)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def partner(receiver):
    gpg = StockGpg(os.path.join(ROOT, "rk"))
    gpg.import_key(receiver.get("/dicom-mail/keys/site")["PublicKey"])
    yield gpg
    gpg.close()


def register(receiver, gpg, fingerprint):
    """The receiver imports and certifies the partner's key and names it partner "clinic"."""
    receiver.post("/dicom-mail/keys", gpg.export(fingerprint))
    receiver.post("/dicom-mail/keys/%s/certify" % fingerprint, {})
    receiver.put("/dicom-mail/partners/clinic", {"Addresses": [PARTNER], "Fingerprint": fingerprint})


def build_mail(receiver, gpg, fingerprint, set_id):
    dicom = hm.DicomFile(sample_files.ct_small())
    builder = hm.HostileMailBuilder(gpg, fingerprint, receiver.get("/dicom-mail/keys/site")["Fingerprint"],
                                    PARTNER, REFERRER)
    raw = builder.dicom_mail("<%s@%s>" % (set_id, hm.DOMAIN), (set_id, 1, 1), hm.entity(set_id, 1, 1, [dicom]))
    return raw, dicom


def deliver(stack, raw):
    with stack.imap(REFERRER) as conn:
        typ, data = conn.append("INBOX", None, imaplib.Time2Internaldate(time.time()), raw)
        assert typ == "OK", (typ, data)


def transfer(receiver, set_id):
    return {t["SetId"]: t for t in receiver.get("/dicom-mail/inbox")}.get(set_id)


def expect_quarantined(receiver, stack, raw, set_id, phrase):
    """Delivers `raw` and polls: the mail is quarantined (not rejected) with `phrase` in its reason. An expired or
    revoked key authenticates nothing, so the mail only claims its SetId and starts no transfer."""
    deliver(stack, raw)
    receiver.post("/dicom-mail/fetch", {})
    mails = [m for m in receiver.get("/dicom-mail/quarantine") if m["ClaimedSetId"] == set_id]
    assert len(mails) == 1, receiver.get("/dicom-mail/mails")
    assert transfer(receiver, set_id) is None
    reasons = mails[0]["Reason"]
    assert phrase in reasons, reasons
    assert "bad signature" not in reasons.lower(), reasons
    assert receiver.get("/instances") == []
    return reasons


def mail_record(receiver, set_id):
    return [m for m in receiver.get("/dicom-mail/mails") if set_id in m.get("MessageId", "")]


def test_expired_key_is_quarantined_then_imported_after_renewal(receiver, partner, stack):
    # The key lives 40 s: certified and used while valid, the mail arrives after it expired.
    fpr = partner.quick_gen_key("Clinic <%s>" % PARTNER, "future-default", expire="seconds=40")
    created = time.time()
    register(receiver, partner, fpr)
    set_id = "keys.expired.1"
    raw, dicom = build_mail(receiver, partner, fpr, set_id)
    time.sleep(max(0.0, created + 42 - time.time()))
    expiry_day = time.strftime("%Y-%m-%d", time.gmtime(created + 40))

    reasons = expect_quarantined(receiver, stack, raw, set_id, "key expired on ")
    assert expiry_day in reasons or time.strftime("%Y-%m-%d", time.gmtime(created + 41)) in reasons, reasons
    assert [m["State"] for m in mail_record(receiver, set_id)] == ["quarantined"]

    # Still expired: a retry imports nothing.
    assert receiver.post("/dicom-mail/inbox/%s/retry" % set_id, {})["MailsImported"] == 0

    # The partner renews the same key and sends the renewal; the site imports it (its certification stays).
    partner.run("--quick-set-expire", fpr, "2y")
    receiver.post("/dicom-mail/keys", partner.export(fpr))
    retried = receiver.post("/dicom-mail/inbox/%s/retry" % set_id, {})
    assert retried["MailsImported"] == 1, retried
    assert retried["State"] == "complete", retried
    instances = receiver.get("/instances?expand")
    assert [i["MainDicomTags"]["SOPInstanceUID"] for i in instances] == [dicom.sop_uid]


def test_revoked_key_is_quarantined_and_stays_so(receiver, partner, stack):
    fpr = partner.quick_gen_key("Clinic <%s>" % PARTNER, "future-default")
    register(receiver, partner, fpr)
    set_id = "keys.revoked.1"
    raw, _ = build_mail(receiver, partner, fpr, set_id)   # signed before the revocation
    # The partner revokes its key with the certificate gpg made at generation; the site imports the revocation.
    receiver.post("/dicom-mail/keys", partner.revoke(fpr))

    expect_quarantined(receiver, stack, raw, set_id, "key revoked")
    assert receiver.post("/dicom-mail/inbox/%s/retry" % set_id, {})["MailsImported"] == 0


def test_hanging_gpg_is_stopped_and_the_mail_waits_on_the_server(receiver, partner, stack):
    fpr = partner.quick_gen_key("Clinic <%s>" % PARTNER, "future-default")
    register(receiver, partner, fpr)
    set_id = "keys.hang.1"
    raw, dicom = build_mail(receiver, partner, fpr, set_id)
    deliver(stack, raw)

    # Decryption needs the site's secret key from gpg-agent: a stopped agent makes gpg wait for ever.
    home = receiver.dicom_mail_config["GnupgHome"]
    agents = agents_of(home)
    assert agents, "no gpg-agent serves " + home
    for pid in agents:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        receiver.post("/dicom-mail/fetch", {})
        elapsed = time.monotonic() - started
        assert elapsed < 6 * GPG_TIMEOUT, elapsed
        assert stack.count(REFERRER) == 1          # left on the server
        assert receiver.get("/instances") == []
        log = receiver.log_text()
        assert "GpgTimeout" in log and ("no progress for %d s" % GPG_TIMEOUT) in log, log[-3000:]
        assert receiver.get("/system")                 # Orthanc answers
    finally:
        for pid in agents:
            os.kill(pid, signal.SIGCONT)

    # gpg works again: the next poll imports the mail.
    receiver.post("/dicom-mail/fetch", {})
    t = transfer(receiver, set_id)
    assert t is not None and t["State"] == "complete", t
    assert [i["MainDicomTags"]["SOPInstanceUID"] for i in receiver.get("/instances?expand")] == [dicom.sop_uid]
    assert stack.count(REFERRER) == 0
