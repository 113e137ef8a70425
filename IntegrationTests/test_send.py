# SPDX-License-Identifier: GPL-3.0-or-later
"""Sending: a study leaves "hospital" as PGP/MIME mails that a partner without
a gateway can read with Python's email package and the stock gpg command."""
import email
import email.policy
import os
import re

import pytest

from conftest import ROOT, make_server, site_config
from mail_client import MailStack
from stock_gpg import GpgPartner
import generate_study
import sample_files

PARTNER_MAIL = "clinic@clinic.test"


def make_clinic(mailstack, hospital):
    """A partner with only gpg and a mailbox; its key certified by hospital."""
    home = GpgPartner("Clinic", PARTNER_MAIL)
    imported = hospital.post("/dicom-mail/keys", home.export_public())
    assert home.fingerprint in imported["Fingerprints"]
    hospital.post("/dicom-mail/keys/%s/certify" % home.fingerprint, {})
    home.import_key(hospital.get("/dicom-mail/keys/site")["PublicKey"])
    hospital.put("/dicom-mail/partners/clinic", {"Addresses": [PARTNER_MAIL], "Fingerprint": home.fingerprint,
                                                 "MaxMailSize": 5000000})
    mail = MailStack(mailstack["dir"])
    mail.delete_all(PARTNER_MAIL)
    yield home, mail
    home.close()


@pytest.fixture
def clinic(mailstack, hospital):
    yield from make_clinic(mailstack, hospital)


