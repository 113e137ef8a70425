# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults on real servers: SMTP refusals and outages, Orthanc killed while sending or receiving, IMAP connections
cut in the middle of a fetch, a full working directory. Nothing may be lost, duplicated or wrongly reported."""
import os
import random
import re
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import MAILSTACK, ROOT, SITES, make_server, pair, site_config
from fault_tools import SmallTmpfs, imap_processes, kill_pids, wait_for
from mail_client import MailStack
from stock_gpg import GpgPartner
import generate_study

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]


# ---------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture
def mail(mailstack):
    """The stack's mailboxes, emptied: earlier tests must not leave mail for these servers."""
    stack = MailStack(mailstack["dir"])
    stack.clear_all()
    return stack


@pytest.fixture
def sites(mailstack, mail):
    """Factory for Orthanc sites with a custom DicomMail section; every one is stopped at the end."""
    started = []

    def start(name, smtp=None, incoming=None, extra_config=None, **overrides):
        config = site_config(name, mailstack, **overrides)
        config["Smtp"].update(smtp or {})
        config["Incoming"][0].update(incoming or {})
        server = make_server(name, mailstack, config, extra_config)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtp_restarted(mailstack):
    """Whatever a test does to Postfix, it runs again afterwards."""
    yield
    subprocess.run([MAILSTACK, "start-smtp", mailstack["dir"]], check=True, capture_output=True)


def stop_smtp(mailstack):
    subprocess.run([MAILSTACK, "stop-smtp", mailstack["dir"]], check=True, capture_output=True)


def start_smtp(mailstack):
    subprocess.run([MAILSTACK, "start-smtp", mailstack["dir"]], check=True, capture_output=True)


# ---------------------------------------------------------------------------------------------------- helpers

def gpg_partner(hospital, name, address):
    """A partner with only gpg (no gateway), its key certified by hospital. Caller closes the GpgPartner."""
    home = GpgPartner(name.capitalize(), address)
    hospital.post("/dicom-mail/keys", home.export_public())
    hospital.post("/dicom-mail/keys/%s/certify" % home.fingerprint, {})
    hospital.put("/dicom-mail/partners/" + name, {"Addresses": [address], "Fingerprint": home.fingerprint})
    return home


def upload_study(server, directory, **kwargs):
    paths = generate_study.generate_study(str(directory), **kwargs)
    for path in paths:
        server.upload_dicom(path)
    return paths


def upload_small_study(server, directory):
    return upload_study(server, directory, seed=11, slices=2, series=1, rows=64, cols=64)


def limit_mail_size(hospital, referrer, size):
    hospital.put("/dicom-mail/partners/referrer", {
        "Addresses": [REFERRER], "MaxMailSize": size,
        "Fingerprint": referrer.get("/dicom-mail/keys/site")["Fingerprint"]})


def send(hospital, partner):
    return hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": partner})


def sop_uids(server):
    """SOP Instance UID -> number of Orthanc instances carrying it."""
    counts = {}
    for instance in server.get("/instances?expand"):
        uid = instance["MainDicomTags"]["SOPInstanceUID"]
        counts[uid] = counts.get(uid, 0) + 1
    return counts


def inbox_transfer(referrer, set_id):
    for t in referrer.get("/dicom-mail/inbox"):
        if t["SetId"] == set_id:
            return t
    return None


def wait_received(referrer, set_id, timeout):
    def complete():
        t = inbox_transfer(referrer, set_id)
        return t if t and t["State"].startswith("complete") else None
    return wait_for(complete, timeout, "transfer %s to complete at the receiver" % set_id)


def mails_on_wire(hospital, set_id):
    """How many messages the SMTP server accepted for the transfer (fragments count one each)."""
    outbox = hospital.get("/dicom-mail/outbox/" + set_id)
    return sum(max(1, m["Fragments"]) for m in outbox["Mails"])


