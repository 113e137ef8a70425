# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14, points 1, 2 and 7: nothing is decided, answered or recorded on the word of an unverified mail.

The partner is "clinic", a stock gpg (StockGpgPartner) certified at the referrer; its mails are built with
hostile_mails.py and put into the referrer's INBOX by IMAP APPEND, so that their clear headers are exactly what an
attacker on the mail path could make of them. The referrer polls only when told (POST /dicom-mail/fetch). MDNs land
in clinic's mailbox (the registered address) or, if we were a reflector, in outsider's.
"""
import os
import re
import time

from conftest import ROOT, SITES, pair
from fault_tools import wait_for
from stock_gpg import StockGpg
from test_acknowledgement_durability import (CLINIC, StockGpgPartner, mdns_by_message_id, pending_acknowledgements,
                                             positive)
from test_faults import inbox_transfer, mail, sites  # noqa: F401 (fixtures)
from test_hostile_mail import export_site_secret
import generate_study
import hostile_mails as hm

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
OUTSIDER = "outsider@elsewhere.test"
CRLF = b"\r\n"
NOT_IMPORTED = ("rejected", "quarantined", "failed")


def start_referrer(sites):
    return sites("referrer", incoming={"PollInterval": 86400})


def poll(server):
    summary = server.post("/dicom-mail/fetch", {}, timeout=600)
    return summary if isinstance(summary, list) else [summary]


def records(server):
    return server.get("/dicom-mail/mails?limit=100000")


def record_of(server, message_id):
    found = [r for r in records(server) if r["MessageId"] == message_id]
    assert len(found) == 1, "mail %s: %s" % (message_id, found)
    return found[0]


def rewrite_outer(raw, set_values):
    """The same mail with its clear X-TELEMEDICINE-SETID/SETPART/SETTOTAL replaced (the signed entity untouched)."""
    head, body = raw.split(CRLF + CRLF, 1)
    for name, value in zip(("SETID", "SETPART", "SETTOTAL"), set_values):
        head, n = re.subn(rb"(?m)^X-TELEMEDICINE-" + name.encode() + rb":[^\r\n]*",
                          ("X-TELEMEDICINE-%s: %s" % (name, value)).encode(), head)
        assert n == 1
    return head + CRLF + CRLF + body


def dicom_files(directory, seed, count=1):
    return [hm.DicomFile(p) for p in generate_study.generate_study(str(directory), seed=seed, slices=count,
                                                                   series=1, rows=32, cols=32)]


def bad_signature_mail(partner, message_id, set_values, files, notify):
    """Signed by clinic's key inside (RFC 3156 section 6.1), the signed part altered afterwards: gpg says BADSIG."""
    plaintext = hm.entity(set_values[0], set_values[1], set_values[2], files)
    signed = hm.bad_signature_entity(partner.gpg, partner.fingerprint, plaintext)
    armored = hm.armor(partner.builder.openpgp(signed, [partner.referrer_key]))
    return partner.builder.envelope(message_id, armored, set_values,
                                    extra=[("Disposition-Notification-To", "<%s>" % notify)])


def unsigned_mail(partner, message_id, set_values, files, notify):
    plaintext = hm.entity(set_values[0], set_values[1], set_values[2], files)
    armored = hm.armor(partner.builder.openpgp(plaintext, [partner.referrer_key]))
    return partner.builder.envelope(message_id, armored, set_values,
                                    extra=[("Disposition-Notification-To", "<%s>" % notify)])


def signed_mail(partner, message_id, set_values, files, notify):
    plaintext = hm.entity(set_values[0], set_values[1], set_values[2], files)
    armored = hm.armor(partner.builder.sign_encrypt(plaintext))
    return partner.builder.envelope(message_id, armored, set_values,
                                    extra=[("Disposition-Notification-To", "<%s>" % notify)])


def wait_acknowledgements_sent(referrer):
    wait_for(lambda: pending_acknowledgements(referrer)["Count"] == 0, 60, "the referrer's MDN queue to drain")
    time.sleep(3)   # let Postfix deliver what was handed to it


