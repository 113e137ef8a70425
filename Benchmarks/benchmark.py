#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end throughput and memory of DICOM-Mail against the scripted command-line pipeline (issue 8).

Starts its own loopback mail stack (Postfix + Dovecot) and two Orthanc servers with the plugin ("hospital" sends,
"referrer" receives), pairs them, generates a CT study with a fixed seed and measures, in the same run:

 (a) DICOM-Mail: POST /dicom-mail/send -> job Success (sending) -> every mail in the receiver's Maildir (delivery)
     -> every instance imported at the receiver (receiving + import); wire bytes; peak memory growth of each Orthanc.
 (b) the pipeline an administrator would script with the same keys and servers:
     tar | gpg --compress-algo zlib -z 1 --sign --encrypt --armor | curl SMTP (STARTTLS + AUTH), then
     curl IMAPS | gpg --decrypt | tar -x | curl POST /instances.

Run with Debian's /usr/bin/python3 as root. See Benchmarks/README.md.
"""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
HARNESS = os.path.join(TOP, "IntegrationTests", "harness")
DATA = os.path.join(TOP, "IntegrationTests", "data")
sys.path.insert(0, HARNESS)
sys.path.insert(0, DATA)

import generate_study  # noqa: E402
from mail_client import MailStack  # noqa: E402
import orthanc_server  # noqa: E402
from orthanc_server import OrthancServer  # noqa: E402

MAILSTACK = os.path.join(HARNESS, "mailstack.sh")
MB = 1e6

SITES = {
    # name: (offset of the HTTP / DICOM port, mail address)
    "hospital": (0, "hospital@hospital.test"),
    "referrer": (1, "referrer@referrer.test"),
}


def log(message):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def run(command, **kwargs):
    """subprocess.run with check=True and captured output; the error names the command and its stderr."""
    result = subprocess.run(command, capture_output=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError("%s -> exit %d: %s" % (command if isinstance(command, str) else " ".join(command),
                                                 result.returncode, result.stderr.decode(errors="replace")[-2000:]))
    return result


# ---------------------------------------------------------------------------------------------------- probes

def proc_status(pid):
    """VmRSS and VmHWM of a process in bytes (None when it is gone)."""
    values = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    values[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        return None
    return values


def children_of(pid):
    """PIDs of the direct children of every thread of the process (GPGME spawns gpg from worker threads)."""
    found = set()
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                    found.update(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return found


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux >= 4.0: "5" in clear_refs)."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def cpu_seconds(pid):
    """(own user+system, reaped children user+system) CPU seconds of a process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
    return ((int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick)


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (all cores, everything but idle and iowait) since boot.

    The honest total: GPGME starts gpg with a double fork, so gpg is never a reaped child of Orthanc and its
    CPU time is missing from Orthanc's cutime; Postfix, Dovecot and the benchmark itself are counted here too."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def tree_cpu(roots):
    """CPU seconds of the process trees under "roots" (pids): each living member's own and reaped children's time.

    Postfix and Dovecot start a process per connection or delivery and reap it; what ended is in its parent's
    cutime, what still runs in its own utime, so the sum over the living members counts each second once."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(x) for x in fields[11:15]) / tick

    def in_tree(pid):
        while pid > 1:
            if pid in roots:
                return True
            pid = parent.get(pid, 0)
        return False
    return sum(t for pid, t in times.items() if in_tree(pid))


def thread_cpu(pid):
    """{thread name: CPU seconds summed over the threads of that name}."""
    result = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return result
    for task in tasks:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, task)) as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        result[name] = result.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return result


class MemorySampler(threading.Thread):
    """Samples VmRSS/VmHWM of the given processes (and the RSS of their children) every `interval` seconds."""

    def __init__(self, pids, interval=0.1):
        super().__init__(daemon=True)
        self.pids = dict(pids)   # name -> pid
        self.interval = interval
        self.stop_event = threading.Event()
        self.baseline = {}
        self.max_rss = {}
        self.max_with_children = {}
        for name, pid in self.pids.items():
            reset_peak(pid)
            rss = proc_status(pid)["VmRSS"]
            self.baseline[name] = rss
            self.max_rss[name] = rss
            self.max_with_children[name] = rss

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def sample(self):
        for name, pid in self.pids.items():
            status = proc_status(pid)
            if status is None:
                continue
            rss = status["VmRSS"]
            self.max_rss[name] = max(self.max_rss[name], rss)
            total = rss
            for child in children_of(pid):
                # Between fork and exec a child still shows Orthanc's pages: count it only once it runs gpg.
                try:
                    with open("/proc/%d/comm" % child) as f:
                        if f.read().strip() == "Orthanc":
                            continue
                except OSError:
                    continue
                child_status = proc_status(child)
                if child_status:
                    total += child_status["VmRSS"]
            self.max_with_children[name] = max(self.max_with_children[name], total)

    def finish(self):
        self.stop_event.set()
        self.join()
        self.sample()
        result = {}
        for name, pid in self.pids.items():
            hwm = proc_status(pid)["VmHWM"]
            peak = max(hwm, self.max_rss[name])
            result[name] = {
                "baseline_rss": self.baseline[name],
                "peak_rss": peak,
                "growth": peak - self.baseline[name],
                "growth_with_children": self.max_with_children[name] - self.baseline[name],
            }
        return result


class FirstInstanceWatcher(threading.Thread):
    """Notes when the receiver stores its first instance: polls GET /instances?since=0&limit=1 (Orthanc wants both
    arguments) every "interval" seconds.

    The receiver holds no instance when the measurement starts (Bench.reset), so the first non-empty answer is the
    time to the first image a radiologist could open. Resolution: the interval (default 0.1 s)."""

    def __init__(self, server, interval):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.stop_event = threading.Event()
        self.first = None
        self.errors = []

    def run(self):
        while not self.stop_event.is_set() and self.first is None:
            try:
                if self.server.get("/instances?since=0&limit=1"):
                    self.first = time.monotonic()
                    return
            except Exception as e:   # noqa: BLE001 - reported with the result
                self.errors.append(str(e))
            self.stop_event.wait(self.interval)

    def finish(self, t0):
        """Seconds from t0 to the first instance; raises if none was seen (the transfer did store some)."""
        self.stop_event.set()
        self.join(10)
        if self.first is None:
            raise RuntimeError("the first instance was never seen at the receiver: %s" % self.errors[-3:])
        return self.first - t0


class MaildirWatcher(threading.Thread):
    """Notes when each message appears in a Maildir INBOX (new/ or cur/) and its RFC 822 size (Dovecot's W=).

    Watching the files, not IMAP, sees a mail even when the receiving plugin moves it away right after fetching it.
    """

    SIZE = re.compile(r",W=(\d+)")
    FILE_SIZE = re.compile(r",S=(\d+)")

    def __init__(self, maildir, interval=0.05):
        super().__init__(daemon=True)
        self.maildir = maildir
        self.interval = interval
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.seen = {}   # base name -> (monotonic time, wire size)
        self.ignored = set()
        self.scan(ignore=True)   # mails already there belong to no measurement

    def scan(self, ignore=False):
        now = time.monotonic()
        # A receiver that polls during the send may claim a mail (IMAP MOVE keeps the file's base name) before
        # a scan of new/ and cur/ saw it: its folders count too.
        folders = [""] + [f for f in ("DICOM-Mail-Claimed", "Processed", "Rejected")]
        for sub in [os.path.join("." + f if f else "", d) for f in folders for d in ("new", "cur")]:
            try:
                names = os.listdir(os.path.join(self.maildir, sub))
            except OSError:
                continue
            for name in names:
                base = name.split(":")[0]
                with self.lock:
                    if base in self.seen or base in self.ignored:
                        continue
                    if ignore:
                        self.ignored.add(base)
                        continue
                    m = self.SIZE.search(base) or self.FILE_SIZE.search(base)
                    if m:
                        size = int(m.group(1))
                    else:
                        try:
                            size = os.path.getsize(os.path.join(self.maildir, sub, name))
                        except OSError:
                            continue
                    self.seen[base] = (now, size)

    def run(self):
        while not self.stop_event.is_set():
            self.scan()
            self.stop_event.wait(self.interval)

    def wait_for(self, count, timeout):
        """Waits until `count` mails arrived; returns (time the last of them arrived, total wire bytes)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                arrivals = sorted(self.seen.values())
            if len(arrivals) >= count:
                chosen = arrivals[:count]
                return chosen[-1][0], sum(size for _, size in chosen)
            if time.monotonic() > deadline:
                raise RuntimeError("only %d of %d mails reached %s within %.0f s"
                                   % (len(arrivals), count, self.maildir, timeout))
            time.sleep(0.05)

    def finish(self):
        self.stop_event.set()
        self.join()


def copy_plugin(source, target, timeout=300):
    """Copies the plugin once it is a complete ELF file that did not change for 2 s (a build may be linking it)."""
    deadline = time.monotonic() + timeout
    while True:
        real = os.path.realpath(source)
        try:
            before = os.stat(real)
            with open(real, "rb") as f:
                magic = f.read(4)
            time.sleep(2)
            after = os.stat(real)
            if magic == b"\x7fELF" and (before.st_size, before.st_mtime) == (after.st_size, after.st_mtime):
                shutil.copy2(real, target + ".tmp")
                if os.path.getsize(target + ".tmp") == after.st_size:
                    os.replace(target + ".tmp", target)
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("%s is not a complete shared library (still being built?)" % source)
        log("waiting for %s to be complete" % source)


# ---------------------------------------------------------------------------------------------------- bench

class Bench:
    def __init__(self, args):
        self.args = args
        self.root = os.path.abspath(args.state_dir)
        self.mail_dir = os.path.join(self.root, "mailstack")
        self.servers = {}
        self.stack = None
        self.study_dir = None
        self.study_files = []
        self.study_bytes = 0
        self.keys = {}   # site -> fingerprint
        self.gpg_homes = {}
        self.results = {"dicom_mail": [], "pipeline": []}
        self.receive_profiled = {}

    # ------------------------------------------------------------------------------------------------ set-up

    def mail_stack_cpu(self):
        """CPU seconds so far of this benchmark's Postfix and Dovecot (their masters' pid files)."""
        roots = set()
        for pid_file in ("postfix/queue/pid/master.pid", "dovecot/run/master.pid"):
            try:
                with open(os.path.join(self.mail_dir, pid_file)) as f:
                    roots.add(int(f.read().strip()))
            except (OSError, ValueError):
                pass
        return tree_cpu(roots)

    def start_mailstack(self):
        env = dict(os.environ, MAILSTACK_PORT_BASE=str(self.args.mail_port_base))
        subprocess.run([MAILSTACK, "start", self.mail_dir], check=True, env=env, stdout=subprocess.DEVNULL)
        self.stack = MailStack(self.mail_dir)
        log("mail stack: SMTP %s, IMAPS %s" % (self.stack.smtp_port, self.stack.imaps_port))

    def maildir_of(self, address):
        local, domain = address.split("@")
        return os.path.join(self.mail_dir, "mail", domain, local, "Maildir")

    def site_config(self, name):
        address = SITES[name][1]
        state = os.path.join(self.root, name)
        poll = self.args.poll_interval
        config = {
            "SiteAddress": address,
            "SiteName": name.capitalize(),
            "StateDirectory": state,
            "GnupgHome": os.path.join(state, "g"),
            "Smtp": {
                "Url": "smtp://127.0.0.1:%s" % self.stack.smtp_port,
                "User": address,
                "Password": self.stack.password(address),
                "CaFile": self.stack.ca,
                "RetryDelay": 1,
                "MaxRetries": 3,
            },
            "Incoming": [{
                "Name": "inbox",
                "Url": "imaps://127.0.0.1:%s" % self.stack.imaps_port,
                "User": address,
                "Password": self.stack.password(address),
                "CaFile": self.stack.ca,
                "PollInterval": poll,
            }],
        }
        if self.args.base64_parts:
            # The wire profile's encoding for every partner, whatever the partner's acknowledgements say.
            config["DicomPartEncoding"] = "base64"
        # Otherwise nothing is configured: the sites learn binary parts from each other's signed
        # acknowledgements (#15), in the warm-up transfer (Bench.warm_up).
        for option in self.args.config:
            key, _, value = option.partition("=")
            config[key] = json.loads(value)
        return config

    def orthanc_config(self):
        config = {"ConcurrentJobs": 2}
        for option in self.args.orthanc_config:
            key, _, value = option.partition("=")
            config[key] = json.loads(value)
        return config

    def start_orthancs(self):
        plugin_dir = os.path.join(self.root, "plugin")
        os.makedirs(plugin_dir, exist_ok=True)
        # A private copy: a rebuild of the source tree during the run does not swap the library under Orthanc.
        plugin = os.path.join(plugin_dir, "libOrthancDicomMail.so")
        copy_plugin(self.args.plugin, plugin)
        for name, (offset, _) in SITES.items():
            directory = os.path.join(self.root, name + "-orthanc")
            shutil.rmtree(directory, ignore_errors=True)
            shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)
            os.makedirs(directory)
            # Orthanc logs as it does in production (warnings), unless asked:
            # --verbose writes several lines per stored instance, for both contenders.
            server = OrthancServer(name, directory, self.args.http_port + offset, self.args.dicom_port + offset,
                                   plugin, self.site_config(name), self.orthanc_config(),
                                   verbose=self.args.verbose_orthanc)
            server.start()
            self.servers[name] = server
            log("Orthanc %s: pid %d, %s" % (name, server.pid, server.url))

    def pair(self):
        """Exchange and certify the site keys, declare each other partners (as IntegrationTests/conftest.py)."""
        a, b = self.servers["hospital"], self.servers["referrer"]
        for (x, y, y_name) in ((a, b, "referrer"), (b, a, "hospital")):
            key = y.get("/dicom-mail/keys/site")
            self.keys[y_name] = key["Fingerprint"]
            x.post("/dicom-mail/keys", key["PublicKey"])
            x.post("/dicom-mail/keys/%s/certify" % key["Fingerprint"], {})
            partner = {"Addresses": [SITES[y_name][1]], "Fingerprint": key["Fingerprint"]}
            if self.args.transfer_syntax:
                # What the hospital sends the referrer in (#19), e.g. jpeg-ls.
                partner["TransferSyntax"] = self.args.transfer_syntax
            x.put("/dicom-mail/partners/" + y_name, partner)

    def warm_up(self):
        """One small transfer hospital -> referrer before the measurements, as two sites that have exchanged a
        study before: the referrer's signed acknowledgement teaches the hospital that it reads binary parts
        (#15), so the measured transfers go binary without DicomPartEncoding in either configuration. The
        warm-up study is deleted with everything else before each repetition (reset)."""
        hospital, referrer = self.servers["hospital"], self.servers["referrer"]
        directory = os.path.join(self.root, "warm-up")
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        for path in generate_study.generate_study(directory, seed=99, series=1, slices=2):
            hospital.upload_dicom(path)
        answer = hospital.post("/dicom-mail/send", {"Resources": hospital.get("/studies"), "Partner": "referrer"})
        deadline = time.monotonic() + 300
        while True:
            referrer.post("/dicom-mail/fetch", {})
            hospital.post("/dicom-mail/fetch", {})
            if hospital.get("/dicom-mail/outbox/" + answer["SetId"])["State"] == "acknowledged":
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the warm-up transfer was not acknowledged: %s"
                                   % hospital.get("/dicom-mail/outbox/" + answer["SetId"]))
            time.sleep(0.5)
        shutil.rmtree(directory, ignore_errors=True)
        partner = hospital.get("/dicom-mail/partners/referrer")
        log("warm-up transfer acknowledged; the hospital sends the referrer %s parts (ReadsBinaryParts %s)"
            % (partner["DicomPartEncoding"], partner["ReadsBinaryParts"]))
        if not self.args.base64_parts and partner["DicomPartEncoding"] != "binary":
            raise RuntimeError("the hospital did not learn binary parts from the warm-up: %s" % partner)

    def gpg(self, home, *args, input=None):
        return run(["gpg", "--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback",
                    "--passphrase", ""] + list(args), input=input).stdout

    def make_stock_gpg_homes(self):
        """Stock GnuPG homes for the pipeline, holding the same site keys as the plugins."""
        exported = {}
        for name in SITES:
            plugin_home = os.path.join(self.root, name, "g")
            exported[name] = (self.gpg(plugin_home, "--armor", "--export-secret-keys", self.keys[name]),
                              self.gpg(plugin_home, "--armor", "--export", self.keys[name]))
        for name in SITES:
            other = "referrer" if name == "hospital" else "hospital"
            home = os.path.join(self.root, "pg-" + name[0])
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True)
            shutil.rmtree(home, ignore_errors=True)
            os.makedirs(home, mode=0o700)
            self.gpg(home, "--import", input=exported[name][0])
            self.gpg(home, "--import", input=exported[other][1])
            self.gpg_homes[name] = home

    def prepare_study(self):
        args = self.args
        slices = args.slices
        if slices is None:
            slices = generate_study.slices_for_size_mb(args.size_mb, 1) if args.size_mb else 500
        directory = os.path.join(self.root, "study-%d-seed%d" % (slices, args.seed))
        summary_path = directory + ".json"
        if os.path.exists(summary_path):
            with open(summary_path) as f:
                summary = json.load(f)
            files = [os.path.join(directory, n) for n in summary["names"]]
            if all(os.path.exists(p) for p in files):
                self.study_dir, self.study_files = directory, files
                self.study_bytes = sum(os.path.getsize(p) for p in files)
                log("study: reusing %s (%d files, %.1f MB)" % (directory, len(files), self.study_bytes / MB))
                return
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        log("study: generating %d slices 512x512 (seed %d) in %s" % (slices, args.seed, directory))
        begin = time.monotonic()
        paths = generate_study.generate_study(directory, seed=args.seed, series=1, slices=slices)
        self.study_dir, self.study_files = directory, paths
        self.study_bytes = sum(os.path.getsize(p) for p in paths)
        with open(summary_path, "w") as f:
            json.dump({"names": [os.path.basename(p) for p in paths], "bytes": self.study_bytes}, f)
        log("study: %d files, %.1f MB in %.0f s" % (len(paths), self.study_bytes / MB, time.monotonic() - begin))

    # ------------------------------------------------------------------------------------------------ between runs

    def reset(self, upload):
        for server in self.servers.values():
            server.reset()
        self.stack.clear_all()
        if upload:
            hospital = self.servers["hospital"]
            begin = time.monotonic()
            for path in self.study_files:
                hospital.upload_dicom(path)
            studies = hospital.get("/studies")
            if len(studies) != 1:
                raise RuntimeError("the hospital holds %d studies after the upload, expected 1" % len(studies))
            log("uploaded the study to the hospital in %.1f s" % (time.monotonic() - begin))
        # Let Orthanc's and the page cache's dust settle after the bulk work.
        time.sleep(self.args.settle)

    # ------------------------------------------------------------------------------------------------ (a)

    def run_dicom_mail(self, perf_path=None):
        hospital, referrer = self.servers["hospital"], self.servers["referrer"]
        study = hospital.get("/studies")[0]
        watcher = MaildirWatcher(self.maildir_of(SITES["referrer"][1]))
        watcher.start()
        cpu_before = {n: cpu_seconds(s.pid) for n, s in self.servers.items()}
        machine_before = machine_busy_seconds()
        mail_before = self.mail_stack_cpu()
        threads_before = {n: thread_cpu(s.pid) for n, s in self.servers.items()}
        perf = self.start_perf(perf_path)
        sampler = MemorySampler({n: s.pid for n, s in self.servers.items()})
        sampler.start()

        # The receiver polls continuously, as one with a short PollInterval would: a poll is triggered, and
        # the next one 0.2 s after it ends, until the transfer is complete. By default this starts together
        # with the send, so the receiver imports the first mails while later ones are still being sent;
        # --receive-after-send starts it only when the send job is done (the two phases one after the other).
        fetch_stop = threading.Event()
        fetch_errors = []

        def fetch_loop():
            while not fetch_stop.is_set():
                try:
                    referrer.post("/dicom-mail/fetch", {}, timeout=self.args.timeout)
                except Exception as e:   # noqa: BLE001 - reported after the run
                    fetch_errors.append(str(e))
                    time.sleep(0.5)
                fetch_stop.wait(0.2)
        fetcher = threading.Thread(target=fetch_loop, daemon=True)
        first = FirstInstanceWatcher(referrer, self.args.first_poll)

        t0 = time.monotonic()
        first.start()
        answer = hospital.post("/dicom-mail/send", {"Resources": [study], "Partner": "referrer"})
        set_id, job_id = answer["SetId"], answer["ID"]
        if not self.args.receive_after_send:
            fetcher.start()
        deadline = t0 + self.args.timeout
        while True:
            job = hospital.get("/jobs/" + job_id)
            if job["State"] == "Success":
                break
            if job["State"] == "Failure" or time.monotonic() > deadline:
                raise RuntimeError("send job %s: %s" % (job_id, json.dumps(job)[:2000]))
            time.sleep(self.args.rest_poll)
        t_job = time.monotonic()
        receive_perf = None
        if self.args.receive_after_send:
            receive_perf = self.start_perf(self.receive_perf_path("dicom-mail"), call_graph=False)
            fetcher.start()

        transfer = None
        while True:
            for t in referrer.get("/dicom-mail/inbox"):
                if t["SetId"] == set_id:
                    transfer = t
            if transfer and transfer["State"].startswith("complete"):
                break
            if transfer and transfer["State"] in ("failed", "rejected") or time.monotonic() > deadline:
                raise RuntimeError("receiving %s: %s; fetch errors: %s" % (set_id, transfer, fetch_errors[-3:]))
            time.sleep(self.args.rest_poll)
        t_done = time.monotonic()
        self.stop_perf(receive_perf)
        self.receive_profile("dicom-mail", receive_perf)
        machine_busy = machine_busy_seconds() - machine_before
        mail_cpu = self.mail_stack_cpu() - mail_before
        fetch_stop.set()
        t_first = first.finish(t0)

        memory = sampler.finish()
        self.stop_perf(perf)
        outbox = hospital.get("/dicom-mail/outbox/" + set_id)
        mail_count = sum(max(1, m["Fragments"]) for m in outbox["Mails"])
        t_delivered, wire_bytes = watcher.wait_for(mail_count, 60)
        watcher.finish()
        fetcher.join(self.args.timeout)
        cpu_after = {n: cpu_seconds(s.pid) for n, s in self.servers.items()}
        threads_after = {n: thread_cpu(s.pid) for n, s in self.servers.items()}

        if transfer["InstancesImported"] + transfer["InstancesAlreadyStored"] != len(self.study_files):
            raise RuntimeError("the receiver imported %s of %d instances: %s"
                               % (transfer["InstancesImported"], len(self.study_files), transfer))
        if len(referrer.get("/instances")) != len(self.study_files):
            raise RuntimeError("the receiver holds %d instances, expected %d"
                               % (len(referrer.get("/instances")), len(self.study_files)))

        delivered = max(t_delivered, t_job)
        cpu = {}
        for n in self.servers:
            own = cpu_after[n][0] - cpu_before[n][0]
            children = cpu_after[n][1] - cpu_before[n][1]
            per_thread = {k: round(v - threads_before[n].get(k, 0.0), 2) for k, v in threads_after[n].items()
                          if v - threads_before[n].get(k, 0.0) >= 0.05}
            cpu[n] = {"orthanc": round(own, 2), "children": round(children, 2), "threads": per_thread}
        return {
            "total": t_done - t0,
            "first_instance": t_first,
            "sending": t_job - t0,
            "delivery": delivered - t_job,
            "receiving": t_done - delivered,
            "mails": mail_count,
            "wire_bytes": wire_bytes,
            "outbox_bytes": outbox["BytesSent"],
            "memory": memory,
            "cpu": cpu,
            "machine_cpu": machine_busy,
            "mail_cpu": mail_cpu,
            "job_speed": job.get("Content", {}).get("SpeedMBs"),
        }

    # ------------------------------------------------------------------------------------------------ (b)

    def run_pipeline(self, perf_path=None):
        stack, referrer = self.stack, self.servers["referrer"]
        sender, recipient = SITES["hospital"][1], SITES["referrer"][1]
        out_dir = os.path.join(self.root, "pipeline-out")
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        watcher = MaildirWatcher(self.maildir_of(recipient))
        watcher.start()
        perf = self.start_perf(perf_path)
        tools_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        referrer_before = cpu_seconds(referrer.pid)
        machine_before = machine_busy_seconds()
        mail_before = self.mail_stack_cpu()

        headers = ("From: <%s>\nTo: <%s>\nSubject: DICOM study\nMIME-Version: 1.0\n"
                   "Content-Type: text/plain; charset=us-ascii\n\n" % (sender, recipient))
        send = (
            "set -eo pipefail; "
            "{ printf '%%s' \"$HEADERS\"; "
            "tar -C %(dir)s -cf - . | "
            "gpg --homedir %(home)s --batch --no-tty --trust-model always --compress-algo zlib -z 1 "
            "--sign --encrypt --armor -r %(to_key)s -u %(from_key)s; } | "
            "curl -sS --url smtp://127.0.0.1:%(port)s/bench.test --ssl-reqd --cacert %(ca)s "
            "--user %(user)s:%(pw)s --mail-from %(user)s --mail-rcpt %(rcpt)s -T -"
        ) % {"dir": self.study_dir, "home": self.gpg_homes["hospital"], "to_key": self.keys["referrer"],
             "from_key": self.keys["hospital"], "port": stack.smtp_port, "ca": stack.ca, "user": sender,
             "pw": stack.password(sender), "rcpt": recipient}
        first = FirstInstanceWatcher(referrer, self.args.first_poll)
        t0 = time.monotonic()
        first.start()
        run(["bash", "-c", send], env=dict(os.environ, HEADERS=headers))
        t_sent = time.monotonic()
        t_delivered, wire_bytes = watcher.wait_for(1, self.args.timeout)
        watcher.finish()
        t_delivered = max(t_delivered, t_sent)

        imap = "imaps://127.0.0.1:%s/INBOX" % stack.imaps_port
        auth = ["--cacert", stack.ca, "--user", "%s:%s" % (recipient, stack.password(recipient))]
        found = run(["curl", "-sS", "--url", imap, "-X", "UID SEARCH ALL"] + auth).stdout.decode()
        uids = [int(x) for x in re.findall(r"\d+", found.split("SEARCH", 1)[-1])]
        if len(uids) != 1:
            raise RuntimeError("expected one mail in the referrer's INBOX, found UIDs %s" % uids)
        receive = (
            "set -eo pipefail; "
            "curl -sS --url '%(imap)s/;UID=%(uid)d' --cacert %(ca)s --user %(user)s:%(pw)s | "
            "gpg --homedir %(home)s --batch --no-tty --trust-model always --decrypt 2>/dev/null | "
            "tar -x -C %(out)s"
        ) % {"imap": imap, "uid": uids[0], "ca": stack.ca, "user": recipient, "pw": stack.password(recipient),
             "home": self.gpg_homes["referrer"], "out": out_dir}
        receive_perf = self.start_perf(self.receive_perf_path("pipeline"), call_graph=False)
        run(["bash", "-c", receive])
        t_decrypted = time.monotonic()
        names = sorted(n for n in os.listdir(out_dir) if n.endswith(".dcm"))
        if len(names) != len(self.study_files):
            raise RuntimeError("the pipeline unpacked %d files, expected %d" % (len(names), len(self.study_files)))
        self.post_files(referrer.url + "/instances", [os.path.join(out_dir, n) for n in names])
        t_done = time.monotonic()
        self.stop_perf(receive_perf)
        self.receive_profile("pipeline", receive_perf)
        machine_busy = machine_busy_seconds() - machine_before
        mail_cpu = self.mail_stack_cpu() - mail_before
        t_first = first.finish(t0)
        self.stop_perf(perf)
        tools_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        referrer_after = cpu_seconds(referrer.pid)
        tools = (tools_after.ru_utime + tools_after.ru_stime) - (tools_before.ru_utime + tools_before.ru_stime)
        if len(referrer.get("/instances")) != len(self.study_files):
            raise RuntimeError("the pipeline imported %d instances, expected %d"
                               % (len(referrer.get("/instances")), len(self.study_files)))
        shutil.rmtree(out_dir, ignore_errors=True)
        return {
            "total": t_done - t0,
            "first_instance": t_first,
            "sending": t_sent - t0,
            "delivery": t_delivered - t_sent,
            "receiving": t_done - t_delivered,
            "fetch_decrypt": t_decrypted - t_delivered,
            "post": t_done - t_decrypted,
            "wire_bytes": wire_bytes,
            # tar, gpg, curl (reaped through bash) and the receiving Orthanc; the mail stack is not counted
            "cpu": {"tools": round(tools, 2), "referrer": round(referrer_after[0] - referrer_before[0], 2)},
            "machine_cpu": machine_busy,
            "mail_cpu": mail_cpu,
        }

    def post_files(self, url, paths):
        """POST each file to /instances with curl: one curl per batch, --next between files (one connection)."""
        batch = 100
        for i in range(0, len(paths), batch):
            command = ["curl", "-sS"]
            for j, path in enumerate(paths[i:i + batch]):
                if j:
                    command.append("--next")
                command += ["-o", "/dev/null", "-w", "%{http_code}\\n", "-H", "Expect:",
                            "--data-binary", "@" + path, url]
            codes = run(command).stdout.decode().split()
            if any(c != "200" for c in codes):
                raise RuntimeError("POST /instances answered %s" % sorted(set(codes)))

    # ------------------------------------------------------------------------------------------------ perf

    def start_perf(self, path, call_graph=True):
        if not path:
            return None
        # cpu-clock: the virtual machines here expose no hardware counters.
        process = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-a"] + (["-g"] if call_graph else []) +
                                   ["-F", str(self.args.perf_frequency), "-o", path],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        process.path = path
        return process

    def receive_perf_path(self, contender):
        """--perf-receive: the receive phase of the first repetition only, with --receive-after-send."""
        if not self.args.perf_receive or self.receive_profiled.get(contender):
            return None
        if contender == "dicom-mail" and not self.args.receive_after_send:
            return None
        self.receive_profiled[contender] = True
        return "%s-%s-receive.data" % (self.args.perf_receive, contender)

    def receive_profile(self, contender, process):
        """Prints where the receive time went (receive_profile.py): the receiver, its gpg, Dovecot, the tools."""
        if process is None:
            return
        referrer = self.servers["referrer"]
        command = [sys.executable, os.path.join(HERE, "receive_profile.py"), process.path,
                   "--orthanc", str(referrer.pid), "--frequency", str(self.args.perf_frequency),
                   "--dovecot", str(pid_with_cmdline("dovecot", self.mail_dir)),
                   "--agent", str(pid_with_cmdline("gpg-agent", os.path.join(self.root, "referrer", "g"))),
                   "--tools", str(os.getpid())]
        log("receive profile, %s (load average %s):\n%s" % (contender, load_average(),
                                                            run(command).stdout.decode()))

    def stop_perf(self, process):
        if process is None:
            return
        process.send_signal(signal.SIGINT)
        process.wait(120)

    # ------------------------------------------------------------------------------------------------ main

    def stop(self):
        for server in self.servers.values():
            server.stop()
        for home in self.gpg_homes.values():
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True)
        subprocess.run([MAILSTACK, "stop", self.mail_dir], check=False, stdout=subprocess.DEVNULL)

    def measure(self):
        args = self.args
        results = {"dicom_mail": [], "pipeline": []}
        for rep in range(args.repetitions):
            perf_dm = perf_pl = None
            if args.perf and rep == 0:
                perf_dm, perf_pl = args.perf + "-dicom-mail.data", args.perf + "-pipeline.data"
            if not args.skip_dicom_mail:
                self.reset(upload=True)
                log("repetition %d: DICOM-Mail" % (rep + 1))
                r = self.run_dicom_mail(perf_dm)
                results["dicom_mail"].append(r)
                log("  %.1f s (first instance %.1f, send %.1f, delivery %.1f, receive %.1f), %.1f MB/s, %d mails, "
                    "%.1f MB on the wire, memory +%.0f / +%.0f MB" % (r["total"], r["first_instance"] or -1,
                                                 r["sending"], r["delivery"], r["receiving"],
                                                 self.study_bytes / MB / r["total"], r["mails"],
                                                 r["wire_bytes"] / MB, r["memory"]["hospital"]["growth"] / MB,
                                                 r["memory"]["referrer"]["growth"] / MB))
            if not args.skip_pipeline:
                self.reset(upload=False)
                log("repetition %d: pipeline" % (rep + 1))
                r = self.run_pipeline(perf_pl)
                results["pipeline"].append(r)
                log("  %.1f s (first instance %.1f, send %.1f, delivery %.1f, receive %.1f = fetch+decrypt %.1f + "
                    "POST %.1f), %.1f MB/s, %.1f MB on the wire" % (r["total"], r["first_instance"] or -1,
                                                       r["sending"], r["delivery"], r["receiving"],
                                                       r["fetch_decrypt"], r["post"],
                                                       self.study_bytes / MB / r["total"], r["wire_bytes"] / MB))
        self.results = results
        return results


