# SPDX-License-Identifier: GPL-3.0-or-later
"""The daily function test of a teleradiology link (DIN 6868-159, #17), with both Orthancs and the real mail stack.

The hospital sends the built-in test series to the referrer, marked as a test inside the encrypted entity. The
referrer checks every instance against the signed manifest, keeps the series out of its Orthanc (the default),
records the test apart from clinical transfers and answers with its signed acknowledgement, which carries its
completion time. The hospital records the pass with both clocks. With the referrer's Orthanc stopped, the test
fails after its (short) timeout and the alert for the QA address is due. The schedule itself is tested with an
injected clock in UnitTests/QaScheduleTests.cpp; here a REST call starts the test.
"""
import email
import email.policy

import pytest

from conftest import make_server, pair, site_config
from test_binary_parts import referrer_gpg
from test_send_receive import wait_for

REFERRER = "referrer@referrer.test"
# The built-in series' study (Core/QualityAssurance/QaTestSeries.cpp).
TEST_STUDY_UID = "2.25.271706740546840698937681353201976473663.1"


def start_qa_hospital(mailstack, alert_address):
    """The hospital looking at its QA schedules every second; the caller stops it."""
    config = site_config("hospital", mailstack,
                         QualityAssurance={"CheckInterval": 1, "AlertAddress": alert_address})
    server = make_server("hospital", mailstack, config)
    server.start()
    return server


@pytest.fixture
def qa_hospital(mailstack):
    server = start_qa_hospital(mailstack, "qa@hospital.test")   # not a mailbox of the stack: the alert stays due
    yield server
    server.stop()


@pytest.fixture
def qa_paired(qa_hospital, referrer):
    pair(qa_hospital, "hospital", referrer, "referrer")
    return qa_hospital, referrer


def put_schedule(hospital, timeout):
    # Not enabled: no scheduled test may start by itself while the test runs; the REST call starts one.
    schedule = hospital.put("/dicom-mail/qa/schedules/referrer",
                            {"Enabled": False, "Teleradiology": True, "TestData": "generated",
                             "DailyTestTime": "07:30", "Holidays": ["2026-12-25"], "MonthlyMeasurementDay": 3,
                             "AcknowledgementTimeout": timeout})
    assert schedule["AcknowledgementTimeout"] == timeout
    assert hospital.get("/dicom-mail/qa/schedules/referrer") == schedule
    assert [s["Partner"] for s in hospital.get("/dicom-mail/qa/schedules")] == ["referrer"]
    return schedule


def wait_received(referrer, set_id):
    """The referrer's record of the received test, once it was checked completely."""
    def received():
        referrer.post("/dicom-mail/fetch", {})
        tests = {t["SetId"]: t for t in referrer.get("/dicom-mail/qa/received-tests")}
        return tests.get(set_id) if tests.get(set_id, {}).get("State") == "complete" else None
    return wait_for(received, 300, "the test transfer at the referrer")


def daily_test(hospital, set_id):
    return hospital.get("/dicom-mail/qa/daily-tests/" + set_id)


