# SPDX-License-Identifier: GPL-3.0-or-later
"""German names on the wire (issue #26): a site and a partner named in UTF-8 with commas, quotes and
parentheses. Every header we write is 7-bit, and Python's email package, mutt and the REST API all show
the names exactly as configured."""
import email
import email.policy
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT, SITES, make_server, pair, site_config
from mail_client import MailStack
import generate_study
import sample_files
from test_send_receive import transfer_round_trip, wait_for

SOUTH = "Klinikum Süd, Radiologie"
COLOGNE = "Praxis Dr. Müller & Partner (Köln)"
HOSPITAL_MAIL = SITES["hospital"][2]
REFERRER_MAIL = SITES["referrer"][2]


@pytest.fixture
def named_sites(mailstack):
    mail = MailStack(mailstack["dir"])
    for user in (HOSPITAL_MAIL, REFERRER_MAIL):
        for folder in mail.folders(user):
            mail.delete_all(user, folder)
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, SiteName=SOUTH))
    referrer = make_server("referrer", mailstack, site_config("referrer", mailstack, SiteName=COLOGNE))
    hospital.start()
    referrer.start()
    try:
        pair(hospital, "hospital", referrer, "referrer")
        referrer_key = referrer.get("/dicom-mail/keys/site")["Fingerprint"]
        hospital_key = hospital.get("/dicom-mail/keys/site")["Fingerprint"]
        # A mail limit small enough for the 8 MB instance to go as message/partial.
        hospital.put("/dicom-mail/partners/referrer", {"Addresses": [REFERRER_MAIL], "Fingerprint": referrer_key,
                                                       "MaxMailSize": 3000000, "DisplayName": COLOGNE})
        referrer.put("/dicom-mail/partners/hospital", {"Addresses": [HOSPITAL_MAIL], "Fingerprint": hospital_key,
                                                       "DisplayName": SOUTH})
        yield hospital, referrer, mail
    finally:
        hospital.stop()
        referrer.stop()


def every_mail(mail, user):
    """Raw bytes of every mail the user has, in any folder (the pollers move what they processed)."""
    return [raw for folder in mail.folders(user) for (_, raw) in mail.fetch_all(user, folder)]


def header_block(raw):
    return raw[:raw.index(b"\r\n\r\n") + 2]


