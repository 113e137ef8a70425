# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: hospital sends, referrer receives, acknowledgements come back."""
import time

import generate_study
import sample_files


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.5)


def upload(server, paths):
    for path in paths:
        with open(path, "rb") as f:
            server.upload_dicom(f.read())


def files_by_sop(server):
    result = {}
    for instance in server.get("/instances?expand"):
        uid = instance["MainDicomTags"]["SOPInstanceUID"]
        result[uid] = server.get("/instances/%s/file" % instance["ID"], raw=True).content
    return result


def transfer_round_trip(hospital, referrer, paths, timeout=300):
    upload(hospital, paths)
    answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
    job = hospital.wait_job(answer["ID"], timeout=timeout)
    assert job["State"] == "Success", job
    set_id = answer["SetId"]

    def complete():
        referrer.post("/dicom-mail/fetch", {})
        inbox = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}
        t = inbox.get(set_id)
        return t if t and t["State"].startswith("complete") else None
    received = wait_for(complete, timeout, "the transfer to complete at the receiver")

    def acknowledged():
        hospital.post("/dicom-mail/fetch", {})
        t = hospital.get("/dicom-mail/outbox/" + set_id)
        return t if t["State"] == "acknowledged" else None
    outbox = wait_for(acknowledged, 120, "the acknowledgements to reach the sender")
    return set_id, received, outbox


def test_round_trip_imaps(paired, tmp_path):
    hospital, referrer = paired
    paths = [sample_files.ct_small(), sample_files.mr_small()]
    set_id, received, outbox = transfer_round_trip(hospital, referrer, paths)
    assert received["State"] == "complete"
    assert received["Partner"] == "hospital"
    assert received["InstancesImported"] == 2
    assert received["SignerFingerprint"] == hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    assert received["TransferSeconds"] is not None and received["TransferSeconds"] >= 0
    assert files_by_sop(referrer) == files_by_sop(hospital)
    assert all(m["Acknowledgement"].endswith("displayed") for m in outbox["Mails"])
    # metadata on the imported instances
    instance = referrer.get("/instances")[0]
    assert referrer.get("/instances/%s/metadata/4310" % instance, raw=True).text == set_id


def test_round_trip_with_fragments(paired, tmp_path):
    hospital, referrer = paired
    hospital.put("/dicom-mail/partners/referrer", {
        "Addresses": ["referrer@referrer.test"], "MaxMailSize": 3000000,
        "Fingerprint": referrer.get("/dicom-mail/keys/site")["Fingerprint"]})
    paths = generate_study.generate_study(str(tmp_path), seed=3, slices=6, series=1, multiframe_mb=8)
    set_id, received, outbox = transfer_round_trip(hospital, referrer, paths)
    assert any(m["Fragments"] > 1 for m in outbox["Mails"])
    assert received["InstancesImported"] == len(paths)
    assert files_by_sop(referrer) == files_by_sop(hospital)


def test_round_trip_pop3s(mailstack, tmp_path):
    from conftest import make_server, pair, site_config
    # The sender also uses DicomPartEncoding "binary": read by a real receiver, end to end.
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, DicomPartEncoding="binary"))
    referrer = make_server("referrer", mailstack, site_config("referrer", mailstack, protocol="pop3s"))
    hospital.start()
    referrer.start()
    try:
        pair(hospital, "hospital", referrer, "referrer")
        paths = generate_study.generate_study(str(tmp_path), seed=5, slices=4, series=2)
        set_id, received, outbox = transfer_round_trip(hospital, referrer, paths)
        assert received["InstancesImported"] == len(paths)
        assert files_by_sop(referrer) == files_by_sop(hospital)
        # POP3: processed mail is deleted from the server, and not processed twice
        referrer.post("/dicom-mail/fetch", {})
        assert referrer.get("/dicom-mail/inbox/" + set_id)["InstancesImported"] == len(paths)
    finally:
        hospital.stop()
        referrer.stop()


def test_deleted_mail_is_resent_after_the_acknowledgement_timeout(mailstack, tmp_path):
    from conftest import make_server, pair, site_config
    from mail_client import MailStack
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, AcknowledgementTimeout=8))
    referrer = make_server("referrer", mailstack, site_config("referrer", mailstack, Incoming=[]))
    hospital.start()
    referrer.start()
    mail = MailStack(mailstack["dir"])
    mail.delete_all("referrer@referrer.test")
    try:
        pair(hospital, "hospital", referrer, "referrer")
        upload(hospital, [sample_files.ct_small()])
        answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
        assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Success"
        mail.wait_count("referrer@referrer.test", 1, timeout=60)
        mail.delete_all("referrer@referrer.test")     # lost on the way

        # no acknowledgement comes: after the timeout the mail goes out again
        def resent():
            t = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
            return t if t["Mails"][0]["Attempts"] >= 2 and t["Mails"][0]["State"] == "sent" else None
        outbox = wait_for(resent, 90, "the resend")
        assert "acknowledgement" in hospital.log_text() or outbox["Mails"][0]["Attempts"] >= 2
        mail.wait_count("referrer@referrer.test", 1, timeout=60)

        # now the receiver polls, imports and acknowledges; the transfer completes
        referrer.stop()
        referrer = make_server("referrer", mailstack, fresh=False)
        referrer.start()

        def complete():
            referrer.post("/dicom-mail/fetch", {})
            t = {x["SetId"]: x for x in referrer.get("/dicom-mail/inbox")}.get(answer["SetId"])
            return t if t and t["State"] == "complete" else None
        wait_for(complete, 120, "the study at the receiver")

        def acknowledged():
            hospital.post("/dicom-mail/fetch", {})
            return hospital.get("/dicom-mail/outbox/" + answer["SetId"])["State"] == "acknowledged"
        wait_for(acknowledged, 120, "the acknowledgement")
    finally:
        hospital.stop()
        referrer.stop()


def test_untrusted_sender_is_quarantined_then_imported_after_certify(hospital, referrer):
    from conftest import pair
    # referrer knows hospital's key but has not certified it
    pair(hospital, "hospital", referrer, "referrer", certify=False)
    referrer_key = referrer.get("/dicom-mail/keys/site")
    hospital.post("/dicom-mail/keys/%s/certify" % referrer_key["Fingerprint"], {})   # hospital may send
    upload(hospital, [sample_files.ct_small()])
    answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
    assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Success"
    set_id = answer["SetId"]

    # Not authenticated: listed on its own with the SetId it claims, no transfer made of it (issue 14, point 7).
    def quarantined():
        referrer.post("/dicom-mail/fetch", {})
        return [m for m in referrer.get("/dicom-mail/quarantine") if m["ClaimedSetId"] == set_id]
    mails = wait_for(quarantined, 90, "the quarantine")
    assert len(mails) == 1 and mails[0]["SetId"] == "", mails
    assert "not certified" in mails[0]["Reason"], mails
    assert set_id not in [t["SetId"] for t in referrer.get("/dicom-mail/inbox")]
    assert referrer.get("/instances") == []

    fpr = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
    referrer.post("/dicom-mail/keys/%s/certify" % fpr, {})
    retried = referrer.post("/dicom-mail/inbox/%s/retry" % set_id, {})
    assert retried["MailsImported"] == 1, retried
    assert retried["State"] == "complete", retried
    assert files_by_sop(referrer) == files_by_sop(hospital)