def assert_study_arrived_once(hospital, referrer, set_id, expected_instances):
    sent = sop_uids(hospital)
    received = sop_uids(referrer)
    assert len(sent) == expected_instances
    assert set(received) == set(sent), "instances missing or foreign at the receiver"
    assert all(n == 1 for n in received.values()), "an instance is duplicated at the receiver"
    transfer = referrer.get("/dicom-mail/inbox/" + set_id)
    assert transfer["InstancesFailed"] == 0, transfer
    # A mail imported again after a crash counts as "already stored", never twice as imported.
    assert transfer["InstancesImported"] + transfer["InstancesAlreadyStored"] == expected_instances, transfer
    return transfer


def start_ten_kill_transfer(sites, tmp_path, seed):
    """Two paired sites and a send of enough mails that ten kills, each a restart apart, come before the last
    one is imported. Returns (hospital, referrer, instance paths, the send's answer)."""
    hospital = sites("hospital")
    referrer = sites("referrer", incoming={"PollInterval": 1})
    pair(hospital, "hospital", referrer, "referrer")
    limit_mail_size(hospital, referrer, 1000000)
    paths = upload_study(hospital, tmp_path, seed=seed, slices=64, series=1, multiframe_mb=2)
    return hospital, referrer, paths, send(hospital, "referrer")


def kill_ten_times(server, progress, unfinished, seed):
    """Kills `server` (SIGKILL) and starts it again, ten times. Each kill comes at a random moment, but at the
    latest shortly after `progress()` grew: the work cannot run away from the kills, whatever the machine's speed.
    Returns how many kills found `unfinished()` true, i.e. came while there was work left."""
    rng = random.Random(seed)
    count = 0
    for _ in range(10):
        before = progress()
        deadline = time.monotonic() + rng.uniform(0.3, 2.0)
        while time.monotonic() < deadline:
            if progress() > before:
                time.sleep(rng.uniform(0, 0.4))
                break
            time.sleep(0.05)
        if unfinished():
            count += 1
        server.kill()
        server.start()
    return count


def wait_no_leftovers(hospital, set_id, work):
    """Both sites write acknowledgements (composed, fetched) into their work directories: only once every mail
    is acknowledged is a temporary file there a leftover. One of a killed run would stay: only the next start-up
    removes it."""
    wait_for(lambda: hospital.get("/dicom-mail/outbox/" + set_id)["State"] == "acknowledged", 120,
             "every mail to be acknowledged")
    wait_for(lambda: not [f for f in os.listdir(work) if f.startswith("dm-")], 30,
             "no temporary file in %s (now %r)" % (work, os.listdir(work)))


def wait_job_final(server, job_id, timeout):
    return server.wait_job(job_id, timeout=timeout)


# ---------------------------------------------------------------------------------------------------- SMTP refusals

def test_wrong_smtp_password_fails_with_the_servers_reply(sites, tmp_path):
    wrong = "Wrong-Smtp-Password-3141"
    hospital = sites("hospital", smtp={"Password": wrong, "MaxRetries": 2, "RetryDelay": 1})
    partner = gpg_partner(hospital, "clinic", "clinic@clinic.test")
    try:
        upload_small_study(hospital, tmp_path)
        answer = send(hospital, "clinic")
        job = wait_job_final(hospital, answer["ID"], 60)
    finally:
        partner.close()
    assert job["State"] == "Failure", job
    reason = job["Content"].get("Reason", "")
    assert "535" in reason and "authentication" in reason.lower(), reason
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert outbox["State"] == "failed", outbox
    assert "535" in outbox["Reason"], outbox
    assert outbox["Mails"][0]["State"] == "failed" and "535" in outbox["Mails"][0]["Reason"], outbox
    # A refused login is permanent: retrying with the same password cannot help.
    assert "temporary SMTP failure" not in hospital.log_text(), "a 535 was retried"
    status = {a["Name"]: a for a in hospital.get("/dicom-mail/status")["Accounts"]}
    assert status["smtp"]["State"] == "error" and "535" in status["smtp"]["Message"], status
    for where, text in (("log", hospital.log_text()), ("job", str(job)), ("outbox", str(outbox)),
                        ("status", str(status))):
        assert wrong not in text, "the SMTP password appears in the " + where