def test_clear_set_headers_decide_nothing(sites, mail, tmp_path):
    """Point 1: a genuine mail whose clear SETID/SETPART were rewritten to a part already imported is not dropped
    as a duplicate and answered positively. Point 7: mails that were not authenticated but name a completed
    transfer in clear leave its record alone and are listed on their own, the SETID shown as a claim."""
    referrer = start_referrer(sites)
    partner = StockGpgPartner(referrer)
    try:
        set_a, mails_a = partner.transfer(tmp_path / "a", 1, 1401)
        mail.append(REFERRER, mails_a[0][1])
        poll(referrer)
        before = inbox_transfer(referrer, set_a)
        assert before and before["State"] == "complete", before
        wait_acknowledgements_sent(referrer)

        # Another genuine transfer of clinic, its clear headers rewritten on the way to name set A's part 1.
        set_b, mails_b = partner.transfer(tmp_path / "b", 1, 1402)
        mid_b = mails_b[0][0]
        mail.append(REFERRER, rewrite_outer(mails_b[0][1], (set_a, 1, 1)))
        # Unauthenticated claims on set A: a bad signature by clinic's key, and an unsigned mail from clinic.
        files = dicom_files(tmp_path / "hostile", 1403, 2)
        mid_badsig = "<trust-badsig.%s@clinic.test>" % set_a
        mid_unsigned = "<trust-unsigned.%s@clinic.test>" % set_a
        mail.append(REFERRER, bad_signature_mail(partner, mid_badsig, (set_a, 1, 3), files[:1], CLINIC))
        mail.append(REFERRER, unsigned_mail(partner, mid_unsigned, (set_a, 2, 5), files[1:], CLINIC))

        summary = poll(referrer)
        wait_acknowledgements_sent(referrer)
        answers = mdns_by_message_id(partner, mail)
        after = inbox_transfer(referrer, set_a)
        all_records = records(referrer)
    finally:
        partner.close()

    # Every check is evaluated, so that a failure names all the points it breaks.
    problems = []

    # 1: not a duplicate; listed with its reason (the signed numbers are set B's), never answered positively.
    duplicates = sum(s.get("Duplicates", 0) for s in summary)
    if duplicates:
        problems.append("1: %d mail(s) taken for duplicates on their clear headers: %s" % (duplicates, summary))
    b = [r for r in all_records if r["MessageId"] == mid_b]
    if len(b) != 1:
        problems.append("1: the rewritten mail is not listed")
    elif b[0]["State"] in NOT_IMPORTED and not re.search(r"differ", b[0]["Reason"]):
        problems.append("1: the rewritten mail's reason does not say why: %s" % b[0])
    elif b[0]["State"] not in NOT_IMPORTED and b[0]["SetId"] != set_b:
        problems.append("1: the rewritten mail is filed under %s" % b[0]["SetId"])
    if any(positive(d) for d in answers.get(mid_b, [])) and (not b or b[0]["State"] in NOT_IMPORTED):
        problems.append("1: the rewritten mail was answered positively but not imported: %s" % answers[mid_b])

    # 7: set A as it was; the unauthenticated mails on their own, set A only claimed.
    for key in ("State", "Partner", "SignerFingerprint", "MailsExpected", "MailsReceived", "InstancesImported"):
        if after.get(key) != before.get(key):
            problems.append("7: transfer %s: %s %r -> %r" % (set_a, key, before.get(key), after.get(key)))
    for mid, state in ((mid_badsig, "rejected"), (mid_unsigned, "quarantined")):
        r = [x for x in all_records if x["MessageId"] == mid]
        if len(r) != 1 or r[0]["State"] != state or r[0]["SetId"] != "" or r[0].get("ClaimedSetId") != set_a:
            problems.append("7: %s should be listed once, %s, SetId \"\", ClaimedSetId %s: %s" % (mid, state, set_a, r))
        if mid in answers:
            problems.append("2: an unauthenticated mail was answered: %s %s" % (mid, answers[mid]))
    assert not problems, "\n".join(problems)


