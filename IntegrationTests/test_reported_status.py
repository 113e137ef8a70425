# SPDX-License-Identifier: GPL-3.0-or-later
"""What the plugin reports is true (#16): after a transfer, the receiving site's SMTP account shows that the
acknowledgements went out through it, and the sending site lists the acknowledgements it took from its mailbox with
its other received mail, marked as acknowledgements."""
import generate_study
from fault_tools import wait_for


def smtp_account(server):
    return {a["Name"]: a for a in server.get("/dicom-mail/status")["Accounts"]}["smtp"]


def test_status_and_mails_tell_what_happened(paired, tmp_path):
    hospital, referrer = paired
    assert smtp_account(referrer)["State"] == "never-contacted"
    assert hospital.get("/dicom-mail/mails") == []

    # Several mails (about 4 MB in mails of at most 3 MB), so that several acknowledgements come back.
    hospital.put("/dicom-mail/partners/referrer", {
        "Addresses": ["referrer@referrer.test"], "MaxMailSize": 3000000,
        "Fingerprint": referrer.get("/dicom-mail/keys/site")["Fingerprint"]})
    for path in generate_study.generate_study(str(tmp_path), seed=5, slices=8, series=1):
        with open(path, "rb") as f:
            hospital.upload_dicom(f.read())
    answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
    assert hospital.wait_job(answer["ID"], timeout=300)["State"] == "Success"
    set_id = answer["SetId"]
    mails = len(hospital.get("/dicom-mail/outbox/" + set_id)["Mails"])
    assert mails >= 2

    def complete():
        referrer.post("/dicom-mail/fetch", {})
        t = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}.get(set_id)
        return t and t["State"].startswith("complete")
    wait_for(complete, 300, "the transfer to complete at the receiver")

    def acknowledged():
        hospital.post("/dicom-mail/fetch", {})
        return hospital.get("/dicom-mail/outbox/" + set_id)["State"] == "acknowledged"
    wait_for(acknowledged, 120, "the acknowledgements to reach the sender")

    # The receiver sent its acknowledgements through its SMTP account: the account says so.
    def smtp_used():
        account = smtp_account(referrer)
        return account if account["State"] != "never-contacted" else None
    account = wait_for(smtp_used, 30, "the receiver's SMTP account to report the acknowledgements sent")
    assert account["State"] == "ok", account
    assert account["LastSuccess"] is not None, account
    assert referrer.get("/dicom-mail/status")["SentAcknowledgements"] >= mails

    # The sender lists every acknowledgement it took from its mailbox, as an acknowledgement.
    listed = hospital.get("/dicom-mail/mails")
    assert len(listed) == mails, listed
    assert all(m["Acknowledgement"] for m in listed), listed
    assert all(m["State"] == "accepted" and m["SetId"] == set_id for m in listed), listed
    assert sorted(m["Part"] for m in listed) == list(range(1, mails + 1)), listed
    assert all(m["Disposition"].endswith("displayed") for m in listed), listed
    assert all(m["Account"] and m["MessageId"] for m in listed), listed
    assert hospital.get("/dicom-mail/mails?state=accepted") == listed

    # The receiver's own list holds the DICOM-Mails, none of them an acknowledgement.
    received = [m for m in referrer.get("/dicom-mail/mails") if m["SetId"] == set_id]
    assert len(received) == mails, received
    assert not any(m["Acknowledgement"] for m in received), received