def test_recipient_refused_by_the_server(sites, tmp_path):
    hospital = sites("hospital")
    partner = gpg_partner(hospital, "nobody", "nobody@referrer.test")   # not a mailbox of the stack
    try:
        upload_small_study(hospital, tmp_path)
        answer = send(hospital, "nobody")
        job = wait_job_final(hospital, answer["ID"], 60)
    finally:
        partner.close()
    assert job["State"] == "Failure", job
    reason = job["Content"].get("Reason", "")
    assert "550" in reason and "nobody@referrer.test" in reason, reason
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert outbox["State"] == "failed" and "550" in outbox["Reason"], outbox
    assert "temporary SMTP failure" not in hospital.log_text(), "a 550 was retried"


def test_unknown_partner_is_404_without_job(sites, tmp_path):
    hospital = sites("hospital")
    upload_small_study(hospital, tmp_path)
    jobs = hospital.get("/jobs")
    r = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "ghost"}, raw=True)
    assert r.status_code == 404 and "ghost" in r.text, r.text
    assert hospital.get("/jobs") == jobs
    assert hospital.get("/dicom-mail/outbox") == []


# ---------------------------------------------------------------------------------------------------- SMTP outages

def test_smtp_down_retries_then_fails_readably(sites, mailstack, smtp_restarted, tmp_path):
    hospital = sites("hospital", smtp={"MaxRetries": 2, "RetryDelay": 1})
    partner = gpg_partner(hospital, "clinic", "clinic@clinic.test")
    try:
        upload_small_study(hospital, tmp_path)
        stop_smtp(mailstack)
        begin = time.monotonic()
        answer = send(hospital, "clinic")
        job = wait_job_final(hospital, answer["ID"], 60)
        elapsed = time.monotonic() - begin
    finally:
        partner.close()
    assert job["State"] == "Failure", job
    reason = job["Content"].get("Reason", "")
    assert "after 3 attempts" in reason, reason               # MaxRetries 2: three attempts in all
    assert re.search(r"connect|refused", reason, re.I), reason  # says what went wrong
    assert elapsed >= 3, "backoff 1 s + 2 s was not waited (%.1f s)" % elapsed
    assert hospital.log_text().count("temporary SMTP failure, retrying") == 2
    outbox = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
    assert outbox["State"] == "failed" and outbox["Reason"] == reason, outbox


def test_smtp_stopped_mid_transfer_then_back_completes(sites, mailstack, smtp_restarted, tmp_path):
    hospital = sites("hospital", smtp={"MaxRetries": 6, "RetryDelay": 1})
    referrer = sites("referrer", incoming={"PollInterval": 1})
    pair(hospital, "hospital", referrer, "referrer")
    limit_mail_size(hospital, referrer, 1000000)
    paths = upload_study(hospital, tmp_path, seed=21, slices=12, series=1)
    answer = send(hospital, "referrer")
    set_id = answer["SetId"]

    def some_sent():
        outbox = hospital.get("/dicom-mail/outbox/" + set_id)
        return outbox if sum(m["State"] == "sent" for m in outbox["Mails"]) >= 1 else None
    wait_for(some_sent, 120, "the first mail to be sent", interval=0.05)
    stop_smtp(mailstack)
    outbox = hospital.get("/dicom-mail/outbox/" + set_id)
    unsent = [m["Part"] for m in outbox["Mails"] if m["State"] != "sent"]
    assert unsent, "the whole transfer was sent before Postfix stopped: no outage was tested"
    wait_for(lambda: "temporary SMTP failure, retrying" in hospital.log_text(), 30, "a retry")
    time.sleep(2)
    start_smtp(mailstack)

    job = wait_job_final(hospital, answer["ID"], 180)
    assert job["State"] == "Success", job
    outbox = hospital.get("/dicom-mail/outbox/" + set_id)
    assert all(m["State"] in ("sent", "acknowledged") or m["Acknowledgement"] for m in outbox["Mails"]), outbox
    assert outbox["State"] in ("sent", "acknowledged"), outbox
    wait_received(referrer, set_id, 180)
    assert_study_arrived_once(hospital, referrer, set_id, len(paths))


# ---------------------------------------------------------------------------------------------------- Orthanc killed

