# SPDX-License-Identifier: GPL-3.0-or-later
"""The server side of DIN 6868-159 QA (#17) with both Orthancs and the real mail stack: the alert mail of a failed
daily test, the monthly measurement, and the report (JSON, CSV, printable HTML) carrying their figures.

The schedules are not enabled (no test may start by itself meanwhile); REST calls start the daily test and the
monthly measurement. When they fall due is tested with an injected clock in UnitTests/QaScheduleTests.cpp.
"""
import email
import email.policy
import re
import time

import pytest

from test_qa_daily import put_schedule, qa_paired, start_qa_hospital  # noqa: F401  (qa_paired: a fixture)
from test_send_receive import wait_for

QA_MAILBOX = "clinic@clinic.test"   # a mailbox of the stack that no Orthanc polls
TEST_STUDY_UID = "2.25.271706740546840698937681353201976473663.1"


@pytest.fixture
def qa_hospital(mailstack):
    server = start_qa_hospital(mailstack, QA_MAILBOX)
    yield server
    server.stop()


def finished(hospital, path):
    def done():
        hospital.post("/dicom-mail/fetch", {})
        record = hospital.get(path)
        return record if record["State"] != "running" else None
    return done


def test_a_failed_daily_test_sends_one_signed_alert_mail_without_patient_data(stack, qa_paired):
    hospital, referrer = qa_paired
    stack.delete_all(QA_MAILBOX)
    put_schedule(hospital, 5)
    referrer.stop()

    set_id = hospital.post("/dicom-mail/qa/daily-tests/run/referrer")["SetId"]
    failed = wait_for(finished(hospital, "/dicom-mail/qa/daily-tests/" + set_id), 90, "the daily test to fail")
    assert failed["State"] == "failed", failed

    def alert_mail():
        found = [email.message_from_bytes(raw, policy=email.policy.default)
                 for _, raw in stack.fetch_all(QA_MAILBOX)]
        return found or None
    mails = wait_for(alert_mail, 120, "the QA alert mail in " + QA_MAILBOX)
    assert len(mails) == 1, [m["Subject"] for m in mails]
    alert = mails[0]
    assert alert["X-DICOM-Mail-Notice"] == "qa-alert"
    assert alert["Auto-Submitted"] == "auto-generated"
    assert alert.get_content_type() == "multipart/signed"
    body = alert.get_payload()[0].get_content()
    assert "DIN 6868-159" in body and set_id in body and "referrer" in alert["Subject"]
    for identifying in (TEST_STUDY_UID, "DICOMMAIL^QATEST", "QATEST"):
        assert identifying not in body and identifying not in str(alert["Subject"])

    # Sent once: the alert is no longer due, and no second mail follows.
    def sent():
        return hospital.get("/dicom-mail/qa/daily-tests/" + set_id)["Alert"] == "sent" or None
    wait_for(sent, 30, "the alert marked sent")
    assert hospital.get("/dicom-mail/status")["QualityAssurance"]["AlertsDue"] == 0
    time.sleep(8)   # two more looks of the notice worker
    assert len(stack.fetch_all(QA_MAILBOX)) == 1


