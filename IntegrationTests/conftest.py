# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures: one real mail stack and two real Orthanc servers per run.

"hospital" sends, "referrer" receives; both load the plugin under test and
talk to Postfix + Dovecot on 127.0.0.1. State lives under a short directory
(gpg-agent sockets must fit in 108 bytes).
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "harness"))
sys.path.insert(0, os.path.join(HERE, "data"))

from orthanc_server import OrthancServer  # noqa: E402

# pytest-xdist runs test files in worker processes "gw0", "gw1", ...: each worker is a test run of its own, with
# its own state root, Orthanc ports and mail stack (see PORT_OFFSET and the mailstack fixture).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(_WORKER[2:]) if _WORKER.startswith("gw") and _WORKER[2:].isdigit() else 0

ROOT = os.environ.get("DICOM_MAIL_TEST_ROOT", "/tmp/dmit") + ("-%d" % WORKER_INDEX if WORKER_INDEX else "")
os.makedirs(ROOT, exist_ok=True)
os.chmod(ROOT, 0o755)  # Postfix and Dovecot run as other users
BUILD = os.environ.get("DICOM_MAIL_BUILD_DIR", os.path.join(TOP, "build"))
MAILSTACK = os.path.join(TOP, "IntegrationTests", "harness", "mailstack.sh")
ARTIFACTS = os.path.join(HERE, "artifacts")

# Several test runs may share a machine: DICOM_MAIL_PORT_OFFSET moves them apart.
PORT_OFFSET = int(os.environ.get("DICOM_MAIL_PORT_OFFSET", "0")) + 3000 * WORKER_INDEX
if WORKER_INDEX:
    # Two workers starting their stacks at once would both find the default base free.
    os.environ["MAILSTACK_PORT_BASE"] = str(int(os.environ.get("MAILSTACK_PORT_BASE", "12500")) + 2000 * WORKER_INDEX)
SITES = {
    # name: (http port, dicom port, mail user)
    "hospital": (18042 + PORT_OFFSET, 18242 + PORT_OFFSET, "hospital@hospital.test"),
    "referrer": (18043 + PORT_OFFSET, 18243 + PORT_OFFSET, "referrer@referrer.test"),
}


def plugin_path():
    path = os.path.join(BUILD, "libOrthancDicomMail.so")
    if not os.path.exists(path):
        raise RuntimeError("plugin not built: %s (run Resources/build.sh)" % path)
    return path


@pytest.fixture(scope="session")
def mailstack():
    directory = os.path.join(ROOT, "mailstack")
    subprocess.run([MAILSTACK, "start", directory], check=True)
    with open(os.path.join(directory, "env.json")) as f:
        env = json.load(f)
    env["dir"] = directory
    yield env
    subprocess.run([MAILSTACK, "stop", directory], check=False)


def site_config(name, mailstack, protocol="imaps", **overrides):
    """The DicomMail section for one test site, against the local stack."""
    http_port, dicom_port, user = SITES[name]
    users = mailstack["users"]
    state = os.path.join(ROOT, name)
    ports = {"imap": mailstack["MAILSTACK_IMAP_PORT"], "imaps": mailstack["MAILSTACK_IMAPS_PORT"],
             "pop3": mailstack["MAILSTACK_POP3_PORT"], "pop3s": mailstack["MAILSTACK_POP3S_PORT"]}
    config = {
        "SiteAddress": user,
        "SiteName": name.capitalize(),
        "StateDirectory": state,
        "GnupgHome": os.path.join(state, "g"),
        "Smtp": {
            "Url": "smtp://127.0.0.1:%s" % mailstack["MAILSTACK_SMTP_PORT"],
            "User": user,
            "Password": users[user],
            "CaFile": mailstack["MAILSTACK_CA"],
            "RetryDelay": 1,
            "MaxRetries": 3,
        },
        "Incoming": [{
            "Name": "inbox",
            "Url": "%s://127.0.0.1:%s" % (protocol, ports[protocol]),
            "User": user,
            "Password": users[user],
            "CaFile": mailstack["MAILSTACK_CA"],
            "PollInterval": 2,
        }],
    }
    config.update(overrides)
    return config


def make_server(name, mailstack, dicom_mail_config=None, extra_config=None, fresh=True):
    http_port, dicom_port, _ = SITES[name]
    directory = os.path.join(ROOT, name + "-orthanc")
    if fresh:
        shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(os.path.join(ROOT, name), ignore_errors=True)
    os.makedirs(directory, exist_ok=True)
    config = dicom_mail_config if dicom_mail_config is not None else site_config(name, mailstack)
    return OrthancServer(name, directory, http_port, dicom_port, plugin_path(), config, extra_config or {})


@pytest.fixture
def hospital(mailstack):
    server = make_server("hospital", mailstack)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def referrer(mailstack):
    server = make_server("referrer", mailstack)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS


def start_paired(hospital, referrer):
    """Starts both sites (the first is stopped again if the second cannot start) and pairs them."""
    hospital.start()
    try:
        referrer.start()
    except Exception:
        hospital.stop()
        raise
    pair(hospital, "hospital", referrer, "referrer")
    return hospital, referrer


def pair(a, a_name, b, b_name, certify=True):
    """Makes a and b partners of each other: exchange and certify site keys."""
    for (x, y, y_name) in ((a, b, b_name), (b, a, a_name)):
        key = y.get("/dicom-mail/keys/site")
        x.post("/dicom-mail/keys", key["PublicKey"])
        if certify:
            x.post("/dicom-mail/keys/%s/certify" % key["Fingerprint"], {})
        x.put("/dicom-mail/partners/" + y_name, {"Addresses": [SITES[y_name][2]],
                                                  "Fingerprint": key["Fingerprint"]})


@pytest.fixture
def paired(hospital, referrer):
    pair(hospital, "hospital", referrer, "referrer")
    return hospital, referrer


@pytest.fixture
def stack(mailstack):
    """The stack's mailboxes, emptied: earlier tests must not leave mail for these servers."""
    from mail_client import MailStack
    s = MailStack(mailstack["dir"])
    s.clear_all()
    return s