def test_sending_orthanc_killed_resumes_the_job(sites, tmp_path):
    hospital = sites("hospital")
    referrer = sites("referrer", incoming={"PollInterval": 1})
    pair(hospital, "hospital", referrer, "referrer")
    limit_mail_size(hospital, referrer, 1000000)
    paths = upload_study(hospital, tmp_path, seed=31, slices=12, series=1)
    answer = send(hospital, "referrer")
    set_id, job_id = answer["SetId"], answer["ID"]

    def two_sent():
        outbox = hospital.get("/dicom-mail/outbox/" + set_id)
        return outbox if sum(m["State"] == "sent" for m in outbox["Mails"]) >= 2 else None
    before = wait_for(two_sent, 120, "two mails to be sent", interval=0.05)
    hospital.kill()
    sent_before = sum(m["State"] == "sent" for m in before["Mails"])
    assert sent_before < before["TotalMails"], "the job ended before the kill: nothing to resume"

    hospital.start()
    assert job_id in hospital.get("/jobs"), "Orthanc did not reload the send job after the restart"
    reloaded = hospital.get("/jobs/" + job_id)
    assert reloaded["Type"] == "DicomMailSend", reloaded
    job = wait_job_final(hospital, job_id, 240)
    assert job["State"] == "Success", job
    outbox = hospital.get("/dicom-mail/outbox/" + set_id)
    assert outbox["State"] in ("sent", "acknowledged", "warning"), outbox
    # Mails the server had accepted before the kill were not sent again.
    parts_sent_before = {m["Part"] for m in before["Mails"] if m["State"] == "sent"}
    for m in outbox["Mails"]:
        if m["Part"] in parts_sent_before:
            assert m["Attempts"] == 1, m
    wait_received(referrer, set_id, 240)
    assert_study_arrived_once(hospital, referrer, set_id, len(paths))


def test_receiving_orthanc_killed_ten_times(sites, mail, tmp_path):
    hospital, referrer, paths, answer = start_ten_kill_transfer(sites, tmp_path, seed=41)
    set_id = answer["SetId"]
    work = os.path.join(ROOT, "referrer", "work")

    def mails_received():
        t = inbox_transfer(referrer, set_id)
        return t["MailsReceived"] if t else 0

    def incomplete():
        t = inbox_transfer(referrer, set_id)
        return not (t and t["State"].startswith("complete"))

    incomplete_at_kill = kill_ten_times(referrer, mails_received, incomplete, seed=4711)
    assert incomplete_at_kill >= 8, "the kills came after the transfer had completed: nothing was tested"

    job = wait_job_final(hospital, answer["ID"], 240)
    assert job["State"] == "Success", job
    wait_received(referrer, set_id, 240)
    assert_study_arrived_once(hospital, referrer, set_id, len(paths))
    # No mail lost: every message the SMTP server accepted ended in Processed; none left in INBOX or Rejected.
    expected = mails_on_wire(hospital, set_id)
    wait_for(lambda: mail.count(REFERRER, "Processed") == expected, 60,
             "%d mails in Processed (now %d)" % (expected, mail.count(REFERRER, "Processed")))
    assert mail.count(REFERRER, "INBOX") == 0
    assert "Rejected" not in mail.folders(REFERRER) or mail.count(REFERRER, "Rejected") == 0
    # The last mail's acknowledgement is composed in the work directory after the mail reached Processed.
    wait_no_leftovers(hospital, set_id, work)


