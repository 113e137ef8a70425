# SPDX-License-Identifier: GPL-3.0-or-later
"""The main job, on one machine: a study goes from Orthanc "hospital" to
Orthanc "referrer" by DICOM-Mail through a real local Postfix + Dovecot.

Usage: demo.py start | stop     (run by Resources/demo.sh, as root)
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "IntegrationTests", "harness"))
sys.path.insert(0, os.path.join(TOP, "IntegrationTests", "data"))

from orthanc_server import OrthancServer  # noqa: E402
import generate_study  # noqa: E402

ROOT = os.environ.get("DICOM_MAIL_DEMO_DIR", "/tmp/dicom-mail-demo")
BUILD = os.environ.get("DICOM_MAIL_BUILD_DIR", os.path.join(TOP, "build"))
MAILSTACK = os.path.join(TOP, "IntegrationTests", "harness", "mailstack.sh")
WEB_VIEWER = "/usr/share/orthanc/plugins/libOrthancWebViewer.so"
# Ports of its own: Debian's orthanc.service takes 8042 and 4242. The DICOM
# ports are only reserved (the demo's Orthancs run no DICOM server).
SITES = {"hospital": (8052, 4252, "hospital@hospital.test"),
         "referrer": (8053, 4253, "referrer@referrer.test")}


def step(text):
    print("==> " + text, flush=True)


def site(name, env):
    http, dicom, address = SITES[name]
    state = os.path.join(ROOT, name)
    config = {
        "SiteAddress": address,
        "SiteName": name.capitalize(),
        "StateDirectory": state,
        "GnupgHome": os.path.join(state, "g"),
        "AcknowledgementTimeout": 600,
        "Smtp": {"Url": "smtp://127.0.0.1:%s" % env["MAILSTACK_SMTP_PORT"], "User": address,
                 "Password": env["users"][address], "CaFile": env["MAILSTACK_CA"]},
        "Incoming": [{"Name": "inbox", "Url": "imaps://127.0.0.1:%s" % env["MAILSTACK_IMAPS_PORT"],
                      "User": address, "Password": env["users"][address], "CaFile": env["MAILSTACK_CA"],
                      "PollInterval": 5}],
    }
    # No authentication, so HTTP answers on loopback only, and no DICOM server.
    directory = os.path.join(ROOT, name + "-orthanc")
    plugin = os.path.join(BUILD, "libOrthancDicomMail.so")
    extra = {"RemoteAccessAllowed": False, "DicomServerEnabled": False}
    if os.path.exists(WEB_VIEWER):
        # Debian's orthanc-webviewer: the DICOM-Mail page links received studies to it.
        extra["Plugins"] = [plugin, WEB_VIEWER]
        extra["WebViewer"] = {"CachePath": os.path.join(directory, "web-viewer-cache")}
    return OrthancServer(name, directory, http, dicom, plugin, config, extra)


def check_ports():
    """Says which port is taken, and by what it likely is, before anything starts."""
    busy = []
    for name, (http, dicom, _) in SITES.items():
        for port in (http, dicom):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.settimeout(0.5)
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    busy.append("%d (%s)" % (port, name))
    if busy:
        raise SystemExit("port(s) %s already in use: another program listens there. The demo uses "
                         "8052/8053 (HTTP) and 4252/4253; Debian's orthanc.service uses 8042/4242 and does "
                         "not collide. Free the ports and run Resources/demo.sh again." % ", ".join(busy))


def wait_for(what, predicate, timeout=600):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for " + what)
        time.sleep(1)


def stop():
    for name in SITES:
        pid_file = os.path.join(ROOT, name + ".pid")
        if os.path.exists(pid_file):
            pid = int(open(pid_file).read())
            try:
                os.kill(pid, signal.SIGTERM)
                step("stopping Orthanc %s (pid %d)" % (name, pid))
                for _ in range(300):
                    os.kill(pid, 0)
                    time.sleep(0.1)
            except ProcessLookupError:
                pass
            os.remove(pid_file)
    subprocess.run([MAILSTACK, "stop", os.path.join(ROOT, "mailstack")], check=False)


def start():
    stop()
    check_ports()
    os.makedirs(ROOT, exist_ok=True)
    os.chmod(ROOT, 0o755)   # Postfix and Dovecot run as other users
    step("starting the local mail stack (Postfix + Dovecot on 127.0.0.1)")
    subprocess.run([MAILSTACK, "start", os.path.join(ROOT, "mailstack")], check=True)
    env = json.load(open(os.path.join(ROOT, "mailstack", "env.json")))

    servers = {}
    for name in SITES:
        step("starting Orthanc %s with the DICOM-Mail plugin" % name)
        servers[name] = site(name, env)
        servers[name].start()
    hospital, referrer = servers["hospital"], servers["referrer"]

    step("exchanging and certifying the site keys (in real life: compare the fingerprints by phone)")
    for (a, b, b_name) in ((hospital, referrer, "referrer"), (referrer, hospital, "hospital")):
        key = b.get("/dicom-mail/keys/site")
        a.post("/dicom-mail/keys", key["PublicKey"])
        a.post("/dicom-mail/keys/%s/certify" % key["Fingerprint"], {})
        a.put("/dicom-mail/partners/" + b_name, {"Addresses": [SITES[b_name][2]], "Fingerprint": key["Fingerprint"]})
        print("    %s trusts %s: %s" % (a.name, b_name, key["FingerprintGroups"]))

    step("generating a synthetic CT study (2 series, 40 slices) and uploading it to hospital")
    paths = generate_study.generate_study(os.path.join(ROOT, "study"), seed=42, slices=20, series=2)
    for path in paths:
        with open(path, "rb") as f:
            hospital.upload_dicom(f.read())
    study = hospital.get("/studies")[0]

    step("sending it to referrer by DICOM-Mail")
    begin = time.monotonic()
    answer = hospital.post("/dicom-mail/send", {"Resources": [study], "Partner": "referrer"})
    job = hospital.wait_job(answer["ID"], timeout=600)
    if job["State"] != "Success":
        raise SystemExit("the send job failed: %s" % json.dumps(job.get("Content"), indent=2))
    content = job["Content"]
    print("    job %s: %d instances in %d mails, %.1f MB on the wire" % (
        answer["ID"], content["TotalInstances"], content["TotalMails"], content["BytesSent"] / 1e6))

    step("waiting for referrer to fetch, decrypt, verify and import")

    def complete():
        referrer.post("/dicom-mail/fetch", {})
        t = {x["SetId"]: x for x in referrer.get("/dicom-mail/inbox")}.get(answer["SetId"])
        return t if t and t["State"].startswith("complete") else None
    received = wait_for("the study at referrer", complete)
    step("waiting for the signed acknowledgements to come back to hospital")

    def acknowledged():
        hospital.post("/dicom-mail/fetch", {})
        t = hospital.get("/dicom-mail/outbox/" + answer["SetId"])
        return t if t["State"] == "acknowledged" else None
    wait_for("the acknowledgements", acknowledged)
    elapsed = time.monotonic() - begin

    for name, server in servers.items():
        server.detach()
        with open(os.path.join(ROOT, name + ".pid"), "w") as f:
            f.write(str(server.pid))
    new_study = referrer.get("/studies")[0]
    print()
    already = received.get("InstancesAlreadyStored", 0)
    print("Done in %.1f s: %d instances imported at referrer%s, every mail acknowledged." % (
        elapsed, received["InstancesImported"],
        " (%d were already there from an earlier run)" % already if already else ""))
    print()
    sender, receiver = hospital.url.replace("127.0.0.1", "localhost"), referrer.url.replace("127.0.0.1", "localhost")
    print("  Sender    (hospital): %s/app/explorer.html" % sender)
    print("                        %s/dicom-mail/app/app.html   (outbox, keys, partners)" % sender)
    print("  Receiver  (referrer): %s/app/explorer.html#study?uuid=%s" % (receiver, new_study))
    print("                        %s/dicom-mail/app/app.html   (inbox)" % receiver)
    if "web-viewer" in referrer.get("/plugins"):
        series = referrer.get("/studies/%s" % new_study)["Series"][0]
        print("                        %s/web-viewer/app/viewer.html?series=%s   (viewer)" % (receiver, series))
    print("  Both answer on this machine only (loopback), without authentication.")
    print("  Transfer SetId: %s" % answer["SetId"])
    print("  Mailboxes, logs and state: %s" % ROOT)
    print()
    print("Stop everything with: Resources/demo.sh stop; start afresh: also rm -rf %s" % ROOT)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "stop":
        stop()
    else:
        start()
