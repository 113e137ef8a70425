# SPDX-License-Identifier: GPL-3.0-or-later
"""POST /dicom-mail/send with resources of every level, as the Explorer's buttons and scripts name them:
a series sends that series only, a patient all its studies in one transfer, a mixed list each instance once."""
import pytest

import generate_study
from test_send_receive import upload, wait_for

PATIENT_ID = "DMLEVELS01"


@pytest.fixture
def patient(paired, tmp_path):
    """One patient with two studies of two series each (3 slices per series), stored at hospital."""
    hospital, referrer = paired
    for seed in (11, 12):
        paths = generate_study.generate_study(str(tmp_path / ("study%d" % seed)), seed=seed, series=2, slices=3,
                                              rows=64, cols=64, patient_id=PATIENT_ID)
        upload(hospital, paths)
    patients = hospital.get("/patients")
    assert len(patients) == 1
    studies = hospital.get("/patients/%s" % patients[0])["Studies"]
    assert len(studies) == 2
    return hospital, referrer, patients[0], studies


def sops_of(server, level, resource_id):
    return {i["MainDicomTags"]["SOPInstanceUID"] for i in server.get("/%s/%s/instances" % (level, resource_id))}


def received(referrer, set_ids, timeout=180):
    """Waits until every transfer in set_ids is complete at referrer; returns {set_id: SOP UIDs imported}."""
    def complete():
        referrer.post("/dicom-mail/fetch", {})
        inbox = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}
        return all(s in inbox and inbox[s]["State"].startswith("complete") for s in set_ids)
    wait_for(complete, timeout, "transfers %s to complete at the receiver" % ", ".join(set_ids))
    result = {s: set() for s in set_ids}
    for instance in referrer.get("/instances?expand"):
        set_id = referrer.get("/instances/%s/metadata/4310" % instance["ID"], raw=True).text
        if set_id in result:
            result[set_id].add(instance["MainDicomTags"]["SOPInstanceUID"])
    return result


def send(hospital, resources):
    answer = hospital.post("/dicom-mail/send", {"Resources": resources, "Partner": "referrer"})
    job = hospital.wait_job(answer["ID"], timeout=120)
    assert job["State"] == "Success", job
    assert job["Content"]["TotalInstances"] == answer["Instances"]
    return answer


def test_series_sends_that_series_only(patient):
    hospital, referrer, _, studies = patient
    series = hospital.get("/studies/%s" % studies[0])["Series"]
    answer = send(hospital, [series[1]])
    assert answer["Instances"] == 3
    assert answer["StudyInstanceUIDs"] == [hospital.get("/studies/%s" % studies[0])["MainDicomTags"]["StudyInstanceUID"]]
    got = received(referrer, [answer["SetId"]])
    assert got[answer["SetId"]] == sops_of(hospital, "series", series[1])
    assert len(referrer.get("/series")) == 1


def test_patient_sends_all_its_studies_in_one_transfer(patient):
    hospital, referrer, patient_id, studies = patient
    answer = send(hospital, [patient_id])
    assert answer["Instances"] == 12
    uids = [hospital.get("/studies/%s" % s)["MainDicomTags"]["StudyInstanceUID"] for s in studies]
    assert sorted(answer["StudyInstanceUIDs"]) == sorted(uids)
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert sorted(outbox["StudyInstanceUIDs"]) == sorted(uids) and outbox["TotalInstances"] == 12
    got = received(referrer, [answer["SetId"]])
    assert got[answer["SetId"]] == sops_of(hospital, "patients", patient_id)
    assert len(referrer.get("/studies")) == 2


def test_mixed_list_sends_each_instance_once(patient):
    hospital, referrer, _, studies = patient
    study = studies[0]
    series = hospital.get("/studies/%s" % study)["Series"]
    instance = hospital.get("/series/%s" % series[0])["Instances"][0]
    # The study, one of its series, one of its instances twice: one transfer of the study's 6 instances.
    answer = send(hospital, [instance, study, series[0], instance])
    assert answer["Instances"] == 6
    got = received(referrer, [answer["SetId"]])
    assert got[answer["SetId"]] == sops_of(hospital, "studies", study)
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert outbox["TotalInstances"] == 6


def test_resources_of_two_studies_go_study_by_study(patient):
    hospital, referrer, _, studies = patient
    series_a = hospital.get("/studies/%s" % studies[0])["Series"][0]
    instance_b = hospital.get("/series/%s" % hospital.get("/studies/%s" % studies[1])["Series"][1])["Instances"][2]
    answer = send(hospital, [instance_b, series_a])
    assert answer["Instances"] == 4
    # In the order the request named them: study B's instance first.
    assert answer["StudyInstanceUIDs"] == [hospital.get("/studies/%s" % studies[i])["MainDicomTags"]["StudyInstanceUID"]
                                           for i in (1, 0)]
    got = received(referrer, [answer["SetId"]])
    assert got[answer["SetId"]] == sops_of(hospital, "series", series_a) | {
        hospital.get("/instances/%s" % instance_b)["MainDicomTags"]["SOPInstanceUID"]}


def test_single_instance(patient):
    hospital, referrer, _, studies = patient
    instance = hospital.get("/studies/%s/instances" % studies[1])[0]
    answer = send(hospital, [instance["ID"]])
    assert answer["Instances"] == 1
    got = received(referrer, [answer["SetId"]])
    assert got[answer["SetId"]] == {instance["MainDicomTags"]["SOPInstanceUID"]}


def test_unknown_and_malformed_ids_start_nothing(patient):
    hospital, _, patient_id, _ = patient
    unknown = "0123abcd-0123abcd-0123abcd-0123abcd-0123abcd"
    r = hospital.post("/dicom-mail/send", {"Resources": [patient_id, unknown], "Partner": "referrer"}, raw=True)
    assert r.status_code == 404, r.text
    assert unknown in r.json()["Message"]
    r = hospital.post("/dicom-mail/send", {"Resources": ["not-an-id"], "Partner": "referrer"}, raw=True)
    assert r.status_code == 400 and "not-an-id" in r.json()["Message"]
    r = hospital.post("/dicom-mail/send", {"Resources": [patient_id], "Partner": "referrer", "Synchronous": "yes"},
                      raw=True)
    assert r.status_code == 400 and "Synchronous" in r.json()["Message"]
    assert hospital.get("/dicom-mail/outbox") == []
    assert hospital.get("/jobs") == []


def test_synchronous_patient(patient):
    hospital, _, patient_id, _ = patient
    answer = hospital.post("/dicom-mail/send", {"Resources": [patient_id], "Partner": "referrer",
                                                "Synchronous": True}, timeout=300)
    assert answer["State"] == "Success"
    assert answer["Content"]["TotalInstances"] == 12