@pytest.fixture
def binary_hospital(mailstack):
    server = make_server("hospital", mailstack, site_config("hospital", mailstack, DicomPartEncoding="binary"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def binary_clinic(mailstack, binary_hospital):
    yield from make_clinic(mailstack, binary_hospital)


def reassemble(messages):
    """Groups message/partial fragments by id and rebuilds the enclosed mails (RFC 2046 5.2.2.2)."""
    whole, partial = [], {}
    for raw in messages:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        if msg.get_content_type() == "message/partial":
            params = dict(msg.get_params()[1:])
            body = raw[raw.index(b"\r\n\r\n") + 4:]
            partial.setdefault(params["id"], {})[int(params["number"])] = (body, int(params.get("total", 0)))
        else:
            whole.append(raw)
    for pieces in partial.values():
        total = max(t for (_, t) in pieces.values())
        assert sorted(pieces) == list(range(1, total + 1)), "fragments missing"
        body = b"".join(pieces[i][0] for i in range(1, total + 1))
        whole.append(body)
    return whole


def decrypt_mails(home, raws):
    """Returns [(outer Message, inner Message, gpg status)]."""
    result = []
    for raw in raws:
        outer = email.message_from_bytes(raw, policy=email.policy.compat32)
        assert outer.get_content_type() == "multipart/encrypted"
        assert outer.get_param("protocol") == "application/pgp-encrypted"
        control, payload = outer.get_payload()
        assert control.get_content_type() == "application/pgp-encrypted"
        assert "Version: 1" in control.get_payload()
        armored = payload.get_payload(decode=False).encode()
        assert armored.lstrip().startswith(b"-----BEGIN PGP MESSAGE-----")
        plain, status = home.decrypt(armored)
        inner = email.message_from_bytes(plain, policy=email.policy.compat32)
        result.append((outer, inner, status))
    return result


def check_no_patient_data(outer, forbidden):
    headers = "\n".join("%s: %s" % (k, v) for k, v in outer.items())
    for word in forbidden:
        assert word.lower() not in headers.lower(), "patient data %r in clear headers" % word


def send_and_collect(hospital, clinic, resources, expected_instances):
    home, mail = clinic
    answer = hospital.post("/dicom-mail/send", {"Resources": resources, "Partner": "clinic"})
    assert set(answer) >= {"ID", "Path", "SetId"}
    assert answer["Path"] == "/jobs/" + answer["ID"]
    job = hospital.wait_job(answer["ID"], timeout=300)
    assert job["State"] == "Success", job
    content = job["Content"]
    assert content["SetId"] == answer["SetId"]
    assert content["Partner"] == "clinic"
    assert content["TotalInstances"] == expected_instances
    assert content["MailsSent"] == content["TotalMails"]
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert outbox["State"] == "sent"
    assert all(m["State"] == "sent" for m in outbox["Mails"])
    n_fragments = sum(max(1, m["Fragments"]) for m in outbox["Mails"])
    mail.wait_count(PARTNER_MAIL, n_fragments, timeout=60)
    raws = [raw for (_, raw) in mail.fetch_all(PARTNER_MAIL)]
    return answer, content, raws


def verify_mails(hospital, home, answer, raws, forbidden):
    mails = decrypt_mails(home, reassemble(raws))
    received = {}
    parts = set()
    for outer, inner, status in mails:
        check_no_patient_data(outer, forbidden)
        assert outer["Subject"] == "DICOM-eMail"
        assert outer["X-TELEMEDICINE-SETID"] == answer["SetId"]
        assert inner["X-TELEMEDICINE-SETID"] == outer["X-TELEMEDICINE-SETID"]
        assert inner["X-TELEMEDICINE-SETPART"] == outer["X-TELEMEDICINE-SETPART"]
        assert inner["X-TELEMEDICINE-SETTOTAL"] == outer["X-TELEMEDICINE-SETTOTAL"]
        assert outer["Disposition-Notification-To"] == "<hospital@hospital.test>"
        site = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
        assert "VALIDSIG" in status and site in status, status   # signed by the site key
        part_number = int(outer["X-TELEMEDICINE-SETPART"])
        parts.add(part_number)
        manifest = None
        for part in inner.walk():
            if part.get_content_type() == "application/dicom":
                name = part.get_filename()
                assert re.fullmatch(r"[A-Z0-9_]{8}\.dcm", name), name
                received[(part_number, name)] = part.get_payload(decode=True)
            elif part.get_content_type() == "application/json":
                import json
                manifest = json.loads(part.get_payload(decode=True))
        assert manifest is not None and manifest["SetId"] == answer["SetId"]
    total = int(mails[0][0]["X-TELEMEDICINE-SETTOTAL"])
    assert parts == set(range(1, total + 1))
    return received


def test_send_sample_study_byte_identical(hospital, clinic):
    home, mail = clinic
    for path in (sample_files.ct_small(), sample_files.mr_small()):
        with open(path, "rb") as f:
            hospital.upload_dicom(f.read())
    studies = hospital.get("/studies")
    answer, content, raws = send_and_collect(hospital, clinic, studies, 2)
    received = verify_mails(hospital, home, answer, raws, ["CompressedSamples", "Anonymized"])
    stored = sorted(hospital.get("/instances/%s/file" % i, raw=True).content for i in hospital.get("/instances"))
    assert sorted(received.values()) == stored


def test_send_multiseries_with_large_multiframe(hospital, clinic, tmp_path):
    home, mail = clinic
    files = generate_study.generate_study(str(tmp_path), seed=7, slices=12, series=2, multiframe_mb=31)
    for path in files:
        with open(path, "rb") as f:
            hospital.upload_dicom(f.read())
    study = hospital.get("/studies")[0]
    answer, content, raws = send_and_collect(hospital, clinic, [study], len(files))
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert any(m["Fragments"] > 1 for m in outbox["Mails"]), "the >30 MB instance must go as message/partial"
    assert all(len(raw) <= 5000000 for raw in raws), "a mail is larger than the partner's limit"
    received = verify_mails(hospital, home, answer, raws, ["Müller", "Mueller", "Jürgen", "Klinikum"])
    stored = sorted(hospital.get("/instances/%s/file" % i, raw=True).content for i in hospital.get("/instances"))
    assert sorted(received.values()) == stored


def test_send_errors_are_4xx_without_job(hospital, clinic):
    with open(sample_files.ct_small(), "rb") as f:
        instance = hospital.upload_dicom(f.read())["ID"]
    jobs_before = hospital.get("/jobs")
    cases = [
        ({"Resources": [instance], "Partner": "nobody"}, 404, "unknown partner"),
        ({"Resources": [], "Partner": "clinic"}, 400, "empty"),
        ({"Resources": ["0" * 8 + "-" + "0" * 8 + "-" + "0" * 8 + "-" + "0" * 8 + "-" + "0" * 8], "Partner": "clinic"},
         404, "no patient, study, series or instance"),
        ({"Resources": ["../../etc"], "Partner": "clinic"}, 400, "not an Orthanc resource id"),
        ({"Partner": "clinic"}, 400, "empty"),
    ]
    for body, status, text in cases:
        r = hospital.post("/dicom-mail/send", body, raw=True)
        assert r.status_code == status, (body, r.status_code, r.text)
        assert text in r.json()["Message"], r.text
    # a partner whose key is not certified
    other = GpgPartner("Stranger", "outsider@elsewhere.test")
    try:
        hospital.post("/dicom-mail/keys", other.export_public())
        hospital.put("/dicom-mail/partners/stranger", {"Addresses": ["outsider@elsewhere.test"],
                                                       "Fingerprint": other.fingerprint})
        r = hospital.post("/dicom-mail/send", {"Resources": [instance], "Partner": "stranger"}, raw=True)
        assert r.status_code == 409 and "not certified" in r.json()["Message"], r.text
        hospital.put("/dicom-mail/partners/nokey", {"Addresses": ["outsider@elsewhere.test"],
                                                    "Fingerprint": "AB" * 20})
        r = hospital.post("/dicom-mail/send", {"Resources": [instance], "Partner": "nokey"}, raw=True)
        assert r.status_code == 409 and "not in the keyring" in r.json()["Message"], r.text
    finally:
        other.close()
    assert hospital.get("/jobs") == jobs_before


def test_cancel_stops_the_job_and_is_recorded(hospital, clinic, tmp_path):
    files = generate_study.generate_study(str(tmp_path), seed=11, slices=30, series=2)
    for path in files:
        with open(path, "rb") as f:
            hospital.upload_dicom(f.read())
    answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "clinic"})
    hospital.post("/jobs/%s/cancel" % answer["ID"], {})
    job = hospital.wait_job(answer["ID"], timeout=120)
    assert job["State"] == "Failure", job
    assert job["ErrorCode"] == 14 or "cancel" in job.get("ErrorDescription", "").lower(), job
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert outbox["State"] == "canceled", outbox
    assert outbox["MailsSent"] < outbox["TotalMails"], outbox
    # no encrypted mail is left behind in the working directory
    work = os.path.join(ROOT, "hospital", "work")
    assert [f for f in os.listdir(work) if f.startswith("dm-")] == []


def test_binary_parts_are_read_by_stock_tools(binary_hospital, binary_clinic, tmp_path):
    """DicomPartEncoding "binary": the files travel unencoded inside the encrypted entity, and Python's email
    package with the stock gpg command still gets every one byte for byte."""
    home, mail = binary_clinic
    files = generate_study.generate_study(str(tmp_path), seed=9, slices=10, series=1)
    for path in files:
        with open(path, "rb") as f:
            binary_hospital.upload_dicom(f.read())
    study = binary_hospital.get("/studies")[0]
    answer, content, raws = send_and_collect(binary_hospital, binary_clinic, [study], len(files))
    received = verify_mails(binary_hospital, home, answer, raws, ["Müller", "Mueller", "Jürgen", "Klinikum"])
    stored = sorted(binary_hospital.get("/instances/%s/file" % i, raw=True).content
                    for i in binary_hospital.get("/instances"))
    assert sorted(received.values()) == stored
    encodings = {part["Content-Transfer-Encoding"]
                 for _, inner, _ in decrypt_mails(home, reassemble(raws))
                 for part in inner.walk() if part.get_content_type() == "application/dicom"}
    assert encodings == {"binary"}
