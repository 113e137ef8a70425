# SPDX-License-Identifier: GPL-3.0-or-later
"""The QA section of the DICOM-Mail page (DIN 6868-159, #17) in real headless Chromium, with both Orthancs and
the real mail stack: the hospital's daily test passes; at the referrer a radiologist types a name and clicks
"Image quality confirmed"; the hospital's calendar shows the passed day and its month counts the test and the
confirmation, with links to the report routes. A monthly measurement confirmed the same way makes the report and
the page's plot; a failed daily test is shown on the page and in Orthanc Explorer. Screenshots (app-qa.png and
app-qa-monthly.png in German, app-qa-confirm.png) land in IntegrationTests/artifacts/.
"""
import os

import sample_files
from test_explorer_ui import ensure_playwright, run_browser
from test_qa_confirmation import received_test
from test_qa_daily import put_schedule, qa_hospital, qa_paired, wait_received  # noqa: F401 (fixtures)
from test_qa_report import measurement_finished
from test_send_receive import transfer_round_trip, wait_for

NAME = "Dr. Anna Schmidt"


def test_qa_page_shows_the_calendar_and_confirms_the_image_quality(stack, qa_paired, artifacts):
    ensure_playwright()
    for name in ("app-qa.png", "app-qa-confirm.png"):   # left by an earlier run, they would prove nothing
        if os.path.exists(os.path.join(artifacts, name)):
            os.remove(os.path.join(artifacts, name))
    hospital, referrer = qa_paired
    set_id = received_test(hospital, referrer)

    def passed():
        hospital.post("/dicom-mail/fetch", {})
        test = hospital.get("/dicom-mail/qa/daily-tests/" + set_id)
        return test if test["State"] != "running" else None
    test = wait_for(passed, 120, "the daily test's result at the hospital")
    assert test["State"] == "passed", test

    run_browser("qa-confirm", referrer, artifacts, set_id=set_id, name=NAME)
    given = referrer.get("/dicom-mail/qa/received-tests/%s/image-quality" % set_id)
    assert given["ConfirmedBy"] == NAME and given["Reported"] is not None

    def confirmed():
        hospital.post("/dicom-mail/fetch", {})
        return hospital.get("/dicom-mail/qa/daily-tests/" + set_id)["ImageQualityConfirmedBy"]
    assert wait_for(confirmed, 120, "the confirmation at the hospital") == NAME

    shown = run_browser("qa-calendar", hospital, artifacts, partner="referrer", day=test["Day"], locale="de-DE")
    assert shown["Day"] == test["Day"]
    for name in ("app-qa.png", "app-qa-confirm.png"):
        assert os.path.getsize(os.path.join(artifacts, name)) > 1000, name


