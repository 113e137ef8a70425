# SPDX-License-Identifier: GPL-3.0-or-later
"""Auto-routing on real Orthanc servers: rules on stable studies, follow-ups, no mail loops, the Lua sample.

StableAge is 2 s in the harness, so a study is routed a few seconds after its last instance arrived.
"""
import json
import os
import re
import subprocess
import time

import pytest

import generate_study
from conftest import start_paired, TOP, make_server, site_config, plugin_path, ROOT, SITES
from orthanc_server import start_expecting_failure
from test_faults import smtp_restarted, start_smtp, stop_smtp  # noqa: F401 (a fixture)

LUA_SAMPLE = os.path.join(TOP, "Resources", "Lua", "OnStableStudy-DicomMail.lua")

CT_TO_REFERRER = {"Name": "CT-night", "Partner": "referrer", "Level": "Study", "Filter": {"Modality": "CT"},
                  "Enabled": True}
# On the receiver: everything back to the sender. Must never fire for studies that came from there.
ALL_TO_HOSPITAL = {"Name": "all-back", "Partner": "hospital", "Filter": {"InstitutionName": "*"}}


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
    ids = set()
    for path in paths:
        ids.add(server.upload_dicom(path)["ID"])
    return ids


def small_study(directory, seed, modality, slices=3, add_to=None):
    return generate_study.generate_study(str(directory), seed=seed, series=1, slices=slices, rows=64, cols=64,
                                         modality=modality, add_to=add_to)


def sop_uids(server):
    return {i["MainDicomTags"]["SOPInstanceUID"] for i in server.get("/instances?expand")}


def wait_received(referrer, set_id, timeout=180):
    def complete():
        referrer.post("/dicom-mail/fetch", {})
        t = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}.get(set_id)
        return t if t and t["State"].startswith("complete") else None
    return wait_for(complete, timeout, "transfer %s to arrive" % set_id)


def outbox(server):
    return server.get("/dicom-mail/outbox")


def start_pair(mailstack, hospital_rules=None, referrer_rules=None, hospital_extra=None, referrer_extra=None,
               hospital_smtp=None):
    hospital_config = site_config("hospital", mailstack)
    hospital_config["Smtp"].update(hospital_smtp or {})
    referrer_config = site_config("referrer", mailstack)
    if hospital_rules is not None:
        hospital_config["AutoRouting"] = hospital_rules
    if referrer_rules is not None:
        referrer_config["AutoRouting"] = referrer_rules
    hospital = make_server("hospital", mailstack, hospital_config, extra_config=hospital_extra)
    referrer = make_server("referrer", mailstack, referrer_config, extra_config=referrer_extra)
    return start_paired(hospital, referrer)


@pytest.fixture
def routed(mailstack):
    hospital, referrer = start_pair(mailstack, [CT_TO_REFERRER], [ALL_TO_HOSPITAL])
    yield hospital, referrer, mailstack
    referrer.stop()
    hospital.stop()


def test_ct_study_is_routed_once_and_its_growth_goes_as_one_follow_up(routed, tmp_path):
    hospital, referrer, mailstack = routed
    ct_paths = small_study(tmp_path / "ct", 11, "CT", slices=3)
    first_ids = upload(hospital, ct_paths)
    ct_study = hospital.get("/instances/%s/study" % next(iter(first_ids)))["ID"]

    # Routed by the rule, without any request.
    first = wait_for(lambda: outbox(hospital), 60, "the rule to send the CT study")
    assert len(first) == 1
    first = first[0]
    assert first["Partner"] == "referrer"
    assert first["TotalInstances"] == 3
    # The outbox's Reason changes with the state; the log names the rule that sent it.
    hospital.wait_log('auto-routing rule "CT-night" -> partner "referrer", study %s: sending 3 instance(s) '
                      'as transfer %s' % (ct_study, first["SetId"]))
    received = wait_received(referrer, first["SetId"])
    assert received["InstancesImported"] == 3
    assert sop_uids(referrer) == sop_uids(hospital)

    # The receiver's catch-all rule towards the sender does not mail the study back.
    referrer.wait_log('auto-routing rule "all-back" -> partner "hospital", study %s: '
                      'arrived from this partner, not routed back' % ct_study, timeout=30)
    assert outbox(referrer) == []

    # Two more instances of the same study (a new series): exactly one follow-up with only them.
    added_paths = small_study(tmp_path / "ct-more", 12, "CT", slices=2, add_to=str(tmp_path / "ct"))
    added_ids = upload(hospital, added_paths)
    assert not (added_ids & first_ids)
    assert hospital.get("/instances/%s/study" % next(iter(added_ids)))["ID"] == ct_study

    def two_transfers():
        transfers = outbox(hospital)
        return transfers if len(transfers) >= 2 else None
    transfers = wait_for(two_transfers, 60, "the follow-up transfer")
    follow_up = [t for t in transfers if t["SetId"] != first["SetId"]]
    assert len(follow_up) == 1
    follow_up = follow_up[0]
    assert follow_up["TotalInstances"] == 2
    assert follow_up["StudyInstanceUIDs"] == first["StudyInstanceUIDs"]
    hospital.wait_log("study %s: sending 2 instance(s) as transfer %s" % (ct_study, follow_up["SetId"]))
    received = wait_received(referrer, follow_up["SetId"])
    assert received["InstancesImported"] == 2
    assert sop_uids(referrer) == sop_uids(hospital)

    # The study stays stable: no third transfer (StableAge is 2 s; wait well past it).
    time.sleep(8)
    assert len(outbox(hospital)) == 2
    assert outbox(referrer) == []

    # Sent once survives a restart: the same instances uploaded again after a restart are not resent.
    hospital.restart()
    hospital.delete("/studies/%s" % ct_study)
    upload(hospital, ct_paths + added_paths)
    hospital.wait_log('auto-routing rule "CT-night" -> partner "referrer", study %s: already sent' % ct_study,
                      timeout=60)
    assert len(outbox(hospital)) == 2


