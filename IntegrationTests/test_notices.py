# SPDX-License-Identifier: GPL-3.0-or-later
"""Notices to people (#20): a short signed mail to a configured person when a received transfer is complete, or a
transfer we sent failed for good; exactly one each, none without "Notices", and never a patient's data."""
import email
import email.policy
import os
import re
import time

from conftest import ROOT, SITES, pair
from fault_tools import wait_for
from stock_gpg import StockGpg
from test_faults import gpg_partner, limit_mail_size, send, upload_small_study, upload_study, wait_received
from test_faults import mail, sites  # noqa: F401  (fixtures: emptied mailboxes, sites stopped at the end)

PERSON = "clinic@clinic.test"          # the person told: a mailbox no Orthanc polls
PAGE = "https://pacs.referrer.test/dicom-mail/app/app.html"


def notices(mail):
    """[(raw bytes, parsed message)] in the person's mailbox."""
    return [(raw, email.message_from_bytes(raw, policy=email.policy.default)) for _, raw in mail.fetch_all(PERSON)]


def the_one_notice(mail):
    """(raw, message) of the only mail in the person's mailbox; fails when there are more or none."""
    found = notices(mail)
    assert len(found) == 1, [m["Subject"] for _, m in found]
    return found[0]


def settle(seconds=12):
    """Gives the notice worker (a look every 5 s) and the pollers (every 2 s) time to do anything more they would
    wrongly do."""
    time.sleep(seconds)


def signed_parts(raw):
    """(the signed entity's exact bytes, the armored signature) of an RFC 3156 multipart/signed mail."""
    header = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n\t", b" ").replace(b"\r\n ", b" ")
    boundary = re.search(rb'boundary="?([^";\r\n]+)"?', header).group(1)
    delimiter = b"\r\n--" + boundary
    body = b"\r\n" + raw.split(b"\r\n\r\n", 1)[1]
    pieces = body.split(delimiter)
    entity = pieces[1][2:]                       # after the delimiter line's CRLF
    signature = pieces[2][2:].split(b"\r\n\r\n", 1)[1]
    return entity, signature


def assert_signed_by(raw, site, directory):
    """gpg, knowing only the site's public key, finds a good signature by it over the first part."""
    entity, signature = signed_parts(raw)
    key = site.get("/dicom-mail/keys/site")
    gpg = StockGpg(directory)
    try:
        gpg.run("--import", input=key["PublicKey"])
        data = os.path.join(gpg.home, "entity")
        sig = os.path.join(gpg.home, "entity.asc")
        with open(data, "wb") as f:
            f.write(entity)
        with open(sig, "wb") as f:
            f.write(signature)
        status = gpg.run("--status-fd", "1", "--verify", sig, data).stdout.decode()
        assert re.search(r"^\[GNUPG:\] VALIDSIG %s " % key["Fingerprint"], status, re.M) or \
            re.search(r"^\[GNUPG:\] VALIDSIG \S+ .* %s$" % key["Fingerprint"], status, re.M), status
        assert "BADSIG" not in status
        with open(data, "ab") as f:
            f.write(b"x")                        # and not over anything else
        assert gpg.run("--verify", sig, data, check=False).returncode != 0
    finally:
        gpg.close()


def identifying_values(server):
    """What the study at `server` says of its patient and itself."""
    values = set()
    for study in server.get("/studies?expand"):
        tags = dict(study["MainDicomTags"], **study["PatientMainDicomTags"])
        for name in ("PatientName", "PatientID", "PatientBirthDate", "AccessionNumber", "StudyDescription",
                     "StudyInstanceUID", "ReferringPhysicianName"):
            if tags.get(name):
                values.add(tags[name])
                values.update(p for p in re.split(r"[\^ ]", tags[name]) if len(p) >= 4)
    for series in server.get("/series?expand"):
        if series["MainDicomTags"].get("SeriesDescription"):
            values.add(series["MainDicomTags"]["SeriesDescription"])
    return values


def readable_text(raw, message):
    """Everything a person or a mail program can read in the mail: raw bytes, decoded headers, decoded parts."""
    text = raw.decode("utf-8", errors="replace")
    text += "".join("%s: %s\n" % (k, v) for k, v in message.items())
    for part in message.walk():
        if not part.is_multipart():
            text += part.get_payload(decode=True).decode("utf-8", errors="replace")
    return text