# ---------------------------------------------------------------------------------------------------- report

LINK_MBITS = (20, 100)   # a referrer's DSL line, a hospital's uplink


def median(runs, *path):
    values = []
    for r in runs:
        v = r
        for p in path:
            v = v[p]
        values.append(v)
    return statistics.median(values) if values else None


def summarize(bench, results):
    dm, pl = results["dicom_mail"], results["pipeline"]
    size = bench.study_bytes
    s = {"study_bytes": size, "study_files": len(bench.study_files), "repetitions": bench.args.repetitions}
    if dm:
        s["dicom_mail"] = {k: median(dm, k) for k in ("total", "first_instance", "sending", "delivery", "receiving",
                                                      "wire_bytes", "outbox_bytes", "mails")}
        s["dicom_mail"]["mb_per_s"] = size / MB / s["dicom_mail"]["total"]
        s["dicom_mail"]["cpu_seconds"] = median([{"c": sum(r["cpu"][n]["orthanc"] + r["cpu"][n]["children"]
                                                          for n in SITES)} for r in dm], "c")
        s["dicom_mail"]["machine_cpu"] = median(dm, "machine_cpu")
        s["dicom_mail"]["mail_cpu"] = median(dm, "mail_cpu")
        s["dicom_mail"]["memory_growth"] = {n: median(dm, "memory", n, "growth") for n in SITES}
        s["dicom_mail"]["memory_growth_with_children"] = {n: median(dm, "memory", n, "growth_with_children")
                                                          for n in SITES}
    if pl:
        s["pipeline"] = {k: median(pl, k) for k in ("total", "first_instance", "sending", "delivery", "receiving",
                                                    "fetch_decrypt", "post", "wire_bytes")}
        s["pipeline"]["mb_per_s"] = size / MB / s["pipeline"]["total"]
        s["pipeline"]["machine_cpu"] = median(pl, "machine_cpu")
        s["pipeline"]["mail_cpu"] = median(pl, "mail_cpu")
        s["pipeline"]["cpu_seconds"] = median([{"c": r["cpu"]["tools"] + r["cpu"]["referrer"]} for r in pl], "c")
    # Delivery on a real link (#19): the wire bytes at the link's rate, or the contender's own CPU work when
    # that takes longer (its CPU-seconds, counted as if serial: a conservative bound; the whole machine's CPU
    # would count what other processes of a shared machine do).
    for name in ("dicom_mail", "pipeline"):
        if name in s:
            c = s[name]
            c["link_seconds"] = {rate: max(c["wire_bytes"] * 8 / (rate * 1e6), c["cpu_seconds"])
                                 for rate in LINK_MBITS}
    if dm and pl:
        s["link_ratio"] = {rate: s["pipeline"]["link_seconds"][rate] / s["dicom_mail"]["link_seconds"][rate]
                           for rate in LINK_MBITS}
        s["speed_ratio"] = s["dicom_mail"]["mb_per_s"] / s["pipeline"]["mb_per_s"]
        s["wire_ratio"] = s["dicom_mail"]["wire_bytes"] / s["pipeline"]["wire_bytes"]
        if s["dicom_mail"]["first_instance"] and s["pipeline"]["first_instance"]:
            # How many times sooner the plugin's receiver holds its first instance.
            s["first_instance_ratio"] = s["pipeline"]["first_instance"] / s["dicom_mail"]["first_instance"]
    return s


