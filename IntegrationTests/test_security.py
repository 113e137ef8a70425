# SPDX-License-Identifier: GPL-3.0-or-later
"""Security on real servers: secrets never leave the plugin, TLS peers are verified, Orthanc's authentication
guards the plugin's routes."""
import json
import os
import re

import pytest
import requests

from conftest import ROOT, SITES, make_server, pair, site_config
from fault_tools import find_leaks, wait_for
from mail_client import MailStack
from stock_gpg import GpgPartner
import generate_study

REFERRER = SITES["referrer"][2]


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def mail(mailstack):
    stack = MailStack(mailstack["dir"])
    stack.clear_all()
    return stack


def start(servers, name, mailstack, config, extra_config=None):
    server = make_server(name, mailstack, config, extra_config)
    servers.append(server)
    server.start()
    return server


def upload_small_study(server, directory):
    for path in generate_study.generate_study(str(directory), seed=71, slices=2, series=1, rows=64, cols=64):
        server.upload_dicom(path)


def gpg_partner(server, name, address):
    home = GpgPartner(name.capitalize(), address)
    server.post("/dicom-mail/keys", home.export_public())
    server.post("/dicom-mail/keys/%s/certify" % home.fingerprint, {})
    server.put("/dicom-mail/partners/" + name, {"Addresses": [address], "Fingerprint": home.fingerprint})
    return home


def write_secret(name, text):
    directory = os.path.join(ROOT, "secrets")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text + "\n")
    os.chmod(path, 0o600)
    return path