def test_one_arrival_notice_after_a_multi_mail_transfer(sites, mail, tmp_path):
    hospital = sites("hospital")
    # The site says how notices look; the partner over REST whom to tell.
    referrer = sites("referrer", Notices={"PageUrl": PAGE, "OnFailure": False})
    pair(hospital, "hospital", referrer, "referrer")
    limit_mail_size(hospital, referrer, 100000)
    partner = referrer.get("/dicom-mail/partners/hospital")
    referrer.put("/dicom-mail/partners/hospital", {"Addresses": partner["Addresses"],
                                                   "Fingerprint": partner["Fingerprint"],
                                                   "Notices": {"To": [PERSON]}})
    partner = referrer.get("/dicom-mail/partners/hospital")
    assert partner["Notices"] == {"To": [PERSON]}, partner
    assert partner["EffectiveNotices"]["To"] == [PERSON] and partner["EffectiveNotices"]["PageUrl"] == PAGE
    assert partner["EffectiveNotices"]["OnArrival"] is True and partner["EffectiveNotices"]["OnFailure"] is False
    bad = referrer.put("/dicom-mail/partners/hospital", {"Addresses": partner["Addresses"],
                                                         "Notices": {"To": "not an address"}}, raw=True)
    assert bad.status_code == 400 and "Notices.To" in bad.text, bad.text

    paths = upload_study(hospital, tmp_path, seed=21, slices=6, series=2, rows=128, cols=128)
    answer = send(hospital, "referrer")
    assert hospital.wait_job(answer["ID"], timeout=300)["State"] == "Success"
    assert len(hospital.get("/dicom-mail/outbox/" + answer["SetId"])["Mails"]) >= 2
    transfer = wait_received(referrer, answer["SetId"], 300)

    mail.wait_count(PERSON, 1, timeout=90)
    settle()
    raw, message = the_one_notice(mail)

    assert message["X-DICOM-Mail-Notice"] == "arrival"
    assert message.get_content_type() == "multipart/signed"
    assert message["Auto-Submitted"] == "auto-generated"
    assert SITES["referrer"][2] in message["From"]
    text = readable_text(raw, message)
    assert answer["SetId"] in text and PAGE in text
    assert "%d DICOM-Instanzen" % transfer["InstancesImported"] in text and "von hospital eingetroffen" in text
    assert text.index("eingetroffen") < text.index("arrived")            # German first
    values = identifying_values(hospital)
    assert len(values) >= 6, values                                      # the study does carry such values
    leaked = [v for v in values if v in text]
    assert not leaked, leaked
    assert_signed_by(raw, referrer, os.path.join(ROOT, "notice-gpg"))
    assert len(paths) == transfer["InstancesImported"]


def test_one_failure_notice_when_a_send_fails_for_good(sites, mail, tmp_path):
    hospital = sites("hospital", Notices={"To": PERSON, "Languages": ["en"]})
    # Not a mailbox of the stack: the server refuses the recipient (550), a failure for good.
    partner = gpg_partner(hospital, "nobody", "nobody@referrer.test")
    try:
        upload_small_study(hospital, tmp_path)
        answer = send(hospital, "nobody")
        assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Failure"
        assert hospital.get("/dicom-mail/outbox/" + answer["SetId"])["State"] == "failed"
        mail.wait_count(PERSON, 1, timeout=90)
        settle()
        raw, message = the_one_notice(mail)
        assert message["X-DICOM-Mail-Notice"] == "failure"
        assert message["Subject"] == "DICOM-Mail: Transfer to nobody failed"
        text = readable_text(raw, message)
        assert "failed: the mail server refused the mail (SMTP 550)" in text, text
        assert answer["SetId"] in text
        assert "Recipient address rejected" not in text      # the server's own words stay on the page
        leaked = [v for v in identifying_values(hospital) if v in text]
        assert not leaked, leaked
        assert_signed_by(raw, hospital, os.path.join(ROOT, "notice-gpg"))

        # A restart looks at the records again: still one.
        hospital.stop()
        hospital.start()
        settle()
        assert len(notices(mail)) == 1
    finally:
        partner.close()


def test_nothing_is_sent_without_notices(sites, mail, tmp_path):
    hospital = sites("hospital")
    partner = gpg_partner(hospital, "nobody", "nobody@referrer.test")
    try:
        upload_small_study(hospital, tmp_path)
        answer = send(hospital, "nobody")
        assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Failure"
        settle()
        assert mail.count(PERSON) == 0
        assert mail.count(SITES["hospital"][2]) == 0
        assert "notice queued" not in hospital.log_text() and "notice for transfer" not in hospital.log_text()
    finally:
        partner.close()


def test_a_notice_the_server_refuses_is_given_up_and_holds_up_nothing(sites, mail, tmp_path):
    hospital = sites("hospital")
    # The server refuses this address for good: two attempts, then the notice is recorded failed.
    referrer = sites("referrer", Notices={"To": "nobody@referrer.test", "MaxAttempts": 2})
    pair(hospital, "hospital", referrer, "referrer")
    upload_small_study(hospital, tmp_path)
    answer = send(hospital, "referrer")
    assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Success"
    wait_received(referrer, answer["SetId"], 120)
    expected = "cannot send the arrival notice for transfer %s (attempt 2 of 2, given up)" % answer["SetId"]
    wait_for(lambda: expected in referrer.log_text(), 90, "the notice to be given up")
    assert "attempt 3" not in referrer.log_text()

    # Receiving and acknowledging went on as if there were no notices.
    def acknowledged():
        return hospital.get("/dicom-mail/outbox/" + answer["SetId"])["State"] == "acknowledged"
    wait_for(acknowledged, 120, "the acknowledgements")
    assert referrer.get("/dicom-mail/status")["PendingAcknowledgements"]["Count"] == 0
    settle()
    assert "attempt 3" not in referrer.log_text()
    assert mail.count(PERSON) == 0