def print_report(bench, s):
    print()
    print("Study: %d files, %.1f MB of DICOM; %d repetitions, medians; load average before: %s; "
          "DICOM-Mail sends %s" % (s["study_files"], s["study_bytes"] / MB, s["repetitions"], s.get("load_before"),
                                   bench.args.transfer_syntax or "as stored"))
    print()
    print("| | DICOM-Mail | pipeline | ratio | target |")
    print("|---|---|---|---|---|")
    dm, pl = s.get("dicom_mail"), s.get("pipeline")

    def cell(d, key, fmt):
        return fmt % d[key] if d else "-"
    ratio = "%.2f" % s["speed_ratio"] if "speed_ratio" in s else "-"
    print("| end to end, MB/s of DICOM | %s | %s | %s | ratio >= 1.5 |"
          % (cell(dm, "mb_per_s", "%.1f"), cell(pl, "mb_per_s", "%.1f"), ratio))
    print("| end to end, s | %s | %s | | |" % (cell(dm, "total", "%.1f"), cell(pl, "total", "%.1f")))
    if bench.args.receive_after_send:
        # Only here is the receive phase the receiver's own work (#15): by default it overlaps the send.
        faster = "%.2f x faster" % (pl["receiving"] / dm["receiving"]) if dm and pl else "-"
        print("| receiving alone (fetch, decrypt, import after the send), s | %s | %s | %s | >= 1.5 x faster |"
              % (cell(dm, "receiving", "%.1f"), cell(pl, "receiving", "%.1f"), faster))
    first = "%.1f x sooner" % s["first_instance_ratio"] if "first_instance_ratio" in s else "-"
    print("| first instance stored at the receiver, s after the send began | %s | %s | %s | >= 10 x sooner |"
          % (cell(dm, "first_instance", "%.2f"), cell(pl, "first_instance", "%.2f"), first))
    wire = "%.3f" % s["wire_ratio"] if "wire_ratio" in s else "-"
    print("| bytes on the wire, MB | %s | %s | %s | ratio <= 1.0 |"
          % ("%.1f" % (dm["wire_bytes"] / MB) if dm else "-", "%.1f" % (pl["wire_bytes"] / MB) if pl else "-", wire))
    for rate in LINK_MBITS:
        faster = "%.2f x faster" % s["link_ratio"][rate] if "link_ratio" in s else "-"
        print("| delivery on a %d Mbit/s link, s (the larger of: wire bytes at that rate, own CPU-seconds) "
              "| %s | %s | %s | |" % (rate,
                                     "%.1f" % dm["link_seconds"][rate] if dm else "-",
                                     "%.1f" % pl["link_seconds"][rate] if pl else "-", faster))
    print("| CPU seconds (Orthancs + reaped children / tools + Orthanc) | %s | %s | | |"
          % (cell(dm, "cpu_seconds", "%.1f"), cell(pl, "cpu_seconds", "%.1f")))
    print("| CPU seconds of the whole machine (2 cores; mail stack, gpg, benchmark included) | %s | %s | | |"
          % (cell(dm, "machine_cpu", "%.1f"), cell(pl, "machine_cpu", "%.1f")))
    print("| CPU seconds of the mail stack (Postfix + Dovecot: SMTP, queue, delivery, IMAP) | %s | %s | | |"
          % (cell(dm, "mail_cpu", "%.1f"), cell(pl, "mail_cpu", "%.1f")))
    if dm:
        for n in SITES:
            print("| memory growth %s, MB (with gpg children) | %.1f (%.1f) | | | <= 100 (1 GB study) |"
                  % (n, dm["memory_growth"][n] / MB, dm["memory_growth_with_children"][n] / MB))
    print()
    print("Split timings (s, medians):")
    if dm:
        runs = bench.results["dicom_mail"]
        print("  DICOM-Mail CPU s: %s" % ", ".join("%s %.1f + reaped children %.1f" % (n, median(runs, "cpu", n, "orthanc"),
                                                                          median(runs, "cpu", n, "children"))
                                                 for n in SITES))
        print("  DICOM-Mail: sending %.1f | delivery %.1f | receiving+import %.1f | total %.1f  (%d mails)"
              % (dm["sending"], dm["delivery"], dm["receiving"], dm["total"], dm["mails"]))
    if pl:
        print("  pipeline:   sending %.1f | delivery %.1f | receiving %.1f (fetch+decrypt+untar %.1f, POST %.1f) | "
              "total %.1f" % (pl["sending"], pl["delivery"], pl["receiving"], pl["fetch_decrypt"], pl["post"],
                              pl["total"]))
    print()


