# SPDX-License-Identifier: GPL-3.0-or-later
"""The stock `gpg` command in a scratch home, for interop tests: keys made outside the plugin, checks of what the
plugin exports, and a partner that has no gateway (GpgPartner). Also finds the gpg-agent processes that serve a
GnuPG home (from /proc).

Homes live under a short directory: gpg-agent's sockets must fit in 108 bytes.
"""

import os
import shutil
import subprocess
import tempfile
import time


class GpgError(RuntimeError):
    """gpg exited with an error."""


class StockGpg:
    """One scratch GnuPG home driven by /usr/bin/gpg in batch mode with loopback pinentry."""

    def __init__(self, parent):
        os.makedirs(parent, exist_ok=True)
        self.home = tempfile.mkdtemp(prefix="sg-", dir=parent)
        os.chmod(self.home, 0o700)
        with open(os.path.join(self.home, "gpg-agent.conf"), "w") as f:
            f.write("allow-loopback-pinentry\n")

    def run(self, *args, input=None, passphrase=None, check=True, extra=()):
        command = ["gpg", "--homedir", self.home, "--batch", "--no-tty", "--pinentry-mode", "loopback"]
        command += list(extra)
        if passphrase is not None:
            command += ["--passphrase", passphrase]
        command += list(args)
        data = input.encode() if isinstance(input, str) else input
        result = subprocess.run(command, input=data, capture_output=True, timeout=120)
        if check and result.returncode != 0:
            raise GpgError("%s -> %d: %s" % (" ".join(args), result.returncode,
                                             result.stderr.decode(errors="replace")))
        return result

    def quick_gen_key(self, user_id, algorithm="default", usage="default", expire="never", passphrase="",
                      faked_time=None):
        """Creates a key (with an encryption subkey for algorithm "default"); returns its fingerprint."""
        extra = ["--faked-system-time", "%d!" % faked_time] if faked_time is not None else []
        before = set(self.fingerprints(secret=True))
        self.run("--quick-gen-key", user_id, algorithm, usage, expire, passphrase=passphrase, extra=extra)
        created = set(self.fingerprints(secret=True)) - before
        assert len(created) == 1, created
        return created.pop()

    def batch_gen_keys(self, members):
        """Creates one unprotected Ed25519 key with a Cv25519 encryption subkey per (name, email) in one gpg run
        (a network's members, #25); an email of None gives a user ID without an address. Returns the
        fingerprints, in order."""
        before = set(self.fingerprints(secret=True))
        parameters = ""
        for name, email in members:
            parameters += ("%%no-protection\nKey-Type: eddsa\nKey-Curve: ed25519\nKey-Usage: sign,cert\n"
                           "Subkey-Type: ecdh\nSubkey-Curve: cv25519\nSubkey-Usage: encrypt\n"
                           "Name-Real: %s\n%sExpire-Date: 0\n%%commit\n"
                           % (name, "Name-Email: %s\n" % email if email else ""))
        self.run("--gen-key", input=parameters)
        # Back from user IDs (unique here) to the new fingerprints.
        by_uid = {}
        fpr = None
        for r in self.colons("--list-secret-keys"):
            if r[0] == "sec":
                fpr = "pending"
            elif r[0] == "fpr" and fpr == "pending":
                fpr = r[9]
            elif r[0] == "uid" and fpr not in (None, "pending") and fpr not in before:
                by_uid.setdefault(r[9], fpr)
        result = []
        for name, email in members:
            uid = "%s <%s>" % (name, email) if email else name
            result.append(by_uid[uid])
        return result

    def colons(self, *args):
        """Records of `gpg --with-colons` as lists of fields."""
        text = self.run("--with-colons", "--fixed-list-mode", *args).stdout.decode()
        return [line.split(":") for line in text.splitlines() if line]

    def fingerprints(self, secret=False):
        """Primary key fingerprints in the keyring."""
        records = self.colons("--list-secret-keys" if secret else "--list-keys")
        result = []
        expect_primary_fpr = False
        for r in records:
            if r[0] in ("pub", "sec"):
                expect_primary_fpr = True
            elif r[0] == "fpr" and expect_primary_fpr:
                result.append(r[9])
                expect_primary_fpr = False
            elif r[0] in ("sub", "ssb"):
                expect_primary_fpr = False
        return result

    def export(self, fingerprint):
        return self.run("--armor", "--export", fingerprint).stdout.decode()

    def export_secret(self, fingerprint, passphrase=""):
        return self.run("--armor", "--export-secret-keys", fingerprint, passphrase=passphrase).stdout.decode()

    def import_key(self, text, passphrase=None):
        return self.run("--import", input=text, passphrase=passphrase)

    def revoke(self, fingerprint):
        """Revokes the key with the revocation certificate gpg made at generation; returns the revoked export."""
        path = os.path.join(self.home, "openpgp-revocs.d", fingerprint + ".rev")
        with open(path) as f:
            certificate = f.read()
        # gpg prefixes the armor line with ':' so that the file is not imported by accident.
        certificate = certificate.replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----",
                                          "-----BEGIN PGP PUBLIC KEY BLOCK-----")
        self.import_key(certificate)
        return self.export(fingerprint)

    def signatures_on(self, fingerprint):
        """Long key IDs of the valid signatures on the user IDs of `fingerprint` (`--check-sigs`)."""
        records = self.colons("--check-sigs", fingerprint)
        # sig:!: ... field 5 is the key ID; '!' in field 2 means the signature checked good.
        return [r[4] for r in records if r[0] == "sig" and r[1] == "!"]

    def close(self):
        subprocess.run(["gpgconf", "--homedir", self.home, "--kill", "gpg-agent"], capture_output=True)
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class GpgPartner(StockGpg):
    """A partner that has no gateway: an Ed25519 key with a Cv25519 encryption subkey, made and used by stock gpg."""

    def __init__(self, name, email, parent="/tmp"):
        super().__init__(parent)
        self.email = email
        self.fingerprint = self.quick_gen_key("%s <%s>" % (name, email), "ed25519", "sign,cert")
        self.run("--quick-add-key", self.fingerprint, "cv25519", "encr", "never", passphrase="")

    def export_public(self):
        return self.export(self.fingerprint)

    def decrypt(self, data):
        """Returns (plaintext, status lines) of an OpenPGP message."""
        result = self.run("--status-fd", "2", "--decrypt", input=data)
        return result.stdout, result.stderr.decode(errors="replace")


def agents_of(home):
    """PIDs of the gpg-agent processes whose command line or working directory names `home` (or a directory
    inside it)."""
    home = os.path.abspath(home)
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
            cwd = os.readlink("/proc/%s/cwd" % entry)
        except OSError:
            continue   # gone meanwhile, or a kernel thread
        if not argv or os.path.basename(argv[0]) != "gpg-agent":
            continue
        names_home = any(a == home or a.startswith(home + "/") for a in argv)
        if names_home or cwd == home or cwd.startswith(home + "/"):
            found.append(int(entry))
    return sorted(found)


def wait_agents(home, count, timeout=10.0):
    """Waits until exactly `count` agents serve `home`; returns their PIDs (the last list seen on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        pids = agents_of(home)
        if len(pids) == count or time.monotonic() >= deadline:
            return pids
        time.sleep(0.1)