def strings_in(value):
    """Every string inside a JSON value, joined: finds a secret whatever the JSON writer escaped."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k] + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def rest_texts(server, paths):
    texts = {}
    for path in paths:
        r = server.get(path, raw=True)
        assert r.status_code == 200, (path, r.status_code, r.text)
        texts["%s GET %s" % (server.name, path)] = r.text + "\n" + "\n".join(strings_in(r.json()))
    return texts


# ---------------------------------------------------------------------------------------------------- secrets

def test_secrets_never_appear_in_logs_rest_or_jobs(servers, mailstack, mail, tmp_path):
    passphrase = "Site-Passphrase-9731-qzx"
    issue_passphrase = "Issue-Passphrase-5520-wbt"
    users = mailstack["users"]
    hospital_pw = users[SITES["hospital"][2]]
    referrer_pw = users[REFERRER]

    hospital_config = site_config("hospital", mailstack, PassphraseFile=write_secret("passphrase", passphrase))
    # The IMAP password from a file, the SMTP one inline: both forms are secrets.
    del hospital_config["Incoming"][0]["Password"]
    hospital_config["Incoming"][0]["PasswordFile"] = write_secret("imap-password", hospital_pw)
    hospital = start(servers, "hospital", mailstack, hospital_config)
    referrer = start(servers, "referrer", mailstack, site_config("referrer", mailstack))
    assert hospital.get("/dicom-mail/keys/site")["HasSecret"] is True
    pair(hospital, "hospital", referrer, "referrer")

    # A transfer both ways (mails, acknowledgements) so that jobs, outbox and inbox hold something.
    upload_small_study(hospital, tmp_path)
    answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
    job = hospital.wait_job(answer["ID"], timeout=120)
    assert job["State"] == "Success", job   # the passphrase-protected site key could sign

    def received():
        referrer.post("/dicom-mail/fetch", {})
        return [t for t in referrer.get("/dicom-mail/inbox") if t["SetId"] == answer["SetId"] and
                t["State"].startswith("complete")]
    wait_for(received, 120, "the transfer to reach the referrer")

    def acknowledged():
        hospital.post("/dicom-mail/fetch", {})
        return hospital.get("/dicom-mail/outbox/" + answer["SetId"])["State"] == "acknowledged"
    wait_for(acknowledged, 120, "the acknowledgements to reach the hospital")

    # A key pair for a partner without gateway: its secret key is in this one answer only.
    issued = hospital.post("/dicom-mail/keys/issue", {"Name": "Clinic Without Gateway",
                                                      "Address": "clinic@clinic.test",
                                                      "Passphrase": issue_passphrase})
    secret_key = issued["SecretKey"]
    assert secret_key.startswith("-----BEGIN PGP PRIVATE KEY BLOCK-----"), secret_key[:60]
    assert len([line for line in secret_key.splitlines() if len(line) >= 16]) >= 3
    assert hospital.get("/dicom-mail/keys/" + issued["Fingerprint"])["HasSecret"] is False, \
        "the site keeps the issued secret key"

    common = ["/dicom-mail/status", "/dicom-mail/keys", "/dicom-mail/keys/site", "/dicom-mail/partners",
              "/dicom-mail/outbox", "/dicom-mail/inbox", "/dicom-mail/quarantine", "/jobs?expand"]
    texts = rest_texts(hospital, common + ["/dicom-mail/partners/referrer", "/dicom-mail/outbox/" + answer["SetId"],
                                           "/jobs/" + answer["ID"], "/dicom-mail/keys/" + issued["Fingerprint"]])
    texts.update(rest_texts(referrer, common + ["/dicom-mail/partners/hospital",
                                                "/dicom-mail/inbox/" + answer["SetId"]]))
    texts["hospital log"] = hospital.log_text()
    texts["referrer log"] = referrer.log_text()
    assert "SecretKey" not in texts["hospital GET /jobs?expand"]
    secrets = {"SMTP/IMAP password of hospital": hospital_pw, "SMTP/IMAP password of referrer": referrer_pw,
               "site key passphrase": passphrase, "issued key passphrase": issue_passphrase,
               "issued secret key": secret_key}
    # The scan itself must be able to find a secret.
    assert find_leaks({"probe": "x" + secret_key.splitlines()[3] + "x"}, secrets) == ["issued secret key in probe"]
    assert find_leaks(texts, secrets) == []
    assert "PRIVATE KEY" not in "".join(texts.values())


# ---------------------------------------------------------------------------------------------------- TLS

def test_tls_peers_from_another_ca_are_refused(servers, mailstack, mail, tmp_path):
    other_ca = mailstack["MAILSTACK_OTHER_CA"]
    config = site_config("hospital", mailstack)
    config["Smtp"].update({"CaFile": other_ca, "MaxRetries": 1, "RetryDelay": 1})
    config["Incoming"][0]["CaFile"] = other_ca
    hospital = start(servers, "hospital", mailstack, config)
    # Verification is on by default: with no CaFile the system store does not know the stack's CA either.
    config = site_config("referrer", mailstack)
    config["Smtp"].update({"MaxRetries": 1, "RetryDelay": 1})
    del config["Smtp"]["CaFile"]
    del config["Incoming"][0]["CaFile"]
    referrer = start(servers, "referrer", mailstack, config)

    for server in (hospital, referrer):
        partner = gpg_partner(server, "clinic", "clinic@clinic.test")
        try:
            upload_small_study(server, tmp_path / server.name)
            answer = server.post("/dicom-mail/send", {"Resources": server.get("/studies"), "Partner": "clinic"})
            job = server.wait_job(answer["ID"], timeout=60)
        finally:
            partner.close()
        assert job["State"] == "Failure", (server.name, job)
        reason = job["Content"].get("Reason", "")
        assert re.search(r"certificate|verif", reason, re.I), (server.name, reason)
        outbox = server.get("/dicom-mail/outbox/" + answer["SetId"])
        assert outbox["State"] == "failed", outbox

        summary = server.post("/dicom-mail/fetch", {})
        assert re.search(r"certificate|verif", json.dumps(summary), re.I), (server.name, summary)
        status = {a["Name"]: a for a in server.get("/dicom-mail/status")["Accounts"]}
        assert status["inbox"]["State"] == "error", (server.name, status)
        assert re.search(r"certificate", status["inbox"]["Message"], re.I), (server.name, status)
    assert mail.count("clinic@clinic.test") == 0, "a mail went out over an unverified connection"


# ---------------------------------------------------------------------------------------------------- authentication

def test_routes_follow_orthanc_authentication(servers, mailstack, mail, tmp_path):
    hospital = start(servers, "hospital", mailstack, site_config("hospital", mailstack),
                     {"AuthenticationEnabled": True, "RegisteredUsers": {"admin": "pw"}})
    base = hospital.url
    anonymous = requests.Session()
    wrong = requests.Session()
    wrong.auth = ("admin", "not-the-password")
    reads = ["/dicom-mail/status", "/dicom-mail/keys", "/dicom-mail/keys/site", "/dicom-mail/partners",
             "/dicom-mail/outbox", "/dicom-mail/inbox", "/dicom-mail/quarantine", "/dicom-mail/app/index.html"]
    for path in reads:
        for session in (anonymous, wrong):
            r = session.get(base + path, timeout=30)
            assert r.status_code == 401, (path, r.status_code, r.text[:200])
            assert "Fingerprint" not in r.text and "Accounts" not in r.text
    for path, body in (("/dicom-mail/send", {"Resources": [], "Partner": "x"}), ("/dicom-mail/fetch", {}),
                       ("/dicom-mail/keys/issue", {"Name": "A", "Address": "a@b.test", "Passphrase": "12345678"}),
                       ("/dicom-mail/keys/site/generate", {})):
        r = anonymous.post(base + path, json=body, timeout=30)
        assert r.status_code == 401, (path, r.status_code, r.text[:200])
    r = anonymous.put(base + "/dicom-mail/partners/intruder", json={"Addresses": ["x@y.test"]}, timeout=30)
    assert r.status_code == 401
    r = anonymous.delete(base + "/dicom-mail/partners/intruder", timeout=30)
    assert r.status_code == 401

    # With the credentials everything answers, and nothing was changed by the refused calls.
    for path in reads[:-1]:
        assert hospital.get(path, raw=True).status_code == 200, path
    assert "intruder" not in json.dumps(hospital.get("/dicom-mail/partners"))
    assert hospital.get("/dicom-mail/outbox") == []

    # The plugin's own work inside Orthanc is not hindered by HTTP authentication.
    partner = gpg_partner(hospital, "clinic", "clinic@clinic.test")
    try:
        upload_small_study(hospital, tmp_path)
        answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "clinic"})
        assert hospital.wait_job(answer["ID"], timeout=120)["State"] == "Success"
    finally:
        partner.close()
    mail.wait_count("clinic@clinic.test", 1, timeout=60)