def test_acknowledgements_only_to_the_verified_partner(sites, mail, tmp_path):
    """Point 2: no MDN for a bad signature or an unsigned mail, wherever Disposition-Notification-To points; a
    verified mail asking for its MDN at a foreign address gets it at the partner's registered address."""
    referrer = start_referrer(sites)
    partner = StockGpgPartner(referrer)
    try:
        files = dicom_files(tmp_path / "study", 1404, 3)
        set_id = "20260102.030405.0badc0de"
        mid_good = "<trust-good@clinic.test>"
        mid_badsig = "<trust-badsig@clinic.test>"
        mid_unsigned = "<trust-unsigned@clinic.test>"
        mail.append(REFERRER, signed_mail(partner, mid_good, (set_id, 1, 1), files[:1], OUTSIDER))
        mail.append(REFERRER, bad_signature_mail(partner, mid_badsig, ("20260102.030405.0badbad1", 1, 1),
                                                 files[1:2], OUTSIDER))
        mail.append(REFERRER, unsigned_mail(partner, mid_unsigned, ("20260102.030405.0badbad2", 1, 1), files[2:],
                                            OUTSIDER))
        poll(referrer)
        wait_acknowledgements_sent(referrer)
        answers = mdns_by_message_id(partner, mail)
        outsider = mail.count(OUTSIDER)
        states = {mid: record_of(referrer, mid)["State"] for mid in (mid_good, mid_badsig, mid_unsigned)}
    finally:
        partner.close()

    assert states == {mid_good: "imported", mid_badsig: "rejected", mid_unsigned: "quarantined"}, states
    assert outsider == 0, "%d MDN(s) reflected to a foreign address" % outsider
    assert [d for d in answers.get(mid_good, []) if positive(d)], answers
    assert set(answers) == {mid_good}, answers


def test_acknowledgement_must_name_the_mail_it_cites(sites, mail, tmp_path):
    """Point 2, sending side: an MDN signed by the partner's own key that cites our mail's Message-ID but names
    another SETID or SETPART inside its signed part does not mark that mail acknowledged; the real one does."""
    hospital = sites("hospital", incoming={"PollInterval": 86400})
    referrer = start_referrer(sites)
    pair(hospital, "hospital", referrer, "referrer")
    gpg = StockGpg(os.path.join(ROOT, "trust-gpg"))
    try:
        referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
        gpg.import_key(export_site_secret("referrer"))
        for path in generate_study.generate_study(str(tmp_path / "s"), seed=1405, slices=1, series=1, rows=32,
                                                  cols=32):
            hospital.upload_dicom(path)
        answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
        assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Success"
        set_id = answer["SetId"]
        mail.wait_count(REFERRER, 1, timeout=60)
        raw = mail.fetch_all(REFERRER)[0][1]
        cited = re.search(rb"(?mi)^Message-ID:\s*(\S+)", raw.split(CRLF + CRLF, 1)[0]).group(1).decode()

        builder = hm.HostileMailBuilder(gpg, referrer_key, referrer_key, REFERRER, HOSPITAL)
        forged = [builder.mdn("<trust-forged-%d@referrer.test>" % i, cited, set_id, 1, REFERRER, HOSPITAL,
                              signer=referrer_key, signed_set=signed)
                  for i, signed in enumerate(((("20991231.235959.deadbeef", 1)), (set_id, 2)))]
        for raw_mdn in forged:
            mail.append(HOSPITAL, raw_mdn)
        poll(hospital)
        outbox = hospital.get("/dicom-mail/outbox/" + set_id)
        refused = [r for r in records(hospital) if r["MessageId"].startswith("<trust-forged-")]

        # Positive control: the referrer's real MDN.
        poll(referrer)

        def acknowledged():
            poll(hospital)
            return hospital.get("/dicom-mail/outbox/" + set_id)["State"] == "acknowledged"
        wait_for(acknowledged, 90, "the real acknowledgement")
    finally:
        gpg.close()

    assert outbox["State"] != "acknowledged", outbox
    assert not any(m.get("Acknowledgement") for m in outbox["Mails"]), outbox
    assert len(refused) == 2 and all(r["State"] == "rejected" for r in refused), refused
    assert all("SETID/SETPART" in r["Reason"] for r in refused), refused