def pid_with_cmdline(*needles):
    """The first process whose command line holds every one of "needles"; 0 if none."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                line = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if all(n in line for n in needles):
            return int(entry)
    return 0


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--slices", type=int, default=None, help="slices of the CT series (default 500, ~260 MB)")
    size.add_argument("--size-mb", type=float, default=None, help="study size in MiB instead (e.g. 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the servers running at the end")
    parser.add_argument("--json", metavar="FILE", help="write every measurement and the medians to FILE")
    parser.add_argument("--state-dir", default="/tmp/dmb")
    parser.add_argument("--http-port", type=int, default=19042, help="hospital's HTTP port; referrer's is +1")
    parser.add_argument("--dicom-port", type=int, default=29242, help="hospital's DICOM port; referrer's is +1")
    parser.add_argument("--mail-port-base", type=int, default=19500, help="MAILSTACK_PORT_BASE of the mail stack")
    parser.add_argument("--plugin", default=os.path.join(os.environ.get("DICOM_MAIL_BUILD_DIR",
                                                                        os.path.join(TOP, "build")),
                                                         "libOrthancDicomMail.so"))
    parser.add_argument("--poll-interval", type=int, default=86400,
                        help="PollInterval of both sites (default: never by itself; the benchmark triggers polls)")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=JSON",
                        help="extra DicomMail setting for both sites, e.g. CompressionLevel=1 or MaxMailSize=50000000")
    parser.add_argument("--orthanc-config", action="append", default=[], metavar="KEY=JSON",
                        help="extra Orthanc setting for both servers, e.g. MaximumStorageCacheSize=0")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one transfer")
    parser.add_argument("--rest-poll", type=float, default=0.25,
                        help="seconds between GET /jobs/{id} and GET /dicom-mail/inbox (each call costs Orthanc "
                             "a few ms of CPU, counted in its figures)")
    parser.add_argument("--first-poll", type=float, default=0.1,
                        help="seconds between the receiver's GET /instances?limit=1 that time the first instance")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds of rest before each measurement")
    parser.add_argument("--base64-parts", action="store_true",
                        help="configure DicomPartEncoding base64 (the wire profile's) on both sites instead of "
                             "letting them learn binary parts in the warm-up")
    parser.add_argument("--receive-after-send", action="store_true",
                        help="start the receiver's polls only when the send job is done (no overlap)")
    parser.add_argument("--transfer-syntax", default="", metavar="SYNTAX",
                        help="the referrer's TransferSyntax at the hospital (#19), e.g. jpeg-ls: DICOM-Mail sends "
                             "the study transcoded (the pipeline still tars the stored files)")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-dicom-mail", action="store_true")
    parser.add_argument("--perf", metavar="PREFIX",
                        help="system-wide `perf record -g` of the first repetition: PREFIX-dicom-mail.data, "
                             "PREFIX-pipeline.data")
    parser.add_argument("--perf-frequency", type=int, default=499)
    parser.add_argument("--verbose-orthanc", action="store_true",
                        help="run both Orthancs with --verbose (their logs then show every REST call)")
    parser.add_argument("--perf-receive", metavar="PREFIX",
                        help="with --receive-after-send: perf record -a of the first repetition's receive phase of "
                             "each contender (PREFIX-*-receive.data) and where its CPU went (receive_profile.py)")
    args = parser.parse_args()

    if os.geteuid() != 0:
        sys.exit("run as root (the mail stack and /proc/<pid>/clear_refs need it)")
    if not os.path.exists(args.plugin):
        sys.exit("plugin not found: %s (build it, or pass --plugin)" % args.plugin)
    os.makedirs(args.state_dir, exist_ok=True)
    os.chmod(args.state_dir, 0o755)   # Postfix and Dovecot run as other users

    bench = Bench(args)
    load_before = load_average()
    try:
        bench.prepare_study()
        bench.start_mailstack()
        bench.start_orthancs()
        bench.pair()
        bench.warm_up()
        bench.make_stock_gpg_homes()
        results = bench.measure()
    finally:
        if not args.keep:
            bench.stop()
        else:
            for server in bench.servers.values():
                orthanc_server._running.discard(server)   # or the harness kills them at exit
            log("servers left running: %s; mail stack %s"
                % (", ".join("%s pid %s %s" % (n, s.pid, s.url) for n, s in bench.servers.items()), bench.mail_dir))
    summary = summarize(bench, results)
    summary["load_before"] = load_before
    summary["load_after"] = load_average()
    print_report(bench, summary)
    print("Load average after: %s" % summary["load_after"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": summary, "runs": results, "arguments": vars(args)}, f, indent=2)
        log("wrote " + args.json)


if __name__ == "__main__":
    main()
