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
