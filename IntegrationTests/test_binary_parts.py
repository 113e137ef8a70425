# SPDX-License-Identifier: GPL-3.0-or-later
"""Binary DICOM parts between two sites of this plugin without configuration (#15).

Neither site sets DicomPartEncoding. The first transfer goes base64 (the wire profile's encoding, which every
gateway reads); the receiver's signed acknowledgement says, inside its signature, that it reads binary parts;
from then on the sender's mails carry them in binary. The assertions look at the mails themselves, taken from
the receiver's mailbox and decrypted with the receiver's key. An acknowledgement that is unsigned, signed by
another key, or that says it only outside the signed report teaches nothing.
"""
import email
import email.policy
import os
import subprocess

from conftest import ROOT
from stock_gpg import GpgPartner
import generate_study
import sample_files
from test_send_receive import upload, wait_for

HOSPITAL = "hospital@hospital.test"
REFERRER = "referrer@referrer.test"


def site_gpg(site, *args, data=None):
    """gpg on a test site's own GnuPG home (conftest's GnupgHome), e.g. to read its mail."""
    result = subprocess.run(["gpg", "--homedir", os.path.join(ROOT, site, "g"), "--batch"] + list(args),
                            input=data, capture_output=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def referrer_gpg(*args, data=None):
    return site_gpg("referrer", *args, data=data)


def dicom_part_encodings(stack, set_id):
    """Content-Transfer-Encoding of every application/dicom part of the transfer's mails at the referrer."""
    encodings = []
    mails = 0
    for _, raw in stack.fetch_all(REFERRER, "Processed"):
        outer = email.message_from_bytes(raw, policy=email.policy.compat32)
        if outer["X-TELEMEDICINE-SETID"] != set_id:
            continue
        mails += 1
        armored = outer.get_payload()[1].get_payload(decode=False).encode()
        inner = email.message_from_bytes(referrer_gpg("--decrypt", data=armored), policy=email.policy.compat32)
        encodings += [part["Content-Transfer-Encoding"] for part in inner.walk()
                      if part.get_content_type() == "application/dicom"]
    assert mails > 0, "no mail of transfer %s in the referrer's Processed folder" % set_id
    return encodings


def partner(server, name):
    return server.get("/dicom-mail/partners/" + name)


def send_study(hospital, referrer, paths):
    before = set(hospital.get("/studies"))
    upload(hospital, paths)
    new = [s for s in hospital.get("/studies") if s not in before]
    assert len(new) == 1
    answer = hospital.post("/dicom-mail/send", {"Resources": new, "Partner": "referrer"})
    assert hospital.wait_job(answer["ID"], timeout=300)["State"] == "Success"
    set_id = answer["SetId"]

    def complete():
        referrer.post("/dicom-mail/fetch", {})
        t = {x["SetId"]: x for x in referrer.get("/dicom-mail/inbox")}.get(set_id)
        return t if t and t["State"].startswith("complete") else None
    wait_for(complete, 300, "the transfer at the referrer")

    def acknowledged():
        hospital.post("/dicom-mail/fetch", {})
        return hospital.get("/dicom-mail/outbox/" + set_id)["State"] == "acknowledged"
    wait_for(acknowledged, 120, "the acknowledgements at the hospital")
    return set_id


def test_signed_acknowledgement_teaches_binary_parts(stack, paired, tmp_path):
    hospital, referrer = paired
    before = partner(hospital, "referrer")
    assert before["ReadsBinaryParts"] is False and before["ReadsBinaryPartsSince"] is None
    assert before["DicomPartEncoding"] == "base64"

    first = send_study(hospital, referrer, [sample_files.ct_small()])
    encodings = dicom_part_encodings(stack, first)
    assert encodings and set(encodings) == {"base64"}, encodings

    learned = partner(hospital, "referrer")
    assert learned["ReadsBinaryParts"] is True
    assert learned["ReadsBinaryPartsSince"]
    assert learned["DicomPartEncoding"] == "binary"
    # The referrer has not heard from the hospital's acknowledgements (it sent none): nothing learned there.
    assert partner(referrer, "hospital")["ReadsBinaryParts"] is False

    paths = generate_study.generate_study(str(tmp_path), seed=15, slices=4, series=2)
    second = send_study(hospital, referrer, paths)
    encodings = dicom_part_encodings(stack, second)
    assert len(encodings) == len(paths) and set(encodings) == {"binary"}, encodings
    assert referrer.get("/dicom-mail/inbox/" + second)["InstancesImported"] == len(paths)
    # Still the first time it was said.
    assert partner(hospital, "referrer")["ReadsBinaryPartsSince"] == learned["ReadsBinaryPartsSince"]


def test_explicit_setting_wins_over_what_was_learned(stack, mailstack, tmp_path):
    from conftest import make_server, pair, site_config
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, DicomPartEncoding="base64"))
    referrer = make_server("referrer", mailstack)
    hospital.start()
    referrer.start()
    try:
        pair(hospital, "hospital", referrer, "referrer")
        first = send_study(hospital, referrer, [sample_files.ct_small()])
        assert partner(hospital, "referrer")["ReadsBinaryParts"] is True
        assert partner(hospital, "referrer")["DicomPartEncoding"] == "base64"
        second = send_study(hospital, referrer, [sample_files.mr_small()])
        assert set(dicom_part_encodings(stack, first) + dicom_part_encodings(stack, second)) == {"base64"}
    finally:
        hospital.stop()
        referrer.stop()