def test_a_routed_transfer_that_failed_for_good_goes_again_with_the_next_trigger(mailstack, smtp_restarted,
                                                                                 tmp_path):
    # No SMTP retries: the routed transfer fails for good at its first attempt.
    hospital, referrer = start_pair(mailstack, [CT_TO_REFERRER], hospital_smtp={"MaxRetries": 0})
    try:
        stop_smtp(mailstack)
        ct_paths = small_study(tmp_path / "ct", 31, "CT", slices=2)
        first_ids = upload(hospital, ct_paths)
        ct_study = hospital.get("/instances/%s/study" % next(iter(first_ids)))["ID"]
        failed = wait_for(lambda: [t for t in outbox(hospital) if t["State"] == "failed"], 90,
                          "the routed transfer to fail")
        assert len(failed) == 1 and failed[0]["TotalInstances"] == 2, failed
        failed = failed[0]
        start_smtp(mailstack)

        # The next trigger of the rule (the study grows): the failed instances go with the new one.
        added_paths = small_study(tmp_path / "ct-more", 32, "CT", slices=1, add_to=str(tmp_path / "ct"))
        upload(hospital, added_paths)

        def follow_up():
            transfers = [t for t in outbox(hospital) if t["SetId"] != failed["SetId"]]
            return transfers or None
        transfers = wait_for(follow_up, 60, "the rule to send the study again")
        assert len(transfers) == 1, transfers
        again = transfers[0]
        assert again["TotalInstances"] == 3, again
        hospital.wait_log("study %s: sending 3 instance(s) as transfer %s" % (ct_study, again["SetId"]))
        received = wait_received(referrer, again["SetId"])
        assert received["InstancesImported"] == 3
        assert sop_uids(referrer) == sop_uids(hospital)

        # Sent now: the study is not routed a third time, and the failed transfer stays as it was.
        time.sleep(8)
        assert len(outbox(hospital)) == 2
        assert hospital.get("/dicom-mail/outbox/" + failed["SetId"])["State"] == "failed"
    finally:
        referrer.stop()
        hospital.stop()


def test_non_matching_mr_study_is_not_sent(routed, tmp_path):
    hospital, referrer, mailstack = routed
    mr_paths = small_study(tmp_path / "mr", 21, "MR", slices=2)
    ids = upload(hospital, mr_paths)
    mr_study = hospital.get("/instances/%s/study" % next(iter(ids)))["ID"]
    hospital.wait_log('auto-routing rule "CT-night" -> partner "referrer", study %s: no match' % mr_study,
                      timeout=60)
    time.sleep(3)
    assert outbox(hospital) == []


