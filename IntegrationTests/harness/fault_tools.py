# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the fault tests: wait loops, Dovecot's per-connection processes, a small tmpfs, secret scans.

Python 3 stdlib only; run with /usr/bin/python3 as root.
"""

import os
import signal
import subprocess
import time


def wait_for(predicate, timeout, what, interval=0.3):
    """Calls predicate() until it returns something true; returns that value or raises AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------------- Dovecot

def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def _parent(pid):
    stat = _read("/proc/%d/stat" % pid).decode(errors="replace")
    # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
    if ")" not in stat:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[1]) if len(fields) > 1 else None


def dovecot_master_pid(stack_dir):
    """PID of the Dovecot master of the mail stack in stack_dir (from its pid file)."""
    text = _read(os.path.join(stack_dir, "dovecot", "run", "master.pid")).decode().strip()
    if not text.isdigit() or not os.path.exists("/proc/" + text):
        raise RuntimeError("the Dovecot of the mail stack in %s is not running" % stack_dir)
    return int(text)


def imap_processes(stack_dir, user):
    """PIDs of the Dovecot `imap` processes (one per logged-in IMAP connection) of `user` in this stack only:
    children of this stack's Dovecot master whose working directory is the user's mail home."""
    master = dovecot_master_pid(stack_dir)
    local_part, domain = user.split("@")
    home = os.path.realpath(os.path.join(stack_dir, "mail", domain, local_part))
    result = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if _read("/proc/%d/comm" % pid).strip() != b"imap" or _parent(pid) != master:
            continue
        try:
            cwd = os.readlink("/proc/%d/cwd" % pid)
        except OSError:
            continue
        if cwd == home or cwd.startswith(home + "/"):
            result.append(pid)
    return result


def kill_pids(pids):
    killed = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        except ProcessLookupError:
            pass
    return killed


# ---------------------------------------------------------------------------------------------------- tmpfs

class SmallTmpfs:
    """A tmpfs of a given size mounted on `directory` (root only); remount() changes its size."""

    def __init__(self, directory, size):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        if os.path.ismount(directory):
            subprocess.run(["umount", "-l", directory], check=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", directory], check=True)

    def resize(self, size):
        subprocess.run(["mount", "-o", "remount,size=%s" % size, self.directory], check=True)

    def close(self):
        if os.path.ismount(self.directory):
            if subprocess.run(["umount", self.directory]).returncode != 0:
                subprocess.run(["umount", "-l", self.directory], check=True)


# ---------------------------------------------------------------------------------------------------- secrets

def secret_fragments(secret, min_length=16):
    """Pieces of a secret worth looking for: the secret itself, and for an armored key every base64 line
    of its body (a leak of any one line is a leak)."""
    lines = [line.strip() for line in secret.splitlines()]
    if len(lines) <= 1:
        return [secret]
    pieces = []
    for line in lines:
        if len(line) >= min_length and not line.startswith("-----") and ":" not in line and not line.startswith("="):
            pieces.append(line)
    return pieces


def find_leaks(texts, secrets):
    """texts: {where: text}; secrets: {name: secret}. Returns ["<name> in <where>", ...]."""
    leaks = []
    for name, secret in secrets.items():
        for piece in secret_fragments(secret):
            for where, text in texts.items():
                if piece in text:
                    leaks.append("%s in %s" % (name, where))
    return sorted(set(leaks))