# -- acknowledgements that must teach nothing --------------------------------------------------------------

REPORT_FIELDS = ("Reporting-UA: referrer.test; Orthanc DICOM-Mail\r\n"
                 "Final-Recipient: rfc822; referrer@referrer.test\r\n"
                 "Original-Message-ID: <never-sent-%d@hospital.test>\r\n"
                 "Disposition: automatic-action/MDN-sent-automatically; displayed\r\n")


def report_entity(number, capability):
    fields = REPORT_FIELDS % number + ("X-DICOM-Mail-Capabilities: binary-parts\r\n" if capability else "")
    return ("Content-Type: multipart/report; report-type=disposition-notification; boundary=\"r%d\"\r\n\r\n"
            "--r%d\r\nContent-Type: text/plain\r\n\r\nDisplayed.\r\n"
            "--r%d\r\nContent-Type: message/disposition-notification\r\n\r\n%s"
            "--r%d--\r\n" % (number, number, number, fields, number)).encode()


def mail_headers(number, extra=""):
    return ("From: Referrer <%s>\r\nTo: <%s>\r\nSubject: DICOM-eMail acknowledgement\r\n"
            "Date: Mon, 07 Dec 2026 06:00:00 +0000\r\nMessage-ID: <forged-%d@referrer.test>\r\n"
            "MIME-Version: 1.0\r\nAuto-Submitted: auto-replied\r\n%s" % (REFERRER, HOSPITAL, number, extra)).encode()


def signed_mail(number, entity, signature, extra=""):
    return (mail_headers(number, extra) +
            b"Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; "
            b"boundary=\"s%d\"\r\n\r\n--s%d\r\n" % (number, number) + entity +
            b"\r\n--s%d\r\nContent-Type: application/pgp-signature\r\n\r\n" % number +
            signature.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n--s%d--\r\n" % number)


def test_unsigned_or_forged_acknowledgements_teach_nothing(stack, paired):
    hospital, referrer = paired
    referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
    mallory = GpgPartner("Referrer", REFERRER)   # a key of its own under the partner's address
    try:
        unsigned = mail_headers(1) + report_entity(1, True)
        forged_entity = report_entity(2, True)
        forged = signed_mail(2, forged_entity, mallory.run("--armor", "--detach-sign", input=forged_entity).stdout)
        # Genuinely signed by the referrer's key, but the claim is a clear header outside the signed report:
        # a gateway that does not say it inside its signature keeps base64.
        outside_entity = report_entity(3, False)
        outside = signed_mail(3, outside_entity,
                              referrer_gpg("--local-user", referrer_key, "--armor", "--detach-sign",
                                           data=outside_entity),
                              extra="X-DICOM-Mail-Capabilities: binary-parts\r\n")
        for raw in (unsigned, forged, outside):
            stack.append(HOSPITAL, raw)
        hospital.post("/dicom-mail/fetch", {})

        def handled():
            hospital.post("/dicom-mail/fetch", {})
            return stack.count(HOSPITAL) == 0
        wait_for(handled, 60, "the hospital to handle the three acknowledgements")

        rejected = hospital.get("/dicom-mail/mails?state=rejected")
        reasons = {m["MessageId"]: m["Reason"] for m in rejected}
        assert "unsigned" in reasons["<forged-1@referrer.test>"], reasons
        assert "not trusted" in reasons["<forged-2@referrer.test>"], reasons
        assert "<forged-3@referrer.test>" not in reasons   # a valid acknowledgement, only for no mail of ours
        assert stack.count(HOSPITAL, "Processed") == 1

        state = partner(hospital, "referrer")
        assert state["ReadsBinaryParts"] is False and state["ReadsBinaryPartsSince"] is None
        assert state["DicomPartEncoding"] == "base64"
    finally:
        mallory.close()

    # And the next transfer goes base64.
    set_id = send_study(hospital, referrer, [sample_files.ct_small()])
    assert set(dicom_part_encodings(stack, set_id)) == {"base64"}
