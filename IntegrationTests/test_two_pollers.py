# SPDX-License-Identifier: GPL-3.0-or-later
"""Two Orthancs polling one mailbox never import a mail twice (issue 14, point 10).

"twin" is a restored backup of "referrer" started by mistake: the same state directory (site key, records), the
same IMAP account. While hospital sends 20 mails, both poll every second. Each mail is claimed by an atomic IMAP
MOVE before it is fetched, so every instance arrives exactly once across the two, each mail has one record in
one of them, and hospital gets exactly one acknowledgement per mail.
"""
import os
import re
import shutil
import time

from conftest import PORT_OFFSET, ROOT, SITES, make_server, pair, site_config
from fault_tools import wait_for
from mail_client import MailStack
from test_faults import sop_uids
import generate_study

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
CLAIM_FOLDER = "DICOM-Mail-Claimed"
MAILS = 20


def copy_state(source, target):
    """The referrer's state as a backup holds it (gpg-agent sockets are not files to restore)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("S.*", "*.lock"), symlinks=True)


def received_parts(server, set_ids):
    """(SetId, Part) of every mail the server recorded for these transfers, with its state."""
    return [((m["SetId"], m["Part"]), m["State"]) for m in server.get("/dicom-mail/mails?limit=100000")
            if m["SetId"] in set_ids]


def acknowledged_message_ids(stack):
    """Original-Message-ID of every MDN in hospital's INBOX (hospital does not poll in this test)."""
    found = []
    for _, raw in stack.fetch_all(HOSPITAL):
        match = re.search(rb"^Original-Message-ID:\s*(\S+)", raw, re.M | re.I)
        if match:
            found.append(match.group(1).decode().strip("<>"))
    return found


def test_two_pollers_import_each_mail_once(mailstack, tmp_path):
    stack = MailStack(mailstack["dir"])
    stack.delete_all(HOSPITAL)
    for folder in ("INBOX", "Processed", "Rejected", CLAIM_FOLDER):
        stack.delete_all(REFERRER, folder)
    SITES["twin"] = (18044 + PORT_OFFSET, 18244 + PORT_OFFSET, REFERRER)
    # hospital leaves its INBOX alone, so the acknowledgements it gets can be counted there.
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, Incoming=[]))
    referrer_config = site_config("referrer", mailstack)
    referrer_config["Incoming"][0]["PollInterval"] = 1
    referrer = make_server("referrer", mailstack, referrer_config)
    twin_state = os.path.join(ROOT, "twin")
    twin_config = dict(referrer_config, StateDirectory=twin_state, GnupgHome=os.path.join(twin_state, "g"))
    twin = make_server("twin", mailstack, twin_config)
    hospital.start()
    referrer.start()
    try:
        pair(hospital, "hospital", referrer, "referrer")
        referrer.stop()
        copy_state(os.path.join(ROOT, "referrer"), twin_state)
        referrer.start()
        twin.start()
        assert twin.get("/dicom-mail/keys/site")["Fingerprint"] == referrer.get("/dicom-mail/keys/site")["Fingerprint"]

        paths = generate_study.generate_study(str(tmp_path), seed=91, slices=MAILS, series=1, rows=64, cols=64)
        instances = [hospital.upload_dicom(path)["ID"] for path in paths]
        # One mail each: 20 transfers of one instance, sent while both poll.
        set_ids = []
        for instance in instances:
            answer = hospital.post("/dicom-mail/send", {"Resources": [instance], "Partner": "referrer"})
            set_ids.append(answer["SetId"])
        for set_id in set_ids:
            wait_for(lambda: hospital.get("/dicom-mail/outbox/" + set_id)["MailsSent"] == 1, 120,
                     "mail of %s sent" % set_id)
        sent_ids = [hospital.get("/dicom-mail/outbox/" + s)["Mails"][0]["MessageId"] for s in set_ids]
        assert len(set(sent_ids)) == MAILS

        def all_arrived():
            counts = sop_uids(referrer)
            for uid, n in sop_uids(twin).items():
                counts[uid] = counts.get(uid, 0) + n
            return counts if len(counts) == MAILS else None
        wait_for(all_arrived, 240, "every instance at referrer or twin")
        wait_for(lambda: len(acknowledged_message_ids(stack)) >= MAILS, 120, "an acknowledgement per mail")
        time.sleep(6)   # a few more polls of both: nothing may arrive a second time

        counts = sop_uids(referrer)
        twin_counts = sop_uids(twin)
        both = set(counts) & set(twin_counts)
        assert not both, "instances imported by both Orthancs: %s" % sorted(both)
        for uid, n in list(counts.items()) + list(twin_counts.items()):
            assert n == 1, uid
        assert len(counts) + len(twin_counts) == MAILS

        records = received_parts(referrer, set(set_ids)) + received_parts(twin, set(set_ids))
        keys = [key for key, _ in records]
        assert sorted(keys) == sorted((s, 1) for s in set_ids), records
        assert all(state == "imported" for _, state in records), records

        acknowledged = acknowledged_message_ids(stack)
        sent_ids = [m.strip("<>") for m in sent_ids]
        assert sorted(acknowledged) == sorted(sent_ids), "not exactly one acknowledgement per mail"
        assert stack.count(REFERRER) == 0
        assert stack.count(REFERRER, CLAIM_FOLDER) == 0, "a claim was left behind"
        assert stack.count(REFERRER, "Processed") == MAILS
        print("referrer imported %d, twin %d" % (len(counts), len(twin_counts)))
    finally:
        twin.stop()
        referrer.stop()
        hospital.stop()
        SITES.pop("twin", None)