def test_monthly_measurement_confirmed_in_the_browser_makes_the_report(stack, qa_paired, artifacts):
    """A real transfer, then the monthly measurement; the referrer's radiologist confirms its image quality on the
    page; the signed confirmation reaches the hospital, whose report (JSON, CSV, HTML) carries the measurement with
    the confirmation and the real transfer's figures, and whose QA page shows the plot (app-qa-monthly.png)."""
    ensure_playwright()
    shot = os.path.join(artifacts, "app-qa-monthly.png")
    if os.path.exists(shot):
        os.remove(shot)
    hospital, referrer = qa_paired
    # Before the schedule: /studies must not hold the built-in test series, which is no clinical study.
    real_id, _, _ = transfer_round_trip(hospital, referrer, [sample_files.ct_small()])
    put_schedule(hospital, 300)
    studies_before = referrer.get("/studies")

    monthly_id = hospital.post("/dicom-mail/qa/monthly/run/referrer")["SetId"]
    wait_received(referrer, monthly_id)
    measured = wait_for(measurement_finished(hospital, monthly_id), 120, "the monthly measurement")
    assert measured["State"] == "passed" and measured["Complete"] is True, measured
    assert referrer.get("/studies") == studies_before   # a test transfer is no clinical study
    status = hospital.get("/dicom-mail/status")["QualityAssurance"]["Partners"]["referrer"]
    assert status["LastMonthlyMeasurement"]["SetId"] == monthly_id
    assert status["LastMonthlyMeasurement"]["State"] == "passed"
    assert status["LastMonthlyMeasurement"]["TransferMs"] == measured["TransferMs"]

    run_browser("qa-confirm", referrer, artifacts, set_id=monthly_id, name=NAME)
    given = referrer.get("/dicom-mail/qa/received-tests/%s/image-quality" % monthly_id)
    assert given["ConfirmedBy"] == NAME and given["Reported"] is not None

    month = measured["Month"]
    year = int(month[:4])

    def confirmed():
        hospital.post("/dicom-mail/fetch", {})
        r = hospital.get("/dicom-mail/qa/report/referrer?year=%d" % year)
        return r if r["ImageQuality"]["Confirmations"] else None
    report = wait_for(confirmed, 120, "the image-quality confirmation in the report")
    assert [(c["SetId"], c["ConfirmedBy"]) for c in report["ImageQuality"]["Confirmations"]] == [(monthly_id, NAME)]
    assert [m["SetId"] for m in report["MonthlyMeasurements"]] == [monthly_id]
    sent = [m for m in report["RealTransfers"]["Sent"] if m["Month"] == month][0]
    # Only the real transfer: the measurement is a test.
    assert (sent["Transfers"], sent["Complete"], sent["Timed"]) == (1, 1, 1), sent
    assert sent["MedianMs"] > 0 and sent["P95Ms"] >= sent["MedianMs"] and sent["MedianMBps"] > 0, sent
    assert sum(m["Transfers"] for m in report["RealTransfers"]["Received"]) == 0
    print("real transfer %s: %.0f ms, %.3f MB/s DICOM" % (real_id, sent["MedianMs"], sent["MedianMBps"]))

    csv = hospital.get("/dicom-mail/qa/report/referrer.csv?year=%d" % year, raw=True).text
    assert ("monthly,%s,passed,%s" % (month, monthly_id)) in csv and NAME in csv
    assert ("real,sent,%s,1,1,1,%.0f," % (month, sent["MedianMs"])) in csv
    html = hospital.get("/dicom-mail/qa/report/referrer.html?year=%d" % year, raw=True).text
    assert monthly_id in html and NAME in html and str(measured["TransferMs"]) in html
    assert "gesendet / sent</td><td>%s</td><td>1</td>" % month in html
    plot = hospital.get("/dicom-mail/qa/report/referrer.svg?year=%d" % year, raw=True)
    assert plot.status_code == 200 and plot.headers["Content-Type"].startswith("image/svg+xml")
    assert plot.text.startswith("<svg") and plot.text.count('class="time"') == 1
    assert hospital.get("/dicom-mail/qa/report/nobody.svg?year=%d" % year, raw=True).status_code == 404

    shown = run_browser("qa-monthly", hospital, artifacts, partner="referrer", month=month, name=NAME,
                        locale="de-DE")
    assert shown["Month"][0] == month
    assert os.path.getsize(shot) > 1000


def test_a_failed_daily_test_is_shown_on_the_page_and_in_the_explorer(stack, qa_paired, artifacts):
    ensure_playwright()
    hospital, referrer = qa_paired
    put_schedule(hospital, 5)
    referrer.stop()
    set_id = hospital.post("/dicom-mail/qa/daily-tests/run/referrer")["SetId"]

    def failed():
        test = hospital.get("/dicom-mail/qa/daily-tests/" + set_id)
        return test if test["State"] != "running" else None
    test = wait_for(failed, 90, "the daily test to fail")
    assert test["State"] == "failed", test
    shown = run_browser("qa-failing", hospital, artifacts, partner="referrer", day=test["Day"])
    assert "referrer" in shown["Page"] and any(test["Day"] in t for t in shown["Explorer"])
