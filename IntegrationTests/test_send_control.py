# SPDX-License-Identifier: GPL-3.0-or-later
"""The send job on Orthanc's jobs engine (#16): Cancel and Pause take effect at once even while the job waits to
retry SMTP or while the server holds an upload; a job that fails at once stays failed in the outbox; a failed
transfer is sent again with POST /dicom-mail/outbox/{setid}/resend.

Bounds are generous (a shared 2-core machine): they tell "at once" from "after the back-off or the server's
timeout", which are set to an hour here."""
import socket
import time

import pytest

from conftest import pair
from fault_tools import wait_for
from test_faults import (mail, sites, smtp_restarted, start_smtp, stop_smtp,  # noqa: F401 (fixtures)
                         upload_small_study, send)

PROMPT = 5.0       # seconds: "at once" for a job that would otherwise wait an hour
AN_HOUR = 3600


def job_state(server, job_id):
    return server.get("/jobs/" + job_id)["State"]


def wait_state(server, job_id, states, timeout):
    return wait_for(lambda: job_state(server, job_id) in states and job_state(server, job_id), timeout,
                    "job %s to become one of %s" % (job_id, states), interval=0.05)


def outbox_of(server, set_id):
    return server.get("/dicom-mail/outbox/" + set_id)


def paired_sites(sites, smtp):
    hospital = sites("hospital", smtp=smtp)
    referrer = sites("referrer")
    pair(hospital, "hospital", referrer, "referrer")
    return hospital, referrer


def send_into_retry(hospital, mailstack, tmp_path):
    """Starts a transfer while Postfix is down and waits until its job sits in the SMTP back-off."""
    upload_small_study(hospital, tmp_path)
    stop_smtp(mailstack)
    answer = send(hospital, "referrer")
    wait_for(lambda: "temporary SMTP failure, retrying in %d s" % AN_HOUR in hospital.log_text(), 60,
             "the job to wait for its SMTP retry", interval=0.1)
    return answer


def cancel_promptly(server, job_id):
    begin = time.monotonic()
    server.post("/jobs/%s/cancel" % job_id, {})
    job = server.wait_job(job_id, timeout=60)
    elapsed = time.monotonic() - begin
    print("cancel took %.2f s" % elapsed)
    assert job["State"] == "Failure", job
    assert elapsed < PROMPT, "cancel took %.1f s" % elapsed


