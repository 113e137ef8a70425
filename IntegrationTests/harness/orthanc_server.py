# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a real Orthanc (Debian package, /usr/sbin/Orthanc) for integration tests.

Each OrthancServer owns one directory holding its JSON configuration, storage, index and log. Python 3 stdlib plus
`requests`; run with /usr/bin/python3.
"""

import atexit
import json
import os
import signal
import socket
import subprocess
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

ORTHANC_BINARY = "/usr/sbin/Orthanc"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
# Under Orthanc's KeepAliveTimeout (1 s), with room for a slow machine.
KEEP_ALIVE_SAFE = 0.5
HTTP_TIMEOUT = 120.0


# Servers started by this process; killed at interpreter exit so an aborted test run leaves no Orthanc behind
# (they run in their own session and would not see the terminal's Ctrl-C).
_running = set()


@atexit.register
def _kill_leftovers():
    for server in list(_running):
        server.kill()


class OrthancError(RuntimeError):
    """Orthanc did not start, died, or answered a REST call with an HTTP error."""


def _port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port():
    """A TCP port that is free right now (the kernel's choice), for servers started by the tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(text, lines=80):
    return "\n".join(text.splitlines()[-lines:])


def build_config(name, directory, http_port, dicom_port, plugin_path, dicom_mail_config, extra_config=None):
    """Returns the complete Orthanc configuration (a dict) for one test server."""
    directory = os.path.abspath(directory)
    config = {
        "Name": name,
        "StorageDirectory": os.path.join(directory, "storage"),
        "IndexDirectory": os.path.join(directory, "index"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": "".join(c for c in name.upper() if c.isalnum())[:16] or "ORTHANC",
        "Plugins": [plugin_path] if plugin_path else [],
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "StableAge": 2,
        "HttpTimeout": 60,
        "HttpCompressionEnabled": False,
        "DicomModalities": {},
        "OrthancPeers": {},
    }
    if dicom_mail_config is not None:
        config["DicomMail"] = dicom_mail_config
    config.update(extra_config or {})
    return config


class OrthancServer:
    """One Orthanc process with its own configuration, storage and log in `directory`."""

    def __init__(self, name, directory, http_port, dicom_port, plugin_path=None, dicom_mail_config=None,
                 extra_config=None, verbose=True):
        self.name = name
        self.verbose = verbose   # Orthanc's --verbose: the tests read its log; a benchmark measures without
        self.directory = os.path.abspath(directory)
        self.http_port = http_port
        self.dicom_port = dicom_port
        self.plugin_path = plugin_path
        self.dicom_mail_config = dicom_mail_config
        self.extra_config = dict(extra_config or {})
        self.config_path = os.path.join(self.directory, "orthanc.json")
        self.log_path = os.path.join(self.directory, "orthanc.log")
        self.url = "http://127.0.0.1:%d" % http_port
        self.process = None
        self.pid = None
        self._log_offset = 0  # where the log of the current run starts
        self.session = requests.Session()
        self._last_request = 0.0
        # Orthanc closes an idle keep-alive connection after KeepAliveTimeout (1 s); a request sent on it at that
        # moment gets "connection closed without response". Only idempotent GETs are sent again, once; any other
        # request goes on a fresh connection when the kept one has been idle long enough to be closing (see
        # _request). "Connection: close" is no way out: Orthanc answers "keep-alive" and then closes.
        self.session.mount("http://", HTTPAdapter(max_retries=Retry(
            total=1, connect=1, read=1, status=0, allowed_methods=frozenset(["GET"]), raise_on_status=False)))
        credentials = self._credentials()
        if credentials:
            self.session.auth = credentials

    # ------------------------------------------------------------------------------------------------ config

    def config(self):
        return build_config(self.name, self.directory, self.http_port, self.dicom_port, self.plugin_path,
                            self.dicom_mail_config, self.extra_config)

    def _credentials(self):
        """First registered user when the extra configuration switches authentication on."""
        if self.extra_config.get("AuthenticationEnabled") and self.extra_config.get("RegisteredUsers"):
            user, password = next(iter(self.extra_config["RegisteredUsers"].items()))
            return (user, password)
        return None

    def write_config(self):
        os.makedirs(self.directory, exist_ok=True)
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.config(), f, indent=2)
        os.replace(tmp, self.config_path)
        return self.config_path

    # ------------------------------------------------------------------------------------------------ process

    def detach(self):
        """Leaves the server running when Python exits (the demo keeps it for the user)."""
        _running.discard(self)

    def _spawn(self):
        if self.is_running():
            raise OrthancError("Orthanc %s is already running (pid %d)" % (self.name, self.pid))
        if self.plugin_path and not os.path.isfile(self.plugin_path):
            # Orthanc 1.10 only logs "Inexistent path to plugins" and runs on without the plugin.
            raise OrthancError("plugin %s does not exist" % self.plugin_path)
        for port in (self.http_port, self.dicom_port):
            # Right after a SIGKILL the port may stay busy for a moment (the
            # kernel, or a child process of the old server that is still
            # exiting): wait a little before calling it taken.
            deadline = time.monotonic() + 10
            while _port_in_use(port) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _port_in_use(port):
                raise OrthancError("port %d is already in use; cannot start Orthanc %s" % (port, self.name))
        self.write_config()
        with open(self.log_path, "ab") as log:
            self._log_offset = log.tell()
            log.write(("===== harness: starting Orthanc %s at %s\n"
                       % (self.name, time.strftime("%Y-%m-%d %H:%M:%S"))).encode())
            log.flush()
            self.process = subprocess.Popen([ORTHANC_BINARY] + (["--verbose"] if self.verbose else []) +
                                            [self.config_path],
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            cwd=self.directory, start_new_session=True)
        self.pid = self.process.pid
        _running.add(self)

    def _forget(self):
        self.process = None
        self.pid = None
        _running.discard(self)

    def start(self, timeout=START_TIMEOUT):
        """Starts Orthanc and waits until GET /system answers with this server's name."""
        self._spawn()
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                self._forget()
                raise OrthancError("Orthanc %s exited with code %d during start-up; log tail:\n%s"
                                   % (self.name, code, _tail(self.log_text(current_run=True))))
            try:
                r = self.session.get(self.url + "/system", timeout=2)
                if r.status_code == 200:
                    name = r.json().get("Name")
                    if name != self.name:
                        raise OrthancError("port %d answers as Orthanc %r, not %r"
                                           % (self.http_port, name, self.name))
                    # /plugins always lists the pseudo entry "explorer.js".
                    if self.plugin_path and not set(self.get("/plugins")) - {"explorer.js"}:
                        self.kill()
                        raise OrthancError("Orthanc %s runs without its plugin %s; log tail:\n%s"
                                           % (self.name, self.plugin_path, _tail(self.log_text(current_run=True))))
                    return self
                last_error = "HTTP %d" % r.status_code
            except requests.RequestException as e:
                last_error = str(e)
            time.sleep(0.1)
        self.kill()
        raise OrthancError("Orthanc %s did not answer GET /system within %.0f s (%s); log tail:\n%s"
                           % (self.name, timeout, last_error, _tail(self.log_text(current_run=True))))

    def start_expecting_failure(self, timeout=START_TIMEOUT):
        """Starts Orthanc with the current configuration and returns (exit_code, log_text of this run) once it
        exits. Raises if it is still running after `timeout` (it is killed first)."""
        self._spawn()
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise OrthancError("Orthanc %s was expected to fail but still runs after %.0f s; log tail:\n%s"
                               % (self.name, timeout, _tail(self.log_text(current_run=True)))) from None
        self._forget()
        return code, self.log_text(current_run=True)

    def is_running(self):
        if self.process is None:
            return False
        return self.process.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait, SIGKILL after `timeout`. Returns the exit code (None if it was not running)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self._forget()
        return code

    def kill(self):
        """SIGKILL, as a crash would. Returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass
            self.process.wait()
        code = self.process.returncode
        self._forget()
        return code

    def restart(self, timeout=START_TIMEOUT):
        self.stop()
        return self.start(timeout=timeout)

    def memory_rss_kb(self):
        """Resident set size of the Orthanc process in KiB (from /proc)."""
        if self.pid is None:
            raise OrthancError("Orthanc %s is not running" % self.name)
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise OrthancError("no VmRSS for pid %d" % self.pid)

    def log_text(self, current_run=False):
        """The whole log (all runs), or only what the current/last run wrote."""
        try:
            with open(self.log_path, "rb") as f:
                if current_run:
                    f.seek(self._log_offset)
                return f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, needle, timeout=30.0, current_run=True):
        """Waits until `needle` appears in the log; returns the log text."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_text(current_run=current_run)
            if needle in text:
                return text
            if time.monotonic() >= deadline:
                raise OrthancError("%r not in the log of Orthanc %s after %.0f s; tail:\n%s"
                                   % (needle, self.name, timeout, _tail(text)))
            time.sleep(0.2)

    # ------------------------------------------------------------------------------------------------ REST

    def _request(self, method, path, body=None, raw=False, timeout=HTTP_TIMEOUT, headers=None):
        if not path.startswith("/"):
            path = "/" + path
        kwargs = {"timeout": timeout, "headers": dict(headers or {})}
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                kwargs["data"] = bytes(body)
            elif isinstance(body, str):
                kwargs["data"] = body.encode("utf-8")
            else:
                kwargs["data"] = json.dumps(body).encode("utf-8")
                kwargs["headers"].setdefault("Content-Type", "application/json")
            if kwargs["data"].lstrip().startswith(b"-----BEGIN PGP"):
                # The plugin refuses text/plain (a cross-site form's type) for the key import.
                kwargs["headers"].setdefault("Content-Type", "application/pgp-keys")
        if method != "GET" and time.monotonic() - self._last_request > KEEP_ALIVE_SAFE:
            self.session.close()   # the pooled connections; the next request opens a new one
        try:
            r = self.session.request(method, self.url + path, **kwargs)
        finally:
            self._last_request = time.monotonic()
        if raw:
            return r
        if r.status_code >= 400:
            raise OrthancError("%s %s -> HTTP %d: %s" % (method, path, r.status_code, r.text))
        if not r.content:
            return None
        try:
            return r.json()
        except ValueError:
            return r.content

    def get(self, path, raw=False, **kwargs):
        return self._request("GET", path, raw=raw, **kwargs)

    def post(self, path, body=None, raw=False, **kwargs):
        return self._request("POST", path, body=body, raw=raw, **kwargs)

    def put(self, path, body=None, raw=False, **kwargs):
        return self._request("PUT", path, body=body, raw=raw, **kwargs)

    def delete(self, path, raw=False, **kwargs):
        return self._request("DELETE", path, raw=raw, **kwargs)

    def upload_dicom(self, path_or_bytes):
        """POST /instances with a DICOM file (path) or its bytes; returns Orthanc's answer."""
        if isinstance(path_or_bytes, (bytes, bytearray)):
            data = bytes(path_or_bytes)
        else:
            with open(path_or_bytes, "rb") as f:
                data = f.read()
        return self.post("/instances", data, headers={"Content-Type": "application/dicom"})

    def wait_job(self, job_id, timeout=120.0):
        """Polls /jobs/{id} until the job reaches Success or Failure; returns the final job JSON."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get("/jobs/%s" % job_id)
            if job.get("State") in ("Success", "Failure"):
                return job
            if time.monotonic() >= deadline:
                raise OrthancError("job %s still %s after %.0f s: %s"
                                   % (job_id, job.get("State"), timeout, json.dumps(job)))
            time.sleep(0.2)

    def reset(self):
        """Deletes every patient (and so every study, series and instance)."""
        for patient in self.get("/patients"):
            self.delete("/patients/%s" % patient)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "OrthancServer(%r, http=%d, dicom=%d, pid=%s)" % (self.name, self.http_port, self.dicom_port,
                                                                  self.pid)


def start_expecting_failure(name, directory, http_port, dicom_port, plugin_path, dicom_mail_config,
                            extra_config=None, timeout=START_TIMEOUT):
    """Starts Orthanc with the given configuration, expecting it to exit (e.g. an invalid DicomMail section makes the
    plugin's initialisation fail). Returns (exit_code, log_text)."""
    server = OrthancServer(name, directory, http_port, dicom_port, plugin_path, dicom_mail_config, extra_config)
    return server.start_expecting_failure(timeout=timeout)
