# SPDX-License-Identifier: GPL-3.0-or-later
"""The image-quality confirmation of a QA test transfer (DIN 6868-159, #17), with both Orthancs and the real mail
stack.

The hospital sends its daily test; at the referrer a radiologist confirms the image quality
(POST /dicom-mail/qa/received-tests/{id}/image-quality). The referrer records the name and time and reports them
back in a signed and encrypted mail; the hospital, after checking the signature and that the mail names a test
it sent to that partner, records the confirmation on its daily test. A confirmation naming no such test is
refused. The button on the DICOM-Mail page is clicked in test_qa_page.py.
"""
import email
import email.policy
import os
import subprocess

from conftest import ROOT, make_server, pair, site_config
from test_binary_parts import referrer_gpg, site_gpg
from test_qa_daily import put_schedule, qa_hospital, qa_paired, wait_received  # noqa: F401 (fixtures)
from test_send_receive import wait_for

HOSPITAL = "hospital@hospital.test"
NAME = "Dr. Jörg Weiß"


def hospital_gpg(*args, data=None):
    return site_gpg("hospital", *args, data=data)


def received_test(hospital, referrer):
    """Runs the hospital's daily test and waits until the referrer has checked it; returns its SetId."""
    put_schedule(hospital, 300)
    set_id = hospital.post("/dicom-mail/qa/daily-tests/run/referrer")["SetId"]
    test = wait_received(referrer, set_id)
    assert test["ImageQualityConfirmedBy"] is None and test["ImageQualityConfirmedAt"] is None
    assert test["Studies"] == []   # discarded after the check: nothing to link to
    return set_id


def confirmation_mails(stack, set_id):
    """The confirmation mails in the hospital's Processed folder, decrypted: [(outer, inner)]."""
    found = []
    for _, raw in stack.fetch_all(HOSPITAL, "Processed"):
        outer = email.message_from_bytes(raw, policy=email.policy.compat32)
        if outer.get_content_type() != "multipart/encrypted" or outer["X-TELEMEDICINE-SETID"] is not None:
            continue
        armored = outer.get_payload()[1].get_payload(decode=False).encode()
        inner = email.message_from_bytes(hospital_gpg("--decrypt", data=armored), policy=email.policy.compat32)
        if inner["X-DICOMMAIL-QA-CONFIRMATION"] == set_id:
            found.append((raw, outer, inner))
    return found


def test_confirmation_is_recorded_and_reported_to_the_sender(stack, qa_paired):
    hospital, referrer = qa_paired
    set_id = received_test(hospital, referrer)
    path = "/dicom-mail/qa/received-tests/%s/image-quality" % set_id

    assert referrer.get(path, raw=True).status_code == 404   # not yet confirmed
    assert referrer.post(path, {"ConfirmedBy": "  "}, raw=True).status_code == 400
    assert referrer.post(path, {"Name": NAME}, raw=True).status_code == 400
    assert referrer.post("/dicom-mail/qa/received-tests/20260101.000000.00000000/image-quality",
                         {"ConfirmedBy": NAME}, raw=True).status_code == 404

    given = referrer.post(path, {"ConfirmedBy": NAME})
    assert given["SetId"] == set_id and given["Partner"] == "hospital"
    assert given["ConfirmedBy"] == NAME and given["ConfirmedAt"] is not None
    assert given["Reported"] is not None and given["ReportError"] is None, given
    # The first confirmation stands; a second click sends nothing new.
    again = referrer.post(path, {"ConfirmedBy": "Someone Else"})
    assert again == given
    assert referrer.get(path) == given
    listed = {t["SetId"]: t for t in referrer.get("/dicom-mail/qa/received-tests")}[set_id]
    assert listed["ImageQualityConfirmedBy"] == NAME
    assert listed["ImageQualityConfirmedAt"] == given["ConfirmedAt"]
    assert listed["ImageQualityReported"] == given["Reported"]

    def recorded():
        hospital.post("/dicom-mail/fetch", {})
        test = hospital.get("/dicom-mail/qa/daily-tests/" + set_id)
        return test if test["ImageQualityConfirmedBy"] else None
    test = wait_for(recorded, 120, "the confirmation at the hospital")
    assert test["ImageQualityConfirmedBy"] == NAME
    assert test["ImageQualityConfirmedAt"] == given["ConfirmedAt"]   # the referrer's clock, as it said
    assert test["ImageQualityReceived"] is not None
    listed = {t["SetId"]: t for t in hospital.get("/dicom-mail/qa/daily-tests")}[set_id]
    assert listed["ImageQualityConfirmedBy"] == NAME

    # Signed and encrypted; nothing of it in the clear, and it is no transfer: no acknowledgement answers it,
    # no inbox transfer lists it.
    mails = confirmation_mails(stack, set_id)
    assert len(mails) == 1, "expected one confirmation mail in the hospital's Processed folder"
    raw, outer, inner = mails[0]
    assert b"QA-CONFIRMATION" not in raw and set_id.encode() not in raw
    assert "Weiß".encode() not in raw and b"J=C3=B6rg" not in raw
    assert outer["Disposition-Notification-To"] is None
    assert inner["X-DICOMMAIL-QA-CONFIRMED-AT"] == given["ConfirmedAt"]
    verify = subprocess.run(["gpg", "--homedir", os.path.join(ROOT, "hospital", "g"), "--batch", "--decrypt"],
                            input=outer.get_payload()[1].get_payload(decode=False).encode(), capture_output=True)
    assert b"Good signature" in verify.stderr, verify.stderr
    for t in hospital.get("/dicom-mail/inbox?qa=include"):
        assert t["SetId"] != set_id
    assert ["image-quality confirmation of QA test " + set_id] == [
        m["Reason"] for m in hospital.get("/dicom-mail/mails?state=imported") if set_id in m["Reason"]]
    assert not [m for _, m in stack.fetch_all("referrer@referrer.test", "INBOX")
                if b"disposition-notification" in m and b"QA confirmation" in m]