def test_sending_orthanc_killed_ten_times(sites, mail, tmp_path):
    """The sending side's counterpart of the receiving kill test (#15): the sending Orthanc is killed ten times
    while its gpg processes sign and encrypt and while it checks the acknowledgements. The job resumes each time;
    the study arrives once, no mail the server accepted before a kill is sent again, no temporary file is left."""
    hospital, referrer, paths, answer = start_ten_kill_transfer(sites, tmp_path, seed=43)
    set_id, job_id = answer["SetId"], answer["ID"]
    work = os.path.join(ROOT, "hospital", "work")

    def outbox_mails():
        try:
            return hospital.get("/dicom-mail/outbox/" + set_id)["Mails"]
        except Exception:
            return []   # not planned yet

    accepted = ("sent", "acknowledged", "warning")

    def mails_sent():
        return sum(m["State"] in accepted for m in outbox_mails())

    # Part -> its attempts when it was first seen sent. Attempts cut short by an earlier kill count too, so
    # "never sent again" means that the number does not grow afterwards.
    attempts_when_sent = {}

    def unfinished():
        mails = outbox_mails()
        for m in mails:
            if m["State"] in accepted:
                attempts_when_sent.setdefault(m["Part"], m["Attempts"])
        return not mails or any(m["State"] not in accepted for m in mails)

    unfinished_at_kill = kill_ten_times(hospital, mails_sent, unfinished, seed=4712)
    assert unfinished_at_kill >= 8, "the kills came after every mail was sent: nothing was tested"

    job = wait_job_final(hospital, job_id, 240)
    assert job["State"] == "Success", job
    wait_received(referrer, set_id, 240)
    assert_study_arrived_once(hospital, referrer, set_id, len(paths))
    assert attempts_when_sent, "no mail was sent before a kill"
    for m in hospital.get("/dicom-mail/outbox/" + set_id)["Mails"]:
        if m["Part"] in attempts_when_sent:
            assert m["Attempts"] == attempts_when_sent[m["Part"]], \
                "part %d was listed as sent before a kill and sent again: %r" % (m["Part"], m)
    # The hospital fetches the acknowledgements into its work directory too.
    wait_no_leftovers(hospital, set_id, work)


def test_crash_before_the_inbox_commit(sites, mail, tmp_path):
    """The mail record and its transfer are written in one SQLite transaction, so a SIGKILL in
    InboxPoller::HandleDicomMail leaves either both or neither. Random kills rarely hit that moment, so
    the test builds the state a kill before the commit leaves (instances already in Orthanc, no mail or
    transfer record, nothing marked seen, the mail still in INBOX) and checks that the next poll repairs
    it: the transfer is listed complete and no instance is duplicated."""
    hospital = sites("hospital")
    referrer = sites("referrer", incoming={"PollInterval": 3600})
    pair(hospital, "hospital", referrer, "referrer")
    paths = upload_small_study(hospital, tmp_path)
    answer = send(hospital, "referrer")
    set_id = answer["SetId"]
    assert wait_job_final(hospital, answer["ID"], 120)["State"] == "Success"
    mail.wait_count(REFERRER, 1, timeout=60)
    referrer.post("/dicom-mail/fetch", {})
    wait_received(referrer, set_id, 60)
    referrer.kill()

    with sqlite3.connect(os.path.join(ROOT, "referrer", "dicom-mail.db")) as db:
        assert db.execute("SELECT count(*) FROM inbox_mails WHERE set_id = ? AND state = 'imported'",
                          (set_id,)).fetchone()[0] == 1
        db.execute("DELETE FROM inbox_mails WHERE set_id = ?", (set_id,))
        db.execute("DELETE FROM inbox_transfers WHERE set_id = ?", (set_id,))
        db.execute("DELETE FROM seen_messages")
    for _, raw in mail.fetch_all(REFERRER, "Processed"):
        mail.append(REFERRER, raw)
    mail.delete_all(REFERRER, "Processed")

    referrer.start()
    referrer.post("/dicom-mail/fetch", {})
    assert mail.count(REFERRER, "INBOX") == 0
    transfer = inbox_transfer(referrer, set_id)
    assert transfer is not None, "the transfer is missing from /dicom-mail/inbox although its study was imported"
    assert transfer["State"].startswith("complete"), transfer
    assert transfer["InstancesImported"] + transfer["InstancesAlreadyStored"] == len(paths), transfer
    assert_study_arrived_once(hospital, referrer, set_id, len(paths))


# ---------------------------------------------------------------------------------------------------- IMAP cut

