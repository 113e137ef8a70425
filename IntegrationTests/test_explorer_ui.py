# SPDX-License-Identifier: GPL-3.0-or-later
"""The Orthanc Explorer extension and the DICOM-Mail page, clicked through in real headless Chromium.

The browser side is IntegrationTests/browser/explorer_ui.mjs (node + playwright-core, Debian's /usr/bin/chromium);
this test prepares both sites over REST, runs the script phase by phase and checks over REST what the clicks did.
Screenshots land in IntegrationTests/artifacts/.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from generate_study import generate_study
from stock_gpg import GpgPartner

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_DIR = os.path.join(HERE, "browser")
SCRIPT = os.path.join(BROWSER_DIR, "explorer_ui.mjs")
CHROMIUM = "/usr/bin/chromium"
TRANSFER_TIMEOUT = 180


def ensure_playwright():
    """playwright-core and axe-core from the committed package-lock.json (node_modules is not in git)."""
    if not all(os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", package))
               for package in ("playwright-core", "axe-core")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BROWSER_DIR, check=True)
    assert os.access(CHROMIUM, os.X_OK), "%s is missing: apt-get install chromium" % CHROMIUM


def run_browser(phase, server, artifacts, timeout=TRANSFER_TIMEOUT, **arguments):
    """Runs one phase of explorer_ui.mjs against `server`; returns the JSON of its last stdout line."""
    command = ["node", SCRIPT, phase, "--base", server.url, "--artifacts", artifacts, "--timeout", str(timeout)]
    for name, value in arguments.items():
        command += ["--" + name.replace("_", "-"), str(value)]
    result = subprocess.run(command, cwd=BROWSER_DIR, capture_output=True, text=True, timeout=timeout + 120)
    print(result.stdout)
    print(result.stderr)
    assert result.returncode == 0, "browser phase %s failed (exit %d): %s" % (
        phase, result.returncode, result.stderr.strip() or result.stdout.strip())
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, "browser phase %s printed no result" % phase
    return json.loads(lines[-1])


def site_key(server, timeout=60.0):
    """The site key (fingerprint, armored public key), waiting for its generation at first start."""
    deadline = time.monotonic() + timeout
    while True:
        r = server.get("/dicom-mail/keys/site", raw=True)
        if r.status_code == 200:
            key = r.json()
            return key["Fingerprint"], key["PublicKey"]
        assert time.monotonic() < deadline, "no site key on %s: %s" % (server.name, r.text)
        time.sleep(0.5)


def make_partners(hospital, referrer):
    """Each site imports and certifies the other's key (the phone check is the test's own knowledge) and
    records it as a partner."""
    sites = {"hospital": (hospital, "hospital@hospital.test"), "referrer": (referrer, "referrer@referrer.test")}
    keys = {name: site_key(server) for name, (server, _) in sites.items()}
    for name, (server, _) in sites.items():
        other = "referrer" if name == "hospital" else "hospital"
        fingerprint, public_key = keys[other]
        imported = server.post("/dicom-mail/keys", public_key)
        assert fingerprint in imported["Fingerprints"]
        server.post("/dicom-mail/keys/%s/certify" % fingerprint, {"Exportable": False})
        server.put("/dicom-mail/partners/%s" % other, {
            "Addresses": [sites[other][1]], "Fingerprint": fingerprint, "MaxMailSize": 0,
            "Acknowledgements": True, "Compression": True})
        partner = server.get("/dicom-mail/partners/%s" % other)
        assert partner["KeyState"]["Usable"], partner
    return keys


def upload_study(server, directory):
    paths = generate_study(directory, seed=61, series=1, slices=3, rows=64, cols=64)
    study = None
    for path in paths:
        study = server.upload_dicom(path)["ParentStudy"]
    return study, len(paths)


def wait_study(server, study_uid, instances, timeout=TRANSFER_TIMEOUT):
    deadline = time.monotonic() + timeout
    found = []
    while time.monotonic() < deadline:
        found = server.post("/tools/find", {"Level": "Study", "Query": {"StudyInstanceUID": study_uid}})
        if found:
            count = len(server.get("/studies/%s/instances" % found[0]))
            if count == instances:
                return found[0]
        time.sleep(1)
    raise AssertionError("study %s did not arrive complete at %s within %d s (found: %s)"
                         % (study_uid, server.name, timeout, found))


@pytest.fixture
def study_dir():
    directory = tempfile.mkdtemp(prefix="dm-ui-study-")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


SCREENSHOTS = ("explorer-study.png", "explorer-picker.png", "explorer-job.png", "app-outbox.png",
               "app-outbox-detail.png", "app-import-error.png", "app-certify-dialog.png", "app-keys.png",
               "app-de.png", "app-en.png", "app-outbox-detail-1280.png", "app-outbox-detail-1024.png",
               "app-filter.png", "app-inbox.png", "app-exchange-compare.png", "app-exchange-partner.png",
               "app-partners.png")


def test_send_from_explorer_then_follow_and_certify(hospital, referrer, mailstack, artifacts, study_dir):
    ensure_playwright()
    for name in SCREENSHOTS:  # left by an earlier run, they would prove nothing
        if os.path.exists(os.path.join(artifacts, name)):
            os.remove(os.path.join(artifacts, name))
    make_partners(hospital, referrer)
    # A partner whose key cannot be used: the picker must show it disabled, with the reason.
    hospital.put("/dicom-mail/partners/nokey", {"Addresses": ["outsider@elsewhere.test"]})
    assert not hospital.get("/dicom-mail/partners/nokey")["KeyState"]["Usable"]

    study, instances = upload_study(hospital, study_dir)
    study_uid = hospital.get("/studies/%s" % study)["MainDicomTags"]["StudyInstanceUID"]
    assert not referrer.post("/tools/find", {"Level": "Study", "Query": {"StudyInstanceUID": study_uid}})

    # 1. Explorer: study page -> "Send via DICOM-Mail" -> picker -> Send -> job page (ends in Success).
    sent = run_browser("send", hospital, artifacts, study=study, partner="referrer", unusable="nokey")
    job = hospital.get("/jobs/%s" % sent["JobId"])
    assert job["State"] == "Success", job
    assert job["Content"]["Partner"] == "referrer"
    assert job["Content"]["TotalInstances"] == instances
    set_id = job["Content"]["SetId"]

    # 2. The study arrives, complete, at the receiver.
    received = wait_study(referrer, study_uid, instances)
    assert referrer.get("/studies/%s" % received)["MainDicomTags"]["StudyInstanceUID"] == study_uid
    inbox = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}
    assert set_id in inbox, inbox
    assert inbox[set_id]["InstancesImported"] + inbox[set_id]["InstancesAlreadyStored"] == instances

    # 3. Home page link -> DICOM-Mail page: the transfer becomes "acknowledged" without a reload.
    shown = run_browser("outbox", hospital, artifacts, set_id=set_id)
    outbox = {t["SetId"]: t for t in hospital.get("/dicom-mail/outbox")}
    assert outbox[set_id]["State"] == "acknowledged"
    assert shown["Acknowledged"] == "%d of %d" % (outbox[set_id]["MailsAcknowledged"], outbox[set_id]["TotalMails"])

    # 3a. The page in German (from the browser's language): live progress, words instead of field names,
    # the detail at 1280x800 and 1024x768, the switch to English, filters; axe-core finds nothing serious.
    run_browser("page", hospital, artifacts, set_id=set_id, partner="referrer", locale="de-DE")
    check_transfer_filters(hospital, "/dicom-mail/outbox", set_id, "referrer", "acknowledged")
    check_transfer_filters(referrer, "/dicom-mail/inbox", set_id, "hospital", "complete")

    # 3b. The received transfer links to its study (and to a viewer, when one is installed).
    assert referrer.get("/dicom-mail/inbox/%s" % set_id)["Studies"] == [received]
    run_browser("inbox", referrer, artifacts, set_id=set_id, study=received, study_uid=study_uid)

    # 4. A fresh key imported over REST is certified through the page's dialog.
    clinic = GpgPartner("Clinic Test", "clinic@clinic.test")  # a fresh key made with the gpg CLI
    try:
        fingerprint, public = clinic.fingerprint, clinic.export_public()
    finally:
        clinic.close()
    imported = hospital.post("/dicom-mail/keys", public)
    assert imported["Fingerprints"] == [fingerprint]
    assert hospital.get("/dicom-mail/keys/%s" % fingerprint)["CertifiedBySite"] is False
    run_browser("certify", hospital, artifacts, fingerprint=fingerprint, compared_by="Test Admin")
    assert hospital.get("/dicom-mail/keys/%s" % fingerprint)["CertifiedBySite"] is True
    assert hospital.get("/dicom-mail/keys/%s" % fingerprint)["Comparison"]["By"] == "Test Admin"

    # 5. Guided key exchange: a partner added as one flow, from its key file to its limits.
    praxis = GpgPartner("Praxis Dr. Test", "praxis@praxis.test")
    key_file = os.path.join(study_dir, "praxis.asc")
    try:
        with open(key_file, "w") as f:
            f.write(praxis.export_public())
        praxis_fingerprint = praxis.fingerprint
    finally:
        praxis.close()
    run_browser("exchange", hospital, artifacts, key_file=key_file, name="praxis", address="praxis@praxis.test",
                compared_by="Dr. Anna Weiß", locale="de-DE")
    key = hospital.get("/dicom-mail/keys/%s" % praxis_fingerprint)
    assert key["CertifiedBySite"] is True
    assert key["Comparison"]["By"] == "Dr. Anna Weiß" and key["Comparison"]["Method"] == "phone", key
    partner = hospital.get("/dicom-mail/partners/praxis")
    assert partner["Fingerprint"] == praxis_fingerprint and partner["Addresses"] == ["praxis@praxis.test"]
    assert partner["MaxMailSize"] == 5000000 and partner["KeyState"]["Usable"], partner

    for name in SCREENSHOTS:
        assert os.path.getsize(os.path.join(artifacts, name)) > 1000, name


def check_transfer_filters(server, route, set_id, partner, state):
    """The filter and page arguments of the transfer lists, answered by the server; no argument answers as before."""
    everything = server.get(route)
    assert set_id in [t["SetId"] for t in everything]
    assert server.get(route + "?limit=100&since=0") == everything
    ids = lambda query: [t["SetId"] for t in server.get(route + "?" + query)]
    assert set_id in ids("partner=" + partner)
    assert ids("partner=nobody") == []
    assert set_id in ids("state=" + state) and set_id not in ids("state=failed")
    assert ids("setid=" + set_id[:10]) == [t["SetId"] for t in everything if t["SetId"].startswith(set_id[:10])]
    assert ids("from=2000-01-01&to=2000-12-31") == []
    assert set_id in ids("from=2000-01-01&partner=%s&state=%s&setid=%s" % (partner, state, set_id))
    assert ids("since=%d" % len(everything)) == []
    for bad in ("state=lost", "from=yesterday", "to=2026-13-01", "partner=a%27b", "limit=abc"):
        r = server.get(route + "?" + bad, raw=True)
        assert r.status_code == 400, (bad, r.status_code, r.text)


def sop_uids(server, level, resource):
    return {i["MainDicomTags"]["SOPInstanceUID"] for i in server.get("/%s/%s/instances" % (level, resource))}


def wait_sops(server, expected, timeout=TRANSFER_TIMEOUT):
    """Waits until `server` holds exactly the SOP Instance UIDs in `expected`."""
    deadline = time.monotonic() + timeout
    held = set()
    while time.monotonic() < deadline:
        held = {i["MainDicomTags"]["SOPInstanceUID"] for i in server.get("/instances?expand")}
        if held == expected:
            return
        assert held <= expected, "%s received instances that were not sent: %s" % (server.name, held - expected)
        time.sleep(1)
    raise AssertionError("%s holds %d of the %d instances sent" % (server.name, len(held & expected), len(expected)))


def test_send_series_and_patient_from_explorer(hospital, referrer, mailstack, artifacts, study_dir):
    """The button on a series page sends that series only; on a patient page, all its studies."""
    ensure_playwright()
    make_partners(hospital, referrer)
    for seed in (62, 63):
        for path in generate_study(os.path.join(study_dir, str(seed)), seed=seed, series=2, slices=2, rows=64,
                                   cols=64, patient_id="DMUI0001"):
            hospital.upload_dicom(path)
    patient = hospital.get("/patients")[0]
    studies = hospital.get("/patients/%s" % patient)["Studies"]
    assert len(studies) == 2
    series = hospital.get("/studies/%s" % studies[0])["Series"][1]

    sent = run_browser("send", hospital, artifacts, level="series", resource=series, partner="referrer")
    job = hospital.get("/jobs/%s" % sent["JobId"])
    assert job["State"] == "Success" and job["Content"]["TotalInstances"] == 2, job
    wait_sops(referrer, sop_uids(hospital, "series", series))

    # In German (the browser's language): button, picker and job panel.
    sent = run_browser("send", hospital, artifacts, level="patient", resource=patient, partner="referrer", studies=2,
                       locale="de-DE")
    job = hospital.get("/jobs/%s" % sent["JobId"])
    assert job["State"] == "Success" and job["Content"]["TotalInstances"] == 8, job
    outbox = hospital.get("/dicom-mail/outbox/" + job["Content"]["SetId"])
    study_uids = {hospital.get("/studies/%s" % s)["MainDicomTags"]["StudyInstanceUID"] for s in studies}
    assert set(outbox["StudyInstanceUIDs"]) == study_uids
    wait_sops(referrer, sop_uids(hospital, "patients", patient))
