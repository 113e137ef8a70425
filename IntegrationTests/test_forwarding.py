# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateway mode (#23): the receiver hands each complete transfer on to the hospital PACS, a third Orthanc
reached by C-STORE (a DicomModalities entry); and a modality's C-STORE to the sending gateway is mailed by an
auto-routing rule on the AE titles Orthanc records.

modality -> hospital (gateway) -> mail -> referrer (gateway) -> pacs
"""
import contextlib
import email
import email.policy
import os
import shutil
import subprocess
import time

import pytest

import generate_study
from conftest import start_paired, PORT_OFFSET, ROOT, make_server, site_config
from fault_tools import wait_for
from orthanc_server import OrthancServer
from test_autorouting import start_pair

REFERRER = "referrer@referrer.test"
PACS_HTTP, PACS_DICOM = 18046 + PORT_OFFSET, 18246 + PORT_OFFSET
PACS_MODALITY = {"pacs": ["PACS", "127.0.0.1", PACS_DICOM]}


def make_pacs(fresh=True):
    directory = os.path.join(ROOT, "pacs-orthanc")
    if fresh:
        shutil.rmtree(directory, ignore_errors=True)
    return OrthancServer("pacs", directory, PACS_HTTP, PACS_DICOM)


def start_gateways(mailstack, forwarding):
    """hospital sends; referrer polls only when told (POST /dicom-mail/fetch) and forwards to "pacs"."""
    referrer_config = site_config("referrer", mailstack, Forwarding=forwarding)
    referrer_config["Incoming"][0]["PollInterval"] = 86400
    hospital = make_server("hospital", mailstack)
    referrer = make_server("referrer", mailstack, referrer_config, extra_config={"DicomModalities": PACS_MODALITY})
    return start_paired(hospital, referrer)


@contextlib.contextmanager
def running_gateways(mailstack, forwarding):
    hospital, referrer = start_gateways(mailstack, forwarding)
    try:
        yield hospital, referrer
    finally:
        referrer.stop()
        hospital.stop()


@pytest.fixture
def pacs():
    server = make_pacs()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateways(mailstack, stack):
    with running_gateways(mailstack, {"Modality": "pacs", "RetryDelay": 1}) as (hospital, referrer):
        yield hospital, referrer, stack


def send_study(hospital, referrer, directory, seed, slices=2, max_mail_size=None):
    """Uploads a small study to hospital and sends it to referrer; returns (SetId, mails, SOP UIDs)."""
    if max_mail_size:
        hospital.put("/dicom-mail/partners/referrer", {
            "Addresses": [REFERRER], "MaxMailSize": max_mail_size,
            "Fingerprint": referrer.get("/dicom-mail/keys/site")["Fingerprint"]})
    paths = generate_study.generate_study(str(directory), seed=seed, series=1, slices=slices, rows=128, cols=128)
    study = None
    for path in paths:
        study = hospital.upload_dicom(path)["ParentStudy"]
    answer = hospital.post("/dicom-mail/send", {"Resources": [study], "Partner": "referrer"})
    assert hospital.wait_job(answer["ID"])["State"] == "Success"
    mails = len(hospital.get("/dicom-mail/outbox/" + answer["SetId"])["Mails"])
    uids = {i["MainDicomTags"]["SOPInstanceUID"] for i in hospital.get("/studies/%s/instances" % study)}
    return answer["SetId"], mails, uids


def sop_uids(server):
    return {i["MainDicomTags"]["SOPInstanceUID"] for i in server.get("/instances?expand")}


def transfer(referrer, set_id):
    return referrer.get("/dicom-mail/inbox/" + set_id)


def wait_forwarded(referrer, set_id, timeout=90):
    def forwarded():
        forward = transfer(referrer, set_id)["Forward"]
        return forward if forward and forward["State"] == "forwarded" else None
    return wait_for(forwarded, timeout, "transfer %s to be forwarded" % set_id)


def store_jobs(server):
    return [job for job in server.get("/jobs?expand") if job["Type"] == "DicomModalityStore"]


def part_of(raw):
    return int(email.message_from_bytes(raw, policy=email.policy.default)["X-TELEMEDICINE-SETPART"])


def test_a_transfer_is_forwarded_once_and_only_when_its_delayed_middle_mail_came(gateways, pacs, tmp_path):
    hospital, referrer, stack = gateways
    set_id, mails, uids = send_study(hospital, referrer, tmp_path / "study", seed=41, slices=6, max_mail_size=100000)
    assert mails >= 3, "the test needs a middle mail"
    stack.wait_count(REFERRER, mails, timeout=60)

    # The middle mail is late (a retry, a slow relay): held back outside the mailbox.
    held = [(uid, raw) for uid, raw in stack.fetch_all(REFERRER) if part_of(raw) == 2]
    assert len(held) == 1
    stack.delete(REFERRER, held[0][0])
    referrer.post("/dicom-mail/fetch", {})
    t = transfer(referrer, set_id)
    assert t["State"] == "receiving" and t["MailsReceived"] == mails - 1, t
    assert t["Forward"] is None, t
    assert len(referrer.get("/instances")) > 0   # what came is in the gateway...
    time.sleep(5)                                 # ...and stays there, past a few forwarder passes
    assert pacs.get("/instances") == [], "half a transfer reached the PACS"
    assert store_jobs(referrer) == []

    stack.append(REFERRER, held[0][1])
    referrer.post("/dicom-mail/fetch", {})
    assert transfer(referrer, set_id)["State"] == "complete"
    forward = wait_forwarded(referrer, set_id)
    assert forward["Modality"] == "pacs" and forward["Attempts"] == 0, forward
    assert forward["Instances"] == len(uids) and forward["Deleted"] is False, forward
    assert sop_uids(pacs) == uids
    # Exactly once: a later poll, the mail seen again, more passes of the forwarder change nothing.
    stack.append(REFERRER, held[0][1])
    referrer.post("/dicom-mail/fetch", {})
    time.sleep(4)
    assert len(store_jobs(referrer)) == 1, store_jobs(referrer)
    assert transfer(referrer, set_id)["Forward"]["ForwardedAt"] == forward["ForwardedAt"]
    assert sop_uids(referrer) == uids   # DeleteAfterForward is off: the gateway keeps its copy


@pytest.fixture
def patient_gateways(mailstack, stack):
    """Gateways whose failed forward waits ten minutes: only "Forward now" makes it go sooner."""
    with running_gateways(mailstack, {"Modality": "pacs", "RetryDelay": 600}) as (hospital, referrer):
        yield hospital, referrer, stack


def receive_one_after_the_other(gateways, tmp_path, seed):
    """Two one-mail transfers, the second sent once the first is in: [(SetId, SOP UIDs)] in that order."""
    hospital, referrer, stack = gateways
    received = []
    for n, slices in ((0, 3), (1, 2)):
        set_id, _, uids = send_study(hospital, referrer, tmp_path / str(n), seed=seed + n, slices=slices)
        stack.wait_count(REFERRER, 1, timeout=60)
        referrer.post("/dicom-mail/fetch", {})
        assert transfer(referrer, set_id)["State"] == "complete"
        received.append((set_id, uids))
    return received


def test_transfers_arriving_while_the_pacs_is_down_go_in_order_once_it_is_back(patient_gateways, tmp_path):
    hospital, referrer, stack = patient_gateways
    pacs = make_pacs()   # not started: the PACS is down
    (first, first_uids), (second, second_uids) = receive_one_after_the_other(patient_gateways, tmp_path, 51)

    # The first fails and is retried; the second waits behind it, receiving is not held up.
    def failed_once():
        forward = transfer(referrer, first)["Forward"]
        return forward if forward["State"] == "retrying" else None
    forward = wait_for(failed_once, 60, "the first forward to fail")
    assert forward["Attempts"] >= 1 and "C-STORE" in forward["Reason"] and forward["NextAttemptAt"], forward
    assert transfer(referrer, second)["Forward"]["State"] == "queued"
    assert transfer(referrer, second)["Forward"]["Attempts"] == 0
    status = referrer.get("/dicom-mail/status")["Forwarding"]
    assert status["Modality"] == "pacs" and status["Waiting"] == 2 and status["Failing"] == 1, status
    assert "C-STORE" in status["LastError"], status

    # The queue is durable: the gateway restarted while the PACS is still down forgets nothing.
    referrer.restart()
    assert transfer(referrer, second)["Forward"]["State"] == "queued"

    # The retry route: 404 for a transfer never queued, the forward itself for a waiting one.
    assert referrer.post("/dicom-mail/inbox/no-such-set/forward", {}, raw=True).status_code == 404
    pacs.start()
    try:
        # Due in ten minutes; the admin's "Forward now" sends it at once, and the second follows it.
        time.sleep(3)
        assert transfer(referrer, first)["Forward"]["State"] == "retrying"
        answer = referrer.post("/dicom-mail/inbox/%s/forward" % first, {})
        assert answer["State"] in ("retrying", "forwarding", "forwarded"), answer
        done_first = wait_forwarded(referrer, first)
        done_second = wait_forwarded(referrer, second)
        assert done_first["ForwardedAt"] <= done_second["ForwardedAt"]
        assert sop_uids(pacs) == first_uids | second_uids, "an instance was lost"
        # In order: every instance of the first reached the PACS before any of the second.
        order = [c["ID"] for c in pacs.get("/changes?limit=1000")["Changes"] if c["ChangeType"] == "NewInstance"]
        uid_of = {i["ID"]: i["MainDicomTags"]["SOPInstanceUID"] for i in pacs.get("/instances?expand")}
        arrived = [uid_of[i] for i in order]
        assert max(arrived.index(u) for u in first_uids) < min(arrived.index(u) for u in second_uids), arrived
        assert referrer.get("/dicom-mail/status")["Forwarding"]["Waiting"] == 0
        # A forwarded transfer has nothing left to retry.
        assert referrer.post("/dicom-mail/inbox/%s/forward" % first, {}, raw=True).status_code == 400
    finally:
        pacs.stop()


def test_a_transfer_deleted_from_the_gateway_before_its_turn_holds_up_nothing(patient_gateways, tmp_path):
    hospital, referrer, stack = patient_gateways
    pacs = make_pacs()   # down
    (first, _), (second, second_uids) = receive_one_after_the_other(patient_gateways, tmp_path, 81)
    wait_for(lambda: transfer(referrer, first)["Forward"]["State"] == "retrying", 60, "the first forward to fail")

    # The admin deletes the first study from the gateway while it waits.
    for study in transfer(referrer, first)["Studies"]:
        referrer.delete("/studies/" + study)
    pacs.start()
    try:
        referrer.post("/dicom-mail/inbox/%s/forward" % first, {})
        passed_over = wait_forwarded(referrer, first)
        assert passed_over["Instances"] == 0, passed_over
        wait_forwarded(referrer, second)
        assert sop_uids(pacs) == second_uids
        referrer.wait_log("transfer %s is not forwarded" % first)
    finally:
        pacs.stop()


def test_delete_after_forward_leaves_the_gateway_empty(mailstack, stack, pacs, tmp_path):
    with running_gateways(mailstack, {"Modality": "pacs", "DeleteAfterForward": True, "RetryDelay": 1}) \
            as (hospital, referrer):
        set_id, mails, uids = send_study(hospital, referrer, tmp_path / "study", seed=61, slices=4,
                                         max_mail_size=100000)
        stack.wait_count(REFERRER, mails, timeout=60)
        referrer.post("/dicom-mail/fetch", {})
        forward = wait_forwarded(referrer, set_id)
        assert forward["Deleted"] is True, forward
        assert sop_uids(pacs) == uids
        assert referrer.get("/instances") == [] and referrer.get("/studies") == []
        # The inbox keeps the record of what came and where it went.
        t = transfer(referrer, set_id)
        assert t["State"] == "complete" and t["InstancesImported"] == len(uids), t


def storescu(port, calling, called, paths):
    subprocess.run(["storescu", "-aet", calling, "-aec", called, "127.0.0.1", str(port)] + [str(p) for p in paths],
                   check=True, capture_output=True, timeout=60)


def test_a_rule_on_the_called_and_calling_ae_titles_mails_what_a_modality_stores(mailstack, stack, tmp_path):
    if shutil.which("storescu") is None:
        pytest.fail("storescu (dcmtk) is not installed: Resources/install-dependencies.sh installs it")
    hospital, referrer = start_pair(mailstack, hospital_rules=[
        {"Name": "ct-to-mail", "Partner": "referrer", "Filter": {"CalledAET": "MAILGW", "RemoteAET": "CT1"}}])
    try:
        routed_uid = "1.2.826.0.1.3680043.8.498.2307101"
        routed = generate_study.generate_study(str(tmp_path / "routed"), seed=71, series=1, slices=2,
                                               rows=64, cols=64, study_uid=routed_uid)
        other_called = generate_study.generate_study(str(tmp_path / "called"), seed=72, series=1, slices=2,
                                                     rows=64, cols=64)
        other_calling = generate_study.generate_study(str(tmp_path / "calling"), seed=73, series=1, slices=2,
                                                      rows=64, cols=64)
        storescu(hospital.dicom_port, "CT1", "MAILGW", routed)
        storescu(hospital.dicom_port, "CT1", "HOSPITAL", other_called)     # called another of our titles
        storescu(hospital.dicom_port, "MR7", "MAILGW", other_calling)      # another modality
        assert len(hospital.get("/studies")) == 3
        metadata = hospital.get("/instances/%s/metadata?expand" % hospital.get("/instances")[0])
        assert {"CalledAET", "RemoteAET"} <= set(metadata), metadata   # what Orthanc 1.10.1 records

        wait_for(lambda: hospital.get("/dicom-mail/outbox"), 60, "the rule to mail the CT's study")
        time.sleep(6)   # StableAge is 2 s: the other two studies are stable by now too
        outbox = hospital.get("/dicom-mail/outbox")
        assert len(outbox) == 1, outbox
        assert outbox[0]["StudyInstanceUIDs"] == [routed_uid], outbox
        assert outbox[0]["TotalInstances"] == 2
        hospital.wait_log('auto-routing rule "ct-to-mail" -> partner "referrer"')
    finally:
        referrer.stop()
        hospital.stop()