def test_confirmation_naming_no_test_sent_to_that_partner_is_refused(stack, qa_paired):
    """Signed by the partner's real key, but naming a test the hospital never sent: refused, nothing recorded."""
    hospital, referrer = qa_paired
    hospital_fpr = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    referrer_fpr = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
    bogus = "20260101.000000.0badf00d"
    entity = ("X-DICOMMAIL-QA-CONFIRMATION: %s\r\n"
              "X-DICOMMAIL-QA-CONFIRMED-BY: Dr. Forger\r\n"
              "X-DICOMMAIL-QA-CONFIRMED-AT: 2026-01-01T08:00:00.000Z\r\n"
              "Content-Type: text/plain; charset=us-ascii\r\n\r\nconfirmed\r\n" % bogus).encode()
    armored = referrer_gpg("--armor", "--trust-model", "always", "--sign", "--encrypt", "--local-user", referrer_fpr,
                           "--recipient", hospital_fpr, data=entity).decode()
    mail = ("From: Referrer <referrer@referrer.test>\r\nTo: <%s>\r\nSubject: DICOM-eMail QA confirmation\r\n"
            "Date: Mon, 07 Dec 2026 08:00:00 +0000\r\nMessage-ID: <forged-1@referrer.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b1\"\r\n\r\n"
            "--b1\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
            "--b1\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n%s\r\n--b1--\r\n"
            % (HOSPITAL, armored.replace("\n", "\r\n")))
    stack.append(HOSPITAL, mail)

    def refused():
        hospital.post("/dicom-mail/fetch", {})
        return [m for _, m in stack.fetch_all(HOSPITAL, "Rejected") if b"forged-1@referrer.test" in m] or None
    wait_for(refused, 120, "the forged confirmation in the hospital's Rejected folder")
    reasons = [m["Reason"] for m in hospital.get("/dicom-mail/mails?state=rejected")]
    assert any("which is no QA test sent to partner referrer" in r for r in reasons), reasons
    assert hospital.get("/dicom-mail/qa/daily-tests/" + bogus, raw=True).status_code == 404
    assert all(t["ImageQualityConfirmedBy"] is None for t in hospital.get("/dicom-mail/qa/daily-tests"))



def test_a_report_that_could_not_leave_is_sent_again(stack, qa_hospital, mailstack):
    """The mail back fails (the partner is gone for a moment): recorded with the reason; once the partner is back
    the QA worker sends it by itself, and the hospital records it."""
    referrer = make_server("referrer", mailstack, site_config("referrer", mailstack,
                                                              QualityAssurance={"CheckInterval": 1}))
    referrer.start()
    try:
        pair(qa_hospital, "hospital", referrer, "referrer")
        set_id = received_test(qa_hospital, referrer)
        partner = referrer.get("/dicom-mail/partners/hospital")
        referrer.delete("/dicom-mail/partners/hospital")

        given = referrer.post("/dicom-mail/qa/received-tests/%s/image-quality" % set_id, {"ConfirmedBy": NAME})
        assert given["ConfirmedBy"] == NAME and given["Reported"] is None
        assert "no longer configured" in given["ReportError"], given
        listed = {t["SetId"]: t for t in referrer.get("/dicom-mail/qa/received-tests")}[set_id]
        assert listed["ImageQualityConfirmedBy"] == NAME and listed["ImageQualityReported"] is None

        referrer.put("/dicom-mail/partners/hospital", {key: partner[key] for key in (
            "Addresses", "Fingerprint", "MaxMailSize", "Acknowledgements", "Compression")})

        def reported():
            return referrer.get("/dicom-mail/qa/received-tests/%s/image-quality" % set_id)["Reported"]
        wait_for(reported, 120, "the QA worker to send the report again")

        def recorded():
            qa_hospital.post("/dicom-mail/fetch", {})
            return qa_hospital.get("/dicom-mail/qa/daily-tests/" + set_id)["ImageQualityConfirmedBy"]
        assert wait_for(recorded, 120, "the confirmation at the hospital") == NAME
    finally:
        referrer.stop()
