#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-check of the integration-test harness: starts the mail stack and a plain Orthanc (no plugin), sends and
fetches mail, exercises the Orthanc REST helpers, then stops everything. Exit code 0 on success.

Usage: /usr/bin/python3 selfcheck.py [WORKDIR]   (default: a fresh temporary directory, removed afterwards)
"""

import io
import os
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from mail_client import MailStack, MailboxError, make_message  # noqa: E402
from orthanc_server import OrthancError, OrthancServer, free_port, start_expecting_failure  # noqa: E402

MAILSTACK = os.path.join(HERE, "mailstack.sh")


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok:", what)


def tiny_dicom(patient_id):
    """A minimal valid DICOM instance (8x8 pixels), built with pydicom."""
    import numpy
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientID = patient_id
    ds.PatientName = "Selfcheck^Harness"
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "OT"
    ds.Rows = ds.Columns = 8
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = numpy.arange(64, dtype=numpy.uint8).tobytes()
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def check_mail(stack):
    token = uuid.uuid4().hex
    stack.delete_all("referrer@referrer.test")
    raw = make_message("hospital@hospital.test", "referrer@referrer.test", "selfcheck " + token, "body " + token)
    t0 = time.monotonic()
    refused = stack.send(raw, "hospital@hospital.test", ["referrer@referrer.test"])
    check(refused == {}, "SMTP STARTTLS+AUTH send accepted")
    messages = stack.wait_messages("referrer@referrer.test", 1, timeout=20)
    print("   delivered in %.2f s" % (time.monotonic() - t0))
    check(len(messages) == 1 and ("body " + token).encode() in messages[0][1], "IMAPS fetch of the sent message")
    uid = messages[0][0]
    check("\\Seen" not in stack.flags("referrer@referrer.test", uid), "fetch leaves the message unseen")

    stack.send(raw, "hospital@hospital.test", "referrer@referrer.test", implicit_tls=True)
    stack.wait_count("referrer@referrer.test", 2)
    check(True, "SMTPS (implicit TLS) send delivered")

    pop = stack.pop3_list("referrer@referrer.test")
    check(len(pop) == 2, "POP3S lists 2 messages")
    check(("body " + token).encode() in stack.pop3_retrieve("referrer@referrer.test", 1), "POP3S RETR")

    appended = stack.append("clinic@clinic.test", make_message("x@elsewhere.test", "clinic@clinic.test",
                                                                 "appended " + token, "appended body"))
    check(appended is not None and any(u == appended for u in stack.list_uids("clinic@clinic.test")),
          "IMAP APPEND returns the new UID")

    if "Processed" not in stack.folders("referrer@referrer.test"):
        stack.create_folder("referrer@referrer.test", "Processed")
    check("Processed" in stack.folders("referrer@referrer.test"), "IMAP CREATE Processed")

    stack.delete("referrer@referrer.test", uid)
    check(stack.count("referrer@referrer.test") == 1, "IMAP delete by UID")
    stack.delete_all("referrer@referrer.test")
    stack.delete_all("clinic@clinic.test")
    check(stack.count("referrer@referrer.test") == 0, "IMAP delete_all")

    # Without AUTH the recipient is refused (permit_sasl_authenticated, reject).
    conn = smtplib.SMTP("127.0.0.1", stack.smtp_port, local_hostname="harness.test", timeout=30)
    try:
        conn.starttls(context=stack.ssl_context())
        conn.ehlo("harness.test")
        try:
            conn.sendmail("hospital@hospital.test", ["referrer@referrer.test"], raw)
            refused_without_auth = False
        except smtplib.SMTPRecipientsRefused:
            refused_without_auth = True
    finally:
        conn.quit()
    check(refused_without_auth, "SMTP without AUTH refused")

    # Before STARTTLS no AUTH is offered (smtpd_tls_auth_only).
    conn = smtplib.SMTP("127.0.0.1", stack.smtp_port, local_hostname="harness.test", timeout=30)
    try:
        conn.ehlo("harness.test")
        check(conn.has_extn("starttls") and not conn.has_extn("auth"), "no AUTH before STARTTLS")
    finally:
        conn.quit()

    try:
        smtplib.SMTP_SSL("127.0.0.1", stack.smtps_port, context=stack.ssl_context(stack.other_ca), timeout=30)
        wrong_ca_failed = False
    except ssl.SSLCertVerificationError:
        wrong_ca_failed = True
    check(wrong_ca_failed, "TLS verification against other-ca.pem fails")

    try:
        stack.password("nobody@nowhere.test")
        unknown_user = False
    except MailboxError:
        unknown_user = True
    check(unknown_user, "unknown user rejected by the helper")


def check_orthanc(workdir):
    server = OrthancServer("selfcheck", os.path.join(workdir, "orthanc"), free_port(), free_port(),
                           plugin_path=None, dicom_mail_config={"Unused": True})
    t0 = time.monotonic()
    server.start()
    print("   Orthanc started in %.2f s" % (time.monotonic() - t0))
    try:
        check(server.get("/system")["Name"] == "selfcheck", "GET /system answers with our name")
        answer = server.upload_dicom(tiny_dicom("SELFCHECK-1"))
        check(answer["Status"] == "Success", "upload_dicom")
        check(len(server.get("/patients")) == 1, "one patient stored")
        r = server.get("/nonexistent", raw=True)
        check(r.status_code == 404, "raw=True returns the response")
        try:
            server.get("/instances/does-not-exist")
            http_error = False
        except OrthancError as e:
            http_error = "404" in str(e)
        check(http_error, "HTTP errors raise OrthancError with the status")
        study = server.get("/studies")[0]
        job = server.post("/studies/%s/modify" % study,
                          {"Replace": {"PatientName": "Modified^Name"}, "Asynchronous": True, "Force": True})
        final = server.wait_job(job["ID"], timeout=60)
        check(final["State"] == "Success", "wait_job returns the finished job")
        check(server.memory_rss_kb() > 1000, "memory_rss_kb reads /proc")
        server.restart()
        check(len(server.get("/studies")) == 2, "data survives restart()")
        server.reset()
        check(server.get("/patients") == [], "reset() deletes all patients")
        check("selfcheck" in server.log_text(), "log_text() holds the log")
        code = server.kill()
        check(code == -9 and not server.is_running(), "kill() sends SIGKILL")
        server.start()
        check(server.is_running(), "start after kill")
    finally:
        code = server.stop()
    check(code == 0, "stop() ends Orthanc cleanly (exit code %s)" % code)

    code, log = start_expecting_failure("badconfig", os.path.join(workdir, "orthanc-bad"), free_port(), free_port(),
                                        None, None, {"HttpPort": "not-a-number"}, timeout=30)
    check(code != 0 and log, "start_expecting_failure returns the exit code (%d) and log" % code)


def main():
    keep = len(sys.argv) > 1
    workdir = os.path.abspath(sys.argv[1]) if keep else tempfile.mkdtemp(prefix="dm-harness-")
    os.makedirs(workdir, exist_ok=True)
    os.chmod(workdir, 0o755)  # Postfix and Dovecot (unprivileged) must reach the stack directory inside
    stackdir = os.path.join(workdir, "mailstack")
    t0 = time.monotonic()
    subprocess.run([MAILSTACK, "start", stackdir], check=True)
    print("   mail stack started in %.2f s" % (time.monotonic() - t0))
    try:
        check(subprocess.run([MAILSTACK, "status", stackdir], stdout=subprocess.DEVNULL).returncode == 0,
              "mailstack status")
        stack = MailStack(stackdir)
        check_mail(stack)
        check_orthanc(workdir)
    finally:
        t0 = time.monotonic()
        subprocess.run([MAILSTACK, "stop", stackdir], check=True)
        print("   mail stack stopped in %.2f s" % (time.monotonic() - t0))
    check(subprocess.run([MAILSTACK, "status", stackdir], stdout=subprocess.DEVNULL).returncode != 0,
          "mailstack status after stop")
    if not keep:
        shutil.rmtree(workdir)
    print("selfcheck passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
