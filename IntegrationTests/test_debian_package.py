# SPDX-License-Identifier: GPL-3.0-or-later
"""The Debian package, tried as an admin would: built with CPack, checked by
lintian, installed with apt-get, loaded by an Orthanc that reads a copy of
Debian's /etc/orthanc (ports and storage moved so it collides with nothing),
then removed and purged. Needs root (apt-get), as the tests have in CI."""
import glob
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import BUILD, TOP
from orthanc_server import free_port

PACKAGE = "orthanc-dicom-mail"
PLUGIN_LINK = "/usr/share/orthanc/plugins/libOrthancDicomMail.so"
CONFIG_FILE = "/etc/orthanc/dicom-mail.json"
STATE = "/var/lib/orthanc/dicom-mail"
APT_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
# Another apt-get on the machine (a helper's install) holds the lock for a while.
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "-y", "-q"]


def installed():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True)
    return "install ok installed" in r.stdout


def package_state():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else "unknown"


@pytest.fixture(scope="module")
def deb():
    if os.geteuid() != 0:
        pytest.fail("this test installs a package with apt-get: run it as root")
    if installed():
        pytest.fail("%s is already installed here; the test would purge it" % PACKAGE)
    env = dict(os.environ, DICOM_MAIL_BUILD_DIR=BUILD)
    r = subprocess.run([os.path.join(TOP, "Resources", "package.sh")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    path = r.stdout.strip().splitlines()[-1]
    assert re.match(r".*/orthanc-dicom-mail_\d+\.\d+\.\d+-1_amd64\.deb$", path), path
    return path


@pytest.fixture
def installed_package(deb):
    r = subprocess.run(APT + ["install", "--no-upgrade", deb], env=APT_ENV,
                       capture_output=True, text=True)
    try:
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        yield deb
    finally:
        # Leave the machine as it was, whatever happened.
        subprocess.run(APT + ["purge", PACKAGE], env=APT_ENV, capture_output=True)


def debian_config_copy(directory, http_port, dicom_port):
    """/etc/orthanc as Debian ships it plus our file, in `directory`, with
    ports and storage of its own. Only values are changed: no key is added to
    a second file (Orthanc refuses a key defined twice)."""
    for path in glob.glob("/etc/orthanc/*.json"):
        shutil.copy(path, directory)
    main = os.path.join(directory, "orthanc.json")
    with open(main) as f:
        text = f.read()
    storage = os.path.join(directory, "db")
    replacements = [(r'"HttpPort"\s*:\s*8042', '"HttpPort" : %d' % http_port),
                    (r'"DicomPort"\s*:\s*4242', '"DicomPort" : %d' % dicom_port),
                    (r'"/var/lib/orthanc/db-v6"', '"%s"' % storage)]
    for pattern, value in replacements:
        text, count = re.subn(pattern, value, text)
        assert count >= 1, "Debian's orthanc.json changed: %s not found" % pattern
    with open(main, "w") as f:
        f.write(text)
    viewer = os.path.join(directory, "webviewer.json")   # orthanc-webviewer's file, when installed
    if os.path.exists(viewer):
        with open(viewer) as f:
            text = f.read().replace('"/tmp/OrthancWebViewerCache"', '"%s"' % os.path.join(directory, "wv-cache"))
        with open(viewer, "w") as f:
            f.write(text)


def start_orthanc(directory, http_port):
    log = open(os.path.join(directory, "orthanc.log"), "wb")
    process = subprocess.Popen(["/usr/sbin/Orthanc", directory + "/"], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, cwd=directory, start_new_session=True)
    url = "http://127.0.0.1:%d" % http_port
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(url + "/system", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    process.wait()
    with open(os.path.join(directory, "orthanc.log"), errors="replace") as f:
        raise AssertionError("Orthanc did not start:\n" + f.read()[-4000:])


def check_orthanc_with_debian_configuration(directory):
    """Orthanc on Debian's configuration directory plus the package's file: the plugin loads, inactive."""
    http_port, dicom_port = free_port(), free_port()
    debian_config_copy(directory, http_port, dicom_port)
    process, url = start_orthanc(directory, http_port)
    try:
        info = requests.get(url + "/plugins/dicom-mail", timeout=10).json()
        assert info["ID"] == "dicom-mail"
        status = requests.get(url + "/dicom-mail/status", timeout=30).json()
        assert status["Active"] is False          # no mail account yet: inert, not an error
        assert status["Accounts"] == []
        assert status["SiteKeyFingerprint"] is None
        metrics = requests.get(url + "/tools/metrics-prometheus", timeout=30).text
        assert re.search(r"^orthanc_dicom_mail_transfers_sent_total 0\b", metrics, re.M), metrics
    finally:
        process.terminate()
        process.wait(timeout=60)
    with open(os.path.join(directory, "orthanc.log"), errors="replace") as f:
        log = f.read()
    assert "is inactive: no mail account" in log


def test_lintian_finds_no_error(deb):
    r = subprocess.run(["lintian", "--tag-display-limit", "0", deb], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    errors = [line for line in r.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], "\n".join(errors)
    assert "E:" not in r.stderr


def test_installs_loads_and_purges(installed_package):
    # What the package put in place.
    assert os.path.islink(PLUGIN_LINK) and os.path.isfile(os.path.realpath(PLUGIN_LINK))
    assert os.path.isfile(CONFIG_FILE)
    st = os.stat(STATE)
    assert stat.S_IMODE(st.st_mode) == 0o700
    assert pwd.getpwuid(st.st_uid).pw_name == "orthanc"
    depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", PACKAGE], capture_output=True,
                             text=True).stdout
    for library in ("libgpgme11", "libcurl4", "libsqlite3-0", "libjsoncpp25", "orthanc"):
        assert library in depends, depends   # computed by dpkg-shlibdeps, plus orthanc itself

    # Orthanc with Debian's configuration directory and the package's file.
    directory = tempfile.mkdtemp(prefix="dm-deb-")
    try:
        check_orthanc_with_debian_configuration(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    # remove keeps the state (keys, records), purge deletes it and the configuration.
    r = subprocess.run(APT + ["remove", PACKAGE], env=APT_ENV, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(PLUGIN_LINK)
    assert os.path.isdir(STATE)
    assert os.path.isfile(CONFIG_FILE)           # a conffile stays until purge
    r = subprocess.run(APT + ["purge", PACKAGE], env=APT_ENV, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(STATE)
    assert not os.path.exists(CONFIG_FILE)
    assert not installed(), package_state()
