#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one idle poll costs (issue 15): wall time of POST /dicom-mail/fetch on an empty IMAPS mailbox, the CPU it
takes in Orthanc and in Dovecot (its master, the login and imap processes), and the IMAP logins it makes. Prints
figures, asserts none.

Several plugins (--plugin, repeatable) are measured in alternation, round after round, so that they share the
machine's load of the same minutes. Environment as for the integration tests: DICOM_MAIL_TEST_ROOT,
DICOM_MAIL_PORT_OFFSET, MAILSTACK_PORT_BASE.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "IntegrationTests"))

import conftest  # noqa: E402  (the tests' sites, ports and mail stack)

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, children=False):
    """utime + stime (+ the reaped children's) of one process; 0 once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    used = int(fields[11]) + int(fields[12])
    if children:
        used += int(fields[13]) + int(fields[14])
    return used / TICKS


def descendants(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid:
                found.append(child)
                frontier.append(child)
    return found


def dovecot_cpu(master):
    """The master with its reaped children, and the processes still alive below it."""
    return cpu_seconds(master, children=True) + sum(cpu_seconds(p) for p in descendants(master))


def logins(stack_dir, user):
    with open(os.path.join(stack_dir, "log", "dovecot.log"), errors="replace") as f:
        return sum(1 for line in f if "Login: user=<%s>" % user in line)


def measure(plugin, mailstack, master, polls):
    conftest.plugin_path = lambda: plugin
    config = conftest.site_config("referrer", mailstack)
    config["Incoming"][0].update(PollInterval=86400)
    server = conftest.make_server("referrer", mailstack, config)
    server.start()
    try:
        user = conftest.SITES["referrer"][2]
        for _ in range(2):   # the start's poll and one more: sessions and caches warm
            server.post("/dicom-mail/fetch", {})
        time.sleep(1)
        walls = []
        orthanc0, dovecot0, logins0 = cpu_seconds(server.pid), dovecot_cpu(master), logins(mailstack["dir"], user)
        for _ in range(polls):
            start = time.monotonic()
            answer = server.post("/dicom-mail/fetch", {})
            walls.append(time.monotonic() - start)
            if "Error" in json.dumps(answer):
                raise RuntimeError("poll failed: %s" % answer)
        time.sleep(1)   # Dovecot reaps and logs what the last poll ended
        return {
            "wall_ms_median": 1000 * statistics.median(walls),
            "orthanc_cpu_ms_per_poll": 1000 * (cpu_seconds(server.pid) - orthanc0) / polls,
            "dovecot_cpu_ms_per_poll": 1000 * (dovecot_cpu(master) - dovecot0) / polls,
            "logins_per_poll": (logins(mailstack["dir"], user) - logins0) / polls,
        }
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plugin", action="append", required=True, help="libOrthancDicomMail.so to measure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--polls", type=int, default=20)
    args = parser.parse_args()

    directory = os.path.join(conftest.ROOT, "mailstack")
    subprocess.run([conftest.MAILSTACK, "start", directory], check=True)
    try:
        with open(os.path.join(directory, "env.json")) as f:
            mailstack = json.load(f)
        mailstack["dir"] = directory
        conf = os.path.join(directory, "dovecot", "dovecot.conf")
        master = int(subprocess.run(["pgrep", "-o", "-f", "dovecot -c " + conf], check=True,
                                    stdout=subprocess.PIPE, text=True).stdout.split()[0])
        results = {p: [] for p in args.plugin}
        for round_ in range(args.rounds):
            for plugin in args.plugin:
                figures = measure(plugin, mailstack, master, args.polls)
                results[plugin].append(figures)
                print("round %d %s: %s" % (round_ + 1, plugin,
                                           ", ".join("%s %.1f" % item for item in figures.items())), flush=True)
        print("load average at the end: %s" % open("/proc/loadavg").read().strip())
        for plugin, rounds in results.items():
            print("median of %d rounds, %s:" % (len(rounds), plugin))
            for key in rounds[0]:
                print("  %-26s %.2f" % (key, statistics.median(r[key] for r in rounds)))
    finally:
        subprocess.run([conftest.MAILSTACK, "stop", directory], check=False)


if __name__ == "__main__":
    main()