def test_daily_test_passes_and_is_recorded_on_both_sides(stack, qa_paired):
    hospital, referrer = qa_paired
    put_schedule(hospital, 300)
    studies_before = referrer.get("/studies")

    started = hospital.post("/dicom-mail/qa/daily-tests/run/referrer")
    set_id = started["SetId"]
    assert started["State"] == "running" and started["Trigger"] == "manual" and started["Instances"] == 3

    # Not a clinical transfer at the sender: only listed when asked for.
    assert set_id not in [t["SetId"] for t in hospital.get("/dicom-mail/outbox")]
    assert set_id in [t["SetId"] for t in hospital.get("/dicom-mail/outbox?qa=only")]

    at_referrer = wait_received(referrer, set_id)
    assert at_referrer["Partner"] == "hospital"
    assert at_referrer["InstancesChecked"] == 3 and at_referrer["InstancesFailed"] == 0
    assert at_referrer["Completed"] is not None and at_referrer["Kept"] is False

    # Not in the receiver's archive, and not in its clinical inbox.
    assert referrer.get("/studies") == studies_before
    assert referrer.post("/tools/lookup", TEST_STUDY_UID) == []
    assert set_id not in [t["SetId"] for t in referrer.get("/dicom-mail/inbox")]
    assert set_id in [t["SetId"] for t in referrer.get("/dicom-mail/inbox?qa=include")]

    # The marker travels inside the encryption only.
    mails = [email.message_from_bytes(raw, policy=email.policy.compat32)
             for _, raw in stack.fetch_all(REFERRER, "Processed")]
    mails = [m for m in mails if m["X-TELEMEDICINE-SETID"] == set_id]
    assert mails, "the test mail is not in the referrer's Processed folder"
    for outer in mails:
        assert outer["X-DICOMMAIL-QA-TEST"] is None
        armored = outer.get_payload()[1].get_payload(decode=False).encode()
        inner = email.message_from_bytes(referrer_gpg("--decrypt", data=armored), policy=email.policy.compat32)
        assert inner["X-DICOMMAIL-QA-TEST"] == "daily-function-test"

    def passed():
        hospital.post("/dicom-mail/fetch", {})
        test = daily_test(hospital, set_id)
        return test if test["State"] != "running" else None
    result = wait_for(passed, 120, "the daily test's result at the hospital")
    assert result["State"] == "passed", result
    assert result["Acknowledged"] is not None and result["ReceiverCompleted"] is not None
    assert result["RoundTripMs"] > 0
    assert result["TransferMs"] is not None   # the receiver's clock; the same machine here
    assert result["Alert"] is None
    print("daily test: round trip %d ms, receiver completed after %d ms" %
          (result["RoundTripMs"], result["TransferMs"]))

    status = hospital.get("/dicom-mail/status")["QualityAssurance"]
    assert status["Partners"]["referrer"]["LastDailyTest"]["SetId"] == set_id
    assert status["Partners"]["referrer"]["Failing"] is False
    assert status["FailingPartners"] == 0


def test_daily_test_fails_after_its_timeout_when_the_partner_is_down(stack, qa_paired):
    hospital, referrer = qa_paired
    put_schedule(hospital, 5)
    referrer.stop()

    set_id = hospital.post("/dicom-mail/qa/daily-tests/run/referrer")["SetId"]

    def finished():
        test = daily_test(hospital, set_id)
        return test if test["State"] != "running" else None
    result = wait_for(finished, 90, "the daily test to fail")
    assert result["State"] == "failed", result
    assert "not acknowledged within 5 s" in result["Reason"]
    assert result["Acknowledged"] is None and result["ReceiverCompleted"] is None
    assert result["Alert"] == "due"

    status = hospital.get("/dicom-mail/status")["QualityAssurance"]
    assert status["Partners"]["referrer"]["Failing"] is True
    assert status["FailingPartners"] == 1
    assert status["AlertsDue"] == 1


def test_kept_when_the_receiver_is_configured_to_keep_tests(stack, qa_hospital, mailstack):
    referrer = make_server("referrer", mailstack, site_config("referrer", mailstack,
                                                              QualityAssurance={"ReceivedTests": "Keep"}))
    referrer.start()
    try:
        pair(qa_hospital, "hospital", referrer, "referrer")
        put_schedule(qa_hospital, 300)
        set_id = qa_hospital.post("/dicom-mail/qa/daily-tests/run/referrer")["SetId"]

        test = wait_received(referrer, set_id)
        assert test["Kept"] is True

        found = referrer.post("/tools/lookup", TEST_STUDY_UID)
        assert [f["Type"] for f in found] == ["Study"]
        assert test["Studies"] == [found[0]["ID"]]   # the page links the test images to look at (#17)
        instances = referrer.get("/studies/%s/instances" % found[0]["ID"])
        assert len(instances) == 3
        for instance in instances:
            assert referrer.get("/instances/%s/metadata/4313" % instance["ID"]) == b"daily-function-test"
            assert referrer.get("/instances/%s/metadata/4310" % instance["ID"]) == set_id.encode()
        # Still not a clinical transfer in the inbox's default list.
        assert set_id not in [t["SetId"] for t in referrer.get("/dicom-mail/inbox")]
    finally:
        referrer.stop()


def test_schedule_routes_refuse_what_they_cannot_use(qa_paired):
    hospital, _ = qa_paired
    bad = hospital.put("/dicom-mail/qa/schedules/referrer", {"DailyTestTime": "7:30"}, raw=True)
    assert bad.status_code == 400 and "DailyTestTime" in bad.text
    assert hospital.put("/dicom-mail/qa/schedules/nobody", {}, raw=True).status_code == 404
    assert hospital.post("/dicom-mail/qa/daily-tests/run/referrer", raw=True).status_code == 404   # no schedule
    assert hospital.get("/dicom-mail/outbox?qa=maybe", raw=True).status_code == 400
