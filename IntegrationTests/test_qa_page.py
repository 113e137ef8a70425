# SPDX-License-Identifier: GPL-3.0-or-later
"""The QA section of the DICOM-Mail page (DIN 6868-159, #17) in real headless Chromium, with both Orthancs and
the real mail stack: the hospital's daily test passes; at the referrer a radiologist types a name and clicks
"Image quality confirmed"; the hospital's calendar shows the passed day and its month counts the test and the
confirmation, with links to the report routes. Screenshots (app-qa.png in German, app-qa-confirm.png) land in
IntegrationTests/artifacts/.
"""
import os

from test_explorer_ui import ensure_playwright, run_browser
from test_qa_confirmation import received_test
from test_qa_daily import qa_hospital, qa_paired  # noqa: F401 (fixtures)
from test_send_receive import wait_for

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