def test_invalid_rule_stops_start_up(mailstack):
    config = site_config("hospital", mailstack, AutoRouting=[
        {"Name": "CT-night", "Partner": "referrer", "Level": "Patient", "Filter": {"Modality": "CT"}}])
    http_port, dicom_port, _ = SITES["hospital"]
    code, log = start_expecting_failure("hospital", os.path.join(ROOT, "hospital-invalid"), http_port, dicom_port,
                                        plugin_path(), config)
    assert code != 0
    assert ('Invalid configuration "DicomMail.AutoRouting[0]" (rule "CT-night"): '
            '"Level" must be "Study" or "Series", not "Patient"') in log

    config["AutoRouting"] = [{"Name": "typo", "Partner": "referrer", "Filter": {"Modalty": "CT"}}]
    code, log = start_expecting_failure("hospital", os.path.join(ROOT, "hospital-invalid"), http_port, dicom_port,
                                        plugin_path(), config)
    assert code != 0
    assert ('Invalid configuration "DicomMail.AutoRouting[0]" (rule "typo"): "Filter"."Modalty": '
            'unknown DICOM tag') in log


def lua_copy(directory, partner):
    """The shipped sample with its partner constant set for this test."""
    with open(LUA_SAMPLE, encoding="utf-8") as f:
        text = f.read()
    text, count = re.subn(r"^local PARTNER = '[^']*'", "local PARTNER = '%s'" % partner, text, flags=re.M)
    assert count == 1, "the sample no longer sets PARTNER on one line"
    path = os.path.join(str(directory), "route-to-%s.lua" % partner)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_lua_sample_does_the_same_job_as_a_rule(mailstack, tmp_path):
    # No rules; the sample on both sides: the hospital's sends CT to the referrer, the referrer's would send CT
    # back to the hospital but must skip studies that arrived by DICOM-Mail.
    hospital, referrer = start_pair(mailstack,
                                    hospital_extra={"LuaScripts": [lua_copy(tmp_path, "referrer")]},
                                    referrer_extra={"LuaScripts": [lua_copy(tmp_path, "hospital")]})
    try:
        ct_ids = upload(hospital, small_study(tmp_path / "ct", 31, "CT", slices=3))
        mr_ids = upload(hospital, small_study(tmp_path / "mr", 32, "MR", slices=2))
        ct_study = hospital.get("/instances/%s/study" % next(iter(ct_ids)))["ID"]
        ct_uid = hospital.get("/studies/%s" % ct_study)["MainDicomTags"]["StudyInstanceUID"]
        assert mr_ids

        log = hospital.wait_log("DICOM-Mail: study %s sent to referrer by job " % ct_study, timeout=60)
        transfers = wait_for(lambda: outbox(hospital), 30, "the Lua script's transfer")
        assert len(transfers) == 1
        assert transfers[0]["StudyInstanceUIDs"] == [ct_uid]
        assert transfers[0]["TotalInstances"] == 3
        assert transfers[0]["JobId"] in log
        received = wait_received(referrer, transfers[0]["SetId"])
        assert received["InstancesImported"] == 3

        # The referrer's copy saw the study become stable and sent nothing back; the MR never left.
        time.sleep(6)
        assert outbox(referrer) == []
        assert len(outbox(hospital)) == 1
        assert "sent to hospital" not in referrer.log_text(current_run=True)
    finally:
        referrer.stop()
        hospital.stop()


def test_rest_samples_send_a_study(paired, tmp_path):
    hospital, referrer = paired
    ids = upload(hospital, small_study(tmp_path / "ct", 41, "CT", slices=2))
    study = hospital.get("/instances/%s/study" % next(iter(ids)))["ID"]
    samples = os.path.join(TOP, "Resources", "Samples")

    shell = subprocess.run([os.path.join(samples, "send-study.sh"), study, "referrer", hospital.url],
                           capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, PATH="/usr/bin:/bin"))
    assert shell.returncode == 0, shell.stderr
    first_line, transfer = shell.stdout.split("\n", 1)
    assert re.match(r"job \S+, transfer \S+$", first_line)
    transfer = json.loads(transfer)
    assert transfer["Partner"] == "referrer" and transfer["TotalInstances"] == 2

    python = subprocess.run(["/usr/bin/python3", os.path.join(samples, "send_study.py"), study, "referrer",
                             "--url", hospital.url], capture_output=True, text=True, timeout=300)
    assert python.returncode == 0, python.stderr
    first_line, transfer2 = python.stdout.split("\n", 1)
    assert re.match(r"job \S+, transfer \S+$", first_line)
    transfer2 = json.loads(transfer2)
    assert transfer2["TotalInstances"] == 2 and transfer2["SetId"] != transfer["SetId"]
    assert {t["SetId"] for t in hospital.get("/dicom-mail/outbox")} == {transfer["SetId"], transfer2["SetId"]}
    # The second transfer carries the same instances: the receiver completes it without importing anything new.
    assert wait_received(referrer, transfer["SetId"])["InstancesImported"] == 2
    wait_received(referrer, transfer2["SetId"])
    assert sop_uids(referrer) == sop_uids(hospital)