def test_imap_connection_cut_during_fetch(sites, mailstack, mail, tmp_path):
    hospital = sites("hospital")
    # A long poll interval: the test wakes the poller itself.
    referrer = sites("referrer", incoming={"PollInterval": 3600})
    pair(hospital, "hospital", referrer, "referrer")
    limit_mail_size(hospital, referrer, 100000000)
    paths = upload_study(hospital, tmp_path, seed=51, slices=1, series=1, multiframe_mb=30)
    answer = send(hospital, "referrer")
    set_id = answer["SetId"]
    assert wait_job_final(hospital, answer["ID"], 180)["State"] == "Success"
    assert mails_on_wire(hospital, set_id) == 1, "the study should travel as one large mail"
    mail.wait_count(REFERRER, 1, timeout=60)
    work = os.path.join(ROOT, "referrer", "work")

    def fetching():
        # The poller streams the mail into dm-*.eml in its working directory.
        sizes = {f: os.path.getsize(os.path.join(work, f)) for f in os.listdir(work) if f.endswith(".eml")}
        return any(size > 0 for size in sizes.values())

    poll = threading.Thread(target=lambda: referrer.post("/dicom-mail/fetch", {}, raw=True))
    poll.start()
    try:
        wait_for(fetching, 30, "the poller to start fetching", interval=0.005)
        cut = kill_pids(imap_processes(mailstack["dir"], REFERRER))
    finally:
        poll.join()
    assert cut, "no IMAP connection of the receiver was found to cut"
    assert re.search(r'polling mailbox "inbox" failed: IMAP fetch .*(lost|closed|reset)', referrer.log_text()), \
        "the cut did not break a fetch"
    assert inbox_transfer(referrer, set_id) is None, "the mail was imported although its fetch was cut"
    assert mail.count(REFERRER, "INBOX") == 1, "the mail whose fetch was cut left the INBOX"
    assert [f for f in os.listdir(work) if f.startswith("dm-")] == [], "the partial download was left behind"

    referrer.post("/dicom-mail/fetch", {})
    transfer = wait_received(referrer, set_id, 120)
    assert transfer["State"] == "complete", transfer
    assert_study_arrived_once(hospital, referrer, set_id, len(paths))
    assert mail.count(REFERRER, "INBOX") == 0
    status = {a["Name"]: a for a in referrer.get("/dicom-mail/status")["Accounts"]}
    assert status["inbox"]["State"] == "ok", status


# ---------------------------------------------------------------------------------------------------- disk full

def test_working_directory_full_keeps_the_mail(sites, mailstack, mail, tmp_path):
    small = os.path.join(ROOT, "small-work")
    tmpfs = SmallTmpfs(small, "2m")
    referrer = None
    try:
        hospital = sites("hospital")
        referrer = sites("referrer", incoming={"PollInterval": 3600}, WorkingDirectory=small,
                         Limits={"MinFreeDiskMB": 10})
        pair(hospital, "hospital", referrer, "referrer")
        paths = upload_study(hospital, tmp_path, seed=61, slices=10, series=1)   # one mail of ~5 MB
        answer = send(hospital, "referrer")
        set_id = answer["SetId"]
        assert wait_job_final(hospital, answer["ID"], 120)["State"] == "Success"
        mail.wait_count(REFERRER, 1, timeout=60)

        summary = referrer.post("/dicom-mail/fetch", {})
        errors = " ".join(str(s.get("Error", "")) for s in summary)
        assert re.search(r"no space|disk|full", errors, re.I), summary
        status = {a["Name"]: a for a in referrer.get("/dicom-mail/status")["Accounts"]}
        assert status["inbox"]["State"] == "error", status
        assert re.search(r"no space|disk|full", status["inbox"]["Message"], re.I), status
        assert small in status["inbox"]["Message"] or "working directory" in status["inbox"]["Message"].lower(), \
            "the error does not say where space is missing: " + status["inbox"]["Message"]
        assert mail.count(REFERRER, "INBOX") == 1, "the mail left the INBOX although it was not imported"
        assert inbox_transfer(referrer, set_id) is None
        assert [f for f in os.listdir(small) if f.startswith("dm-")] == [], "a partial temporary file was left"

        tmpfs.resize("400m")   # room for the reserve and the decryption budget (DecompressionFloorBytes)
        referrer.post("/dicom-mail/fetch", {})
        wait_received(referrer, set_id, 60)
        assert_study_arrived_once(hospital, referrer, set_id, len(paths))
        assert mail.count(REFERRER, "INBOX") == 0
        status = {a["Name"]: a for a in referrer.get("/dicom-mail/status")["Accounts"]}
        assert status["inbox"]["State"] == "ok", status
    finally:
        if referrer is not None:
            referrer.stop()   # let go of the mount before it goes
        tmpfs.close()