def display_names(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return ({a.addr_spec: a.display_name for a in msg["From"].addresses},
            {a.addr_spec: a.display_name for a in msg["To"].addresses})


def names_by_mutt(raw, workdir):
    """mutt's rendering of the mail's From and To lines. mutt needs a terminal even to pipe a message:
    script(1) gives it one. The body is left out: mutt is not set up for PGP, the headers are the point."""
    mbox = os.path.join(workdir, "mail.mbox")
    out = os.path.join(workdir, "rendered.txt")
    rc = os.path.join(workdir, "muttrc")
    headers = b"".join(line + b"\n" for line in header_block(raw).split(b"\r\n")
                       if line and not line.lower().startswith(b"content-"))
    with open(mbox, "wb") as f:
        f.write(b"From dicom-mail@test Thu Jan  1 00:00:00 2026\n" + headers +
                b"Content-Type: text/plain; charset=us-ascii\n\n(body left out)\n\n")
    with open(rc, "w") as f:
        f.write("set charset=utf-8\nset pipe_decode=yes\nset wait_key=no\nset quit=yes\nset weed=no\n"
                "set mbox_type=mbox\n")
    if os.path.exists(out):
        os.remove(out)
    command = "mutt -n -F %s -R -f %s -e 'push \"<pipe-message>cat > %s<enter><exit>\"'" % (rc, mbox, out)
    # stdin stays open and silent: script(1) passes the end of its input on to mutt's terminal, and under
    # pytest-xdist mutt then hung in 2 runs of 2 (60 s timeout); with stdin open it passed 3 of 3.
    with subprocess.Popen(["script", "-qec", command, "/dev/null"], stdin=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, env=dict(os.environ, LANG="C.UTF-8", TERM="xterm")) as mutt:
        try:
            assert mutt.wait(timeout=60) == 0, "mutt under script(1) failed"
        finally:
            mutt.kill()
    with open(out, encoding="utf-8") as f:
        rendered = f.read()
    lines = {}
    for line in rendered.splitlines():
        m = re.match(r"(From|To): (.*)$", line)
        if m:
            lines[m.group(1)] = m.group(2)
    return lines


def send_back(referrer, hospital):
    """referrer answers with a small study of its own, so both sides have an inbox and an outbox."""
    hospital_before = {t["SetId"] for t in hospital.get("/dicom-mail/inbox")}
    with open(sample_files.ct_small(), "rb") as f:
        referrer.upload_dicom(f.read())
    answer = referrer.post("/dicom-mail/send", {"Resources": referrer.get("/studies"), "Partner": "hospital"})
    assert referrer.wait_job(answer["ID"], timeout=120)["State"] == "Success"

    def complete():
        hospital.post("/dicom-mail/fetch", {})
        inbox = {t["SetId"]: t for t in hospital.get("/dicom-mail/inbox") if t["SetId"] not in hospital_before}
        t = inbox.get(answer["SetId"])
        return t if t and t["State"].startswith("complete") else None
    wait_for(complete, 120, "the answer to reach the hospital")

    def acknowledged():
        referrer.post("/dicom-mail/fetch", {})
        t = referrer.get("/dicom-mail/outbox/" + answer["SetId"])
        return t if t["State"] == "acknowledged" else None
    wait_for(acknowledged, 120, "the answer's acknowledgement")
    return answer["SetId"]


def test_names_survive_the_wire(named_sites, tmp_path):
    hospital, referrer, mail = named_sites

    # The names as configured, and the site keys' user ids that gpg and GPGME still read.
    assert hospital.get("/dicom-mail/partners/referrer")["DisplayName"] == COLOGNE
    assert referrer.get("/dicom-mail/partners/hospital")["DisplayName"] == SOUTH
    for server, name, address in ((hospital, SOUTH, HOSPITAL_MAIL), (referrer, COLOGNE, REFERRER_MAIL)):
        user_ids = server.get("/dicom-mail/keys/site")["UserIds"]
        assert [u["UserId"] for u in user_ids] == ["%s <%s>" % (name, address)]
        assert user_ids[0]["Email"] == address

    # (a) a transfer that needs message/partial, end to end with acknowledgements
    paths = generate_study.generate_study(str(tmp_path), seed=26, slices=4, series=1, multiframe_mb=8)
    set_id, received, outbox = transfer_round_trip(hospital, referrer, paths)
    assert any(m["Fragments"] > 1 for m in outbox["Mails"]), "the 8 MB instance must go as message/partial"
    assert received["InstancesImported"] == len(paths)
    answer_set_id = send_back(referrer, hospital)

    mails = {REFERRER_MAIL: every_mail(mail, REFERRER_MAIL), HOSPITAL_MAIL: every_mail(mail, HOSPITAL_MAIL)}
    fragments = [raw for raw in mails[REFERRER_MAIL] if b"message/partial" in header_block(raw)]
    mdns = [raw for user in mails for raw in mails[user] if b"Auto-Submitted: auto-replied" in header_block(raw)]
    assert len(fragments) > 1 and len(mdns) >= 2

    names = {HOSPITAL_MAIL: SOUTH, REFERRER_MAIL: COLOGNE}
    workdir = tempfile.mkdtemp(dir=ROOT)
    try:
        for user, raws in mails.items():
            for raw in raws:
                block = header_block(raw)
                # (b) every header line is 7-bit
                for line in block.split(b"\r\n"):
                    assert all(b < 0x80 for b in line), "8-bit header line in a mail to %s: %r" % (user, line)
                # (c) Python's email package reads the names back exactly
                senders, recipients = display_names(raw)
                for address, display in list(senders.items()) + list(recipients.items()):
                    assert display == names[address], (address, display, block)
                # (d) so does mutt
                rendered = names_by_mutt(raw, workdir)
                for field, parsed in (("From", senders), ("To", recipients)):
                    for address in parsed:
                        expected = '"%s" <%s>' % (names[address], address)
                        assert rendered[field] == expected, (field, rendered, block)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    # (e) REST on both sides names the partner; the per-mail list shows the decoded From name
    for server, outgoing, incoming, partner_name in ((hospital, set_id, answer_set_id, COLOGNE),
                                                     (referrer, answer_set_id, set_id, SOUTH)):
        sent = server.get("/dicom-mail/outbox/" + outgoing)
        assert sent["PartnerName"] == partner_name
        assert [t["PartnerName"] for t in server.get("/dicom-mail/outbox") if t["SetId"] == outgoing] == [partner_name]
        got = server.get("/dicom-mail/inbox/" + incoming)
        assert got["PartnerName"] == (SOUTH if server is referrer else COLOGNE)
        assert [t["PartnerName"] for t in server.get("/dicom-mail/inbox") if t["SetId"] == incoming] == \
            [got["PartnerName"]]
        assert got["Mails"]
    from_names = {m["FromName"] for m in referrer.get("/dicom-mail/mails") if m["SetId"] == set_id}
    assert from_names == {SOUTH}
    assert {m["FromName"] for m in hospital.get("/dicom-mail/inbox/" + answer_set_id)["Mails"]} == {COLOGNE}


def test_unrepresentable_names_are_refused(mailstack):
    server = make_server("hospital", mailstack, site_config("hospital", mailstack, SiteName="Klinikum\u0007Süd"))
    code, log = server.start_expecting_failure()
    assert code != 0 and "DicomMail.SiteName" in log, log

    server = make_server("hospital", mailstack, site_config("hospital", mailstack, SiteName='Klinikum "Süd"'))
    server.start()
    try:
        r = server.put("/dicom-mail/partners/koeln", {"Addresses": ["a@koeln.test"], "DisplayName": "a\r\nBcc: x"},
                       raw=True)
        assert r.status_code == 400 and "DisplayName" in r.json()["Message"], r.text
        r = server.put("/dicom-mail/partners/Praxis%20K%C3%B6ln", {"Addresses": ["a@koeln.test"]}, raw=True)
        assert r.status_code == 400, r.text
        assert server.put("/dicom-mail/partners/koeln", {"Addresses": ["a@koeln.test"]})["DisplayName"] == "koeln"
    finally:
        server.stop()