def test_daily_test_and_monthly_measurement_make_the_report(stack, qa_paired):
    hospital, referrer = qa_paired
    put_schedule(hospital, 300)
    studies_before = referrer.get("/studies")

    daily_id = hospital.post("/dicom-mail/qa/daily-tests/run/referrer")["SetId"]
    started = hospital.post("/dicom-mail/qa/monthly/run/referrer")
    monthly_id = started["SetId"]
    assert started["State"] == "running" and started["InstancesExpected"] == 3 and started["Trigger"] == "manual"
    # A test, not a clinical transfer.
    assert monthly_id not in [t["SetId"] for t in hospital.get("/dicom-mail/outbox")]
    assert monthly_id in [t["SetId"] for t in hospital.get("/dicom-mail/outbox?qa=only")]

    def received():
        referrer.post("/dicom-mail/fetch", {})
        tests = {t["SetId"]: t for t in referrer.get("/dicom-mail/qa/received-tests")}
        done = [tests.get(s, {}).get("State") == "complete" for s in (daily_id, monthly_id)]
        return tests if all(done) else None
    at_referrer = wait_for(received, 300, "both test transfers at the referrer")
    assert at_referrer[monthly_id]["InstancesChecked"] == 3
    assert referrer.get("/studies") == studies_before   # checked, not kept

    daily = wait_for(finished(hospital, "/dicom-mail/qa/daily-tests/" + daily_id), 120, "the daily test's result")
    assert daily["State"] == "passed", daily
    measured = wait_for(measurement_finished(hospital, monthly_id), 120, "the monthly measurement")
    assert measured["State"] == "passed", measured
    assert measured["InstancesArrived"] == 3 and measured["HashesChecked"] == 3 and measured["Complete"] is True
    assert measured["TransferMs"] > 0 and measured["DicomMBps"] > 0 and measured["WireMBps"] > 0
    assert measured["WireBytes"] > 0 and measured["DicomBytes"] > 0   # the wire may be smaller: compressed
    assert measured["ReceiverCompleted"] is not None
    print("monthly measurement: %d ms, %.3f MB/s DICOM, %.3f MB/s wire" %
          (measured["TransferMs"], measured["DicomMBps"], measured["WireMBps"]))

    year = int(measured["Started"][:4])
    day = daily["Day"]
    availability = hospital.get("/dicom-mail/qa/availability/referrer?year=%d" % year)
    assert availability["Year"]["Days"] >= 1 and availability["Year"]["WorkingDays"] == availability["Year"]["Days"]
    assert availability["Year"]["DayShare"] == 1.0 and availability["Year"]["MeetsTarget"] is True
    assert len(availability["Months"]) == 12

    report = hospital.get("/dicom-mail/qa/report/referrer?year=%d" % year)
    site_fpr = hospital.get("/dicom-mail/status")["SiteKeyFingerprint"]
    partner_fpr = hospital.get("/dicom-mail/partners/referrer")["Fingerprint"]
    assert report["Site"]["Fingerprint"] == site_fpr and re.fullmatch("[0-9A-F]{40}", site_fpr)
    assert report["Partner"]["Fingerprint"] == partner_fpr and partner_fpr
    assert len(report["TestData"]["Hashes"]) == 3
    assert all(re.fullmatch("[0-9a-f]{64}", h["SHA256"]) for h in report["TestData"]["Hashes"])
    assert report["DailyTests"][day]["State"] == "passed"
    assert [m["SetId"] for m in report["MonthlyMeasurements"]] == [monthly_id]
    assert report["Availability"]["Year"]["DayShare"] == 1.0
    assert report["ImageQuality"] == {"Recorded": True, "Confirmations": []}

    # The partner's radiologist confirms the measurement's image quality; its signed mail back puts it in the
    # report.
    referrer.post("/dicom-mail/qa/received-tests/%s/image-quality" % monthly_id, {"ConfirmedBy": "Dr. Weiß"})

    def confirmed():
        hospital.post("/dicom-mail/fetch", {})
        r = hospital.get("/dicom-mail/qa/report/referrer?year=%d" % year)
        return r if r["ImageQuality"]["Confirmations"] else None
    report = wait_for(confirmed, 120, "the image-quality confirmation in the report")
    assert [(c["SetId"], c["ConfirmedBy"]) for c in report["ImageQuality"]["Confirmations"]] == [
        (monthly_id, "Dr. Weiß")]

    csv = hospital.get("/dicom-mail/qa/report/referrer.csv?year=%d" % year, raw=True)
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert site_fpr in csv.text and partner_fpr in csv.text
    assert ("daily,%s,passed,%s" % (day, daily_id)) in csv.text
    assert ("monthly,%s,passed,%s" % (measured["Month"], monthly_id)) in csv.text
    assert "Dr. Weiß" in csv.text
    assert (",%d,%d,%d," % (measured["TransferMs"], measured["DicomBytes"], measured["WireBytes"])) in csv.text
    assert report["TestData"]["Hashes"][0]["SHA256"] in csv.text

    html = hospital.get("/dicom-mail/qa/report/referrer.html?year=%d" % year, raw=True)
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    page = html.text
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert monthly_id in page and daily_id in page and site_fpr in page and partner_fpr in page
    assert str(measured["TransferMs"]) in page and "Dr. Weiß" in page

    assert hospital.get("/dicom-mail/qa/report/nobody?year=%d" % year, raw=True).status_code == 404
    assert hospital.get("/dicom-mail/qa/report/referrer?year=12", raw=True).status_code == 400


def measurement_finished(hospital, set_id):
    def done():
        hospital.post("/dicom-mail/fetch", {})
        for m in hospital.get("/dicom-mail/qa/monthly?partner=referrer"):
            if m["SetId"] == set_id and m["State"] != "running":
                return m
        return None
    return done