@pytest.fixture
def silent_smtp():
    """A port that accepts connections and never says a word: an SMTP session that hangs."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def test_cancel_during_smtp_retry_is_prompt(sites, mailstack, smtp_restarted, tmp_path):
    hospital, _ = paired_sites(sites, {"MaxRetries": 5, "RetryDelay": AN_HOUR})
    answer = send_into_retry(hospital, mailstack, tmp_path)
    assert job_state(hospital, answer["ID"]) == "Running"

    cancel_promptly(hospital, answer["ID"])
    transfer = outbox_of(hospital, answer["SetId"])
    assert transfer["State"] == "canceled", transfer
    assert all(m["State"] == "pending" for m in transfer["Mails"]), transfer


def test_pause_during_smtp_retry_is_prompt_and_resume_sends(sites, mailstack, smtp_restarted, tmp_path):
    hospital, _ = paired_sites(sites, {"MaxRetries": 5, "RetryDelay": AN_HOUR})
    answer = send_into_retry(hospital, mailstack, tmp_path)

    begin = time.monotonic()
    hospital.post("/jobs/%s/pause" % answer["ID"], {})
    wait_state(hospital, answer["ID"], ("Paused",), 60)
    elapsed = time.monotonic() - begin
    print("pause took %.2f s" % elapsed)
    assert elapsed < PROMPT, "pause took %.1f s" % elapsed

    start_smtp(mailstack)
    hospital.post("/jobs/%s/resume" % answer["ID"], {})
    job = hospital.wait_job(answer["ID"], timeout=120)
    assert job["State"] == "Success", job
    transfer = outbox_of(hospital, answer["SetId"])
    assert transfer["State"] in ("sent", "acknowledged"), transfer
    assert transfer["MailsSent"] == transfer["TotalMails"], transfer


def test_cancel_while_the_server_holds_the_upload(sites, silent_smtp, tmp_path):
    smtp = {"Url": "smtp://127.0.0.1:%d" % silent_smtp, "ResponseTimeout": AN_HOUR, "MaxRetries": 0}
    hospital, _ = paired_sites(sites, smtp)
    upload_small_study(hospital, tmp_path)
    answer = send(hospital, "referrer")
    # The mail is composed, then its upload waits for a greeting that never comes.
    wait_for(lambda: any(m["State"] == "sending" for m in outbox_of(hospital, answer["SetId"])["Mails"]), 60,
             "the upload to start", interval=0.05)
    time.sleep(1)

    cancel_promptly(hospital, answer["ID"])
    assert outbox_of(hospital, answer["SetId"])["State"] == "canceled"


def test_a_job_failing_right_after_submission_stays_failed_and_resend_sends_it(sites, mailstack, smtp_restarted,
                                                                              tmp_path):
    hospital, _ = paired_sites(sites, {"MaxRetries": 0})
    upload_small_study(hospital, tmp_path)
    stop_smtp(mailstack)
    answer = send(hospital, "referrer")
    job = hospital.wait_job(answer["ID"], timeout=60)
    assert job["State"] == "Failure", job
    time.sleep(1)   # anything the submitter or the job might still write
    transfer = outbox_of(hospital, answer["SetId"])
    assert transfer["State"] == "failed", transfer
    assert transfer["JobId"] == answer["ID"], transfer
    assert "could not be sent after 1 attempts" in transfer["Reason"], transfer

    # Only a failed transfer can be sent again; this one can, once the server is back.
    start_smtp(mailstack)
    again = hospital.post("/dicom-mail/outbox/%s/resend" % answer["SetId"], {})
    assert again["SetId"] == answer["SetId"] and again["ID"] != answer["ID"], again
    job = hospital.wait_job(again["ID"], timeout=120)
    assert job["State"] == "Success", job
    transfer = outbox_of(hospital, answer["SetId"])
    assert transfer["State"] in ("sent", "acknowledged"), transfer
    assert transfer["JobId"] == again["ID"], transfer
    assert transfer["MailsSent"] == transfer["TotalMails"], transfer

    refused = hospital.post("/dicom-mail/outbox/%s/resend" % answer["SetId"], {}, raw=True)
    assert refused.status_code == 400, refused.text
    assert "only a failed transfer is sent again" in refused.text
    missing = hospital.post("/dicom-mail/outbox/no-such-set/resend", {}, raw=True)
    assert missing.status_code == 404, missing.text


def test_a_transfer_whose_job_orthanc_lost_is_failed_at_start_up_and_resend_sends_it(sites, mailstack,
                                                                                    smtp_restarted, tmp_path):
    """With "SaveJobs": false (or a kill before Orthanc saved its jobs) the send job is gone after a restart; the
    transfer must not show "sending" for ever: start-up marks it failed, and Resend sends it."""
    hospital = sites("hospital", smtp={"MaxRetries": 5, "RetryDelay": AN_HOUR}, extra_config={"SaveJobs": False})
    referrer = sites("referrer")
    pair(hospital, "hospital", referrer, "referrer")
    answer = send_into_retry(hospital, mailstack, tmp_path)
    assert outbox_of(hospital, answer["SetId"])["State"] == "sending"

    hospital.kill()
    time.sleep(1.1)   # start-up looks at transfers created before it, to the second
    hospital.start()
    assert answer["ID"] not in hospital.get("/jobs"), "Orthanc kept the job: nothing was lost, nothing tested"
    transfer = wait_for(lambda: (lambda t: t["State"] == "failed" and t)(outbox_of(hospital, answer["SetId"])), 60,
                        "the orphaned transfer to be marked failed", interval=0.2)
    assert "interrupted" in transfer["Reason"], transfer

    start_smtp(mailstack)
    again = hospital.post("/dicom-mail/outbox/%s/resend" % answer["SetId"], {})
    job = hospital.wait_job(again["ID"], timeout=120)
    assert job["State"] == "Success", job
    transfer = outbox_of(hospital, answer["SetId"])
    assert transfer["State"] in ("sent", "acknowledged"), transfer
    assert transfer["MailsSent"] == transfer["TotalMails"], transfer
