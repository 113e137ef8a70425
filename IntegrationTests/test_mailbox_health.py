# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeping the mailboxes healthy (issue 23): the quota, a partner's full mailbox, mail the spam filter took, and
the expiry of processed mail.

The receiving site reads smallbox@clinic.test, whose Dovecot quota is 1 MiB (mailstack.sh); Postfix asks Dovecot's
quota-status before it accepts a mail for it, as docs/mail-server.md sets a dedicated server up. The receiver polls
only when asked (POST /dicom-mail/fetch), so each step sees exactly the polls it made.
"""
import re
import time

from conftest import SITES, make_server, site_config
from fault_tools import wait_for
from mail_client import make_message
import generate_study

HOSPITAL = SITES["hospital"][2]
SMALL = "smallbox@clinic.test"
QUOTA_BYTES = 1024 * 1024
FOUND_IN_JUNK = "found in Junk: adjust the spam filter for this partner"


def receiver_config(mailstack, **incoming):
    """The referrer site on the small mailbox, polling only when asked."""
    config = site_config("referrer", mailstack, SiteAddress=SMALL)
    password = mailstack["users"][SMALL]
    config["Smtp"].update(User=SMALL, Password=password)
    config["Incoming"][0].update(User=SMALL, Password=password, PollInterval=3600, **incoming)
    return config


def pair_with_small(hospital, receiver):
    """hospital and the receiver exchange and certify their keys; the receiver is reached at SMALL."""
    for (x, y, y_name, address) in ((hospital, receiver, "referrer", SMALL), (receiver, hospital, "hospital", HOSPITAL)):
        key = y.get("/dicom-mail/keys/site")
        x.post("/dicom-mail/keys", key["PublicKey"])
        x.post("/dicom-mail/keys/%s/certify" % key["Fingerprint"], {})
        x.put("/dicom-mail/partners/" + y_name, {"Addresses": [address], "Fingerprint": key["Fingerprint"]})


def account(server, name="inbox"):
    return next(a for a in server.get("/dicom-mail/status")["Accounts"] if a["Name"] == name)


def fetch(server):
    answer = server.post("/dicom-mail/fetch", {})
    assert "Error" not in str(answer), answer
    return answer


def empty_mailboxes(stack):
    """The small mailbox, and hospital's, where the receiver's acknowledgements went: later tests start empty."""
    for user in (SMALL, HOSPITAL):
        for folder in stack.folders(user):
            stack.delete_all(user, folder)


def ensure_folder(stack, folder):
    if folder not in stack.folders(SMALL):
        stack.create_folder(SMALL, folder)


def send_study(hospital, tmp_path, seed, slices, rows):
    paths = generate_study.generate_study(str(tmp_path), seed=seed, slices=slices, series=1, rows=rows, cols=rows)
    study = None
    for path in paths:
        study = hospital.upload_dicom(path)["ParentStudy"]
    return hospital.post("/dicom-mail/send", {"Resources": [study], "Partner": "referrer"})["SetId"]


def test_quota_shown_warned_once_and_full_mailbox_waited_out(mailstack, stack, tmp_path):
    empty_mailboxes(stack)
    # 84 % of the quota, in a folder the plugin never looks at (text/plain is not a candidate anyway).
    ensure_folder(stack, "Filler")
    stack.append(SMALL, make_message(HOSPITAL, SMALL, "filler", "x" * 880000), folder="Filler")

    hospital_config = site_config("hospital", mailstack)
    # Long enough that the transfer is still waiting when the test looks; each retry doubles the delay.
    hospital_config["Smtp"].update(MaxRetries=12, RetryDelay=1)
    hospital = make_server("hospital", mailstack, hospital_config)
    receiver = make_server("referrer", mailstack, receiver_config(mailstack))
    hospital.start()
    receiver.start()
    try:
        pair_with_small(hospital, receiver)
        for _ in range(3):
            fetch(receiver)
        quota = account(receiver)["Quota"]
        assert quota["Offered"] is True
        assert quota["LimitBytes"] == QUOTA_BYTES
        assert 860000 <= quota["UsedBytes"] < QUOTA_BYTES
        assert 80 < quota["Percent"] < 100
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", quota["ReadAt"])
        # Three polls above 80 %: one warning, at the crossing.
        warnings = re.findall(r'mailbox "inbox" is \d+ % full', receiver.log_text())
        assert len(warnings) == 1, warnings

        # A study larger than the room left: Postfix refuses it at RCPT with 552 5.2.2.
        set_id = send_study(hospital, tmp_path, seed=231, slices=4, rows=256)
        transfer = wait_for(lambda: (lambda t: t if "partner's mailbox is full" in (t.get("Reason") or "") else None)(
            hospital.get("/dicom-mail/outbox/" + set_id)), 90, "the outbox to say the partner's mailbox is full")
        assert transfer["State"] == "sending", transfer
        assert "retrying after" in transfer["Reason"]
        mail = transfer["Mails"][0]
        assert mail["State"] == "sending" and "partner's mailbox is full" in mail["Reason"], mail
        assert "552 5.2.2" in hospital.log_text()

        # Room again: the same transfer goes through (temporary, not failed) and is imported.
        stack.delete_all(SMALL, "Filler")
        wait_for(lambda: hospital.get("/dicom-mail/outbox/" + set_id)["State"] in ("sent", "acknowledged"), 180,
                 "the transfer to be sent once the mailbox has room")
        assert hospital.get("/dicom-mail/outbox/" + set_id)["Reason"] == ""

        def imported():
            fetch(receiver)
            inbox = receiver.get("/dicom-mail/inbox?setid=" + set_id)
            return inbox and inbox[0]["State"] == "complete"
        wait_for(imported, 60, "the receiver to import the transfer")
        below = account(receiver)["Quota"]
        assert below["Percent"] < quota["Percent"]
        assert len(re.findall(r'mailbox "inbox" is \d+ % full', receiver.log_text())) == 1
    finally:
        receiver.stop()
        hospital.stop()
        empty_mailboxes(stack)


def stranger_mail():
    """A mail anyone could put into the spam folder: it looks like DICOM-Mail, nothing in it verifies."""
    boundary = "stranger-boundary"
    return ("From: outsider@elsewhere.test\r\nTo: %s\r\nSubject: DICOM-eMail\r\n"
            "Message-ID: <stranger-%d@elsewhere.test>\r\nX-TELEMEDICINE-SETID: 1.2.3.4.5\r\n"
            "X-TELEMEDICINE-SETPART: 1\r\nX-TELEMEDICINE-SETTOTAL: 1\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"%s\"\r\n\r\n"
            "--%s\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
            "--%s\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\n"
            "bm90IGFuIE9wZW5QR1AgbWVzc2FnZQ==\r\n-----END PGP MESSAGE-----\r\n--%s--\r\n"
            % (SMALL, time.time_ns(), boundary, boundary, boundary, boundary)).encode()


def test_mail_in_junk_is_imported_and_flagged_and_processed_mail_expires(mailstack, stack, tmp_path):
    empty_mailboxes(stack)
    retention = 20
    hospital = make_server("hospital", mailstack)
    receiver = make_server("referrer", mailstack, receiver_config(
        mailstack, Folders=["INBOX", "Junk"], ProcessedRetentionSeconds=retention))
    hospital.start()
    receiver.start()
    try:
        pair_with_small(hospital, receiver)
        set_id = send_study(hospital, tmp_path, seed=232, slices=2, rows=64)
        wait_for(lambda: hospital.get("/dicom-mail/outbox/" + set_id)["MailsSent"] == 1, 60, "the mail to be sent")

        # The spam filter took it: out of INBOX, into Junk. A stranger's look-alike lands there too.
        [(uid, raw)] = stack.wait_messages(SMALL, 1)
        stack.delete(SMALL, uid)
        ensure_folder(stack, "Junk")
        appended_at = time.time()
        stack.append(SMALL, raw, folder="Junk")
        stack.append(SMALL, stranger_mail(), folder="Junk")
        # Mail that someone else put into Processed: the housekeeping never touches it.
        ensure_folder(stack, "Processed")
        stack.append(SMALL, make_message(HOSPITAL, SMALL, "kept by the admin", "mine"), folder="Processed")

        fetch(receiver)
        [transfer] = receiver.get("/dicom-mail/inbox?setid=" + set_id)
        assert transfer["State"] == "complete", transfer
        assert FOUND_IN_JUNK in transfer["Reasons"], transfer
        detail = receiver.get("/dicom-mail/inbox/" + set_id)
        assert [m.get("FoundIn") for m in detail["Mails"]] == ["Junk"], detail["Mails"]
        found = account(receiver)["FoundInSpamFolder"]
        assert (found["Folder"], found["SetId"], found["Partner"], found["Count"]) == ("Junk", set_id, "hospital", 1)
        assert found["Message"] == FOUND_IN_JUNK

        # The stranger's mail is refused as ever, and flagged with nothing.
        rejected = [m for m in receiver.get("/dicom-mail/mails?state=rejected")
                    if m.get("ClaimedSetId") == "1.2.3.4.5"]
        assert len(rejected) == 1 and "FoundIn" not in rejected[0], rejected
        assert account(receiver)["FoundInSpamFolder"]["Count"] == 1
        assert stack.count(SMALL, "Junk") == 0
        assert stack.count(SMALL, "Rejected") == 1

        # Processed: ours (marked) and the admin's.
        assert stack.count(SMALL, "Processed") == 2
        marked = [uid for uid in stack.list_uids(SMALL, "Processed")
                  if "$DicomMailProcessed" in stack.flags(SMALL, uid, "Processed")]
        assert len(marked) == 1
        if time.time() - appended_at < retention - 2:
            fetch(receiver)
            assert stack.count(SMALL, "Processed") == 2, "expunged before its retention"

        # Past the retention (counted from its arrival), the next due poll expunges ours only.
        def expunged():
            fetch(receiver)
            return stack.count(SMALL, "Processed") == 1
        wait_for(expunged, 90, "the processed mail to be expunged after its retention", interval=2)
        # INTERNALDATE has whole seconds: the mail may count as up to one second older than it is.
        assert time.time() - appended_at >= retention - 1
        [(_, left)] = stack.fetch_all(SMALL, "Processed")
        assert b"kept by the admin" in left
        # The record stays: only the server's copy went.
        assert receiver.get("/dicom-mail/inbox?setid=" + set_id)[0]["State"] == "complete"
    finally:
        receiver.stop()
        hospital.stop()
        empty_mailboxes(stack)
