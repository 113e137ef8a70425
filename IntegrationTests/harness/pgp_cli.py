# SPDX-License-Identifier: GPL-3.0-or-later
"""A partner that has no gateway: keys and decryption with the stock gpg command."""
import os
import shutil
import subprocess
import tempfile


class GpgHome:
    def __init__(self, name, email):
        self.directory = tempfile.mkdtemp(prefix="gpg-", dir="/tmp")
        os.chmod(self.directory, 0o700)
        self.email = email
        self._gpg("--quick-gen-key", "--passphrase", "", "%s <%s>" % (name, email), "ed25519", "sign,cert", "never")
        self.fingerprint = self.fingerprints(email)[0]
        self._gpg("--quick-add-key", "--passphrase", "", self.fingerprint, "cv25519", "encr", "never")

    def _gpg(self, *args, input=None):
        result = subprocess.run(["gpg", "--homedir", self.directory, "--batch", "--yes", "--pinentry-mode",
                                 "loopback"] + list(args), input=input, capture_output=True)
        if result.returncode != 0:
            raise RuntimeError("gpg %s failed: %s" % (" ".join(args[:2]), result.stderr.decode(errors="replace")))
        return result.stdout

    def fingerprints(self, pattern=None):
        out = self._gpg("--with-colons", "--list-keys", *( [pattern] if pattern else [])).decode()
        return [line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:")][::1]

    def export_public(self):
        return self._gpg("--armor", "--export", self.fingerprint).decode()

    def import_key(self, armored):
        self._gpg("--import", input=armored.encode() if isinstance(armored, str) else armored)

    def decrypt(self, data):
        """Returns (plaintext, status lines) of an OpenPGP message."""
        result = subprocess.run(["gpg", "--homedir", self.directory, "--batch", "--status-fd", "2", "--decrypt"],
                                input=data, capture_output=True)
        if result.returncode != 0:
            raise RuntimeError("gpg --decrypt failed: %s" % result.stderr.decode(errors="replace"))
        return result.stdout, result.stderr.decode(errors="replace")

    def close(self):
        subprocess.run(["gpgconf", "--homedir", self.directory, "--kill", "gpg-agent"], capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)
