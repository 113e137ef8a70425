# SPDX-License-Identifier: GPL-3.0-or-later
"""Small helpers over imaplib / poplib / smtplib against the test mail stack started by mailstack.sh.

Everything is read from DIR/env.json (ports, CA file, users). Every TLS connection verifies the server against
the stack's CA. Python 3 stdlib only; run with /usr/bin/python3.
"""

import email
import email.policy
import email.utils
import imaplib
import json
import os
import poplib
import re
import smtplib
import ssl
import time

HOST = "127.0.0.1"
TIMEOUT = 60


class MailboxError(RuntimeError):
    pass


def _quote(folder):
    """IMAP quoted string for a folder name (imaplib does not quote by itself)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(result, what):
    typ, data = result
    if typ != "OK":
        raise MailboxError("%s failed: %s %r" % (what, typ, data))
    return data


class MailStack:
    """The running stack described by DIR/env.json."""

    def __init__(self, directory_or_env_json):
        path = directory_or_env_json
        if os.path.isdir(path):
            path = os.path.join(path, "env.json")
        with open(path) as f:
            self.env = json.load(f)
        self.directory = self.env["MAILSTACK_DIR"]
        self.ca = self.env["MAILSTACK_CA"]
        self.other_ca = self.env["MAILSTACK_OTHER_CA"]
        self.smtp_port = self.env["MAILSTACK_SMTP_PORT"]
        self.smtps_port = self.env["MAILSTACK_SMTPS_PORT"]
        self.imap_port = self.env["MAILSTACK_IMAP_PORT"]
        self.imaps_port = self.env["MAILSTACK_IMAPS_PORT"]
        self.pop3_port = self.env["MAILSTACK_POP3_PORT"]
        self.pop3s_port = self.env["MAILSTACK_POP3S_PORT"]
        self.users = dict(self.env["users"])
        # Logged into by the test of many mailboxes only; clear_all() leaves them alone.
        self.hub_users = dict(self.env.get("hub_users", {}))

    # ------------------------------------------------------------------------------------------------ basics

    def password(self, user):
        try:
            return self.users[user] if user in self.users else self.hub_users[user]
        except KeyError:
            raise MailboxError("unknown test user %r (known: %s)"
                               % (user, ", ".join(sorted(self.users) + sorted(self.hub_users))))

    def ssl_context(self, cafile=None):
        context = ssl.create_default_context(cafile=cafile or self.ca)
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        return context

    def imap(self, user):
        """A logged-in IMAP4_SSL connection (caller logs out; or use `with stack.imap(u) as c:`)."""
        conn = imaplib.IMAP4_SSL(HOST, self.imaps_port, ssl_context=self.ssl_context(), timeout=TIMEOUT)
        _check(conn.login(user, self.password(user)), "IMAP LOGIN %s" % user)
        return conn

    def pop3(self, user):
        conn = poplib.POP3_SSL(HOST, self.pop3s_port, context=self.ssl_context(), timeout=TIMEOUT)
        conn.user(user)
        conn.pass_(self.password(user))
        return conn

    # ------------------------------------------------------------------------------------------------ IMAP

    def _select(self, conn, folder, readonly=False):
        _check(conn.select(_quote(folder), readonly=readonly), "SELECT %s" % folder)

    def list_uids(self, user, folder="INBOX"):
        """UIDs of all messages in the folder, ascending."""
        with self.imap(user) as conn:
            self._select(conn, folder, readonly=True)
            data = _check(conn.uid("SEARCH", None, "ALL"), "UID SEARCH")
            return sorted(int(x) for x in data[0].split())

    def count(self, user, folder="INBOX"):
        with self.imap(user) as conn:
            data = _check(conn.status(_quote(folder), "(MESSAGES)"), "STATUS %s" % folder)
            m = re.search(rb"MESSAGES (\d+)", data[0])
            if not m:
                raise MailboxError("unexpected STATUS answer %r" % data)
            return int(m.group(1))

    def fetch(self, user, uid, folder="INBOX"):
        """Raw bytes of one message (BODY.PEEK[]: the \\Seen flag is left alone)."""
        with self.imap(user) as conn:
            self._select(conn, folder, readonly=True)
            return self._fetch_uid(conn, uid)

    def _fetch_uid(self, conn, uid):
        data = _check(conn.uid("FETCH", str(uid), "(BODY.PEEK[])"), "UID FETCH %s" % uid)
        for item in data:
            if isinstance(item, tuple):
                return item[1]
        raise MailboxError("no message with UID %s" % uid)

    def fetch_all(self, user, folder="INBOX"):
        """[(uid, raw bytes)] of every message in the folder, by ascending UID."""
        with self.imap(user) as conn:
            self._select(conn, folder, readonly=True)
            data = _check(conn.uid("SEARCH", None, "ALL"), "UID SEARCH")
            uids = sorted(int(x) for x in data[0].split())
            return [(uid, self._fetch_uid(conn, uid)) for uid in uids]

    def messages(self, user, folder="INBOX"):
        """[(uid, email.message.EmailMessage)] of every message in the folder."""
        return [(uid, email.message_from_bytes(raw, policy=email.policy.default))
                for uid, raw in self.fetch_all(user, folder)]

    def flags(self, user, uid, folder="INBOX"):
        with self.imap(user) as conn:
            self._select(conn, folder, readonly=True)
            data = _check(conn.uid("FETCH", str(uid), "(FLAGS)"), "UID FETCH FLAGS")
            if not data or data[0] is None:
                raise MailboxError("no message with UID %s" % uid)
            m = re.search(rb"FLAGS \(([^)]*)\)", data[0])
            return set(m.group(1).decode().split()) if m else set()

    def delete(self, user, uid, folder="INBOX"):
        with self.imap(user) as conn:
            self._select(conn, folder)
            _check(conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), "UID STORE")
            _check(conn.expunge(), "EXPUNGE")

    def delete_all(self, user, folder="INBOX"):
        """Empties the folder; a missing folder counts as empty."""
        with self.imap(user) as conn:
            if conn.select(_quote(folder))[0] != "OK":
                return
            typ, data = conn.search(None, "ALL")
            if typ == "OK" and data[0]:
                _check(conn.store("1:*", "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
                _check(conn.expunge(), "EXPUNGE")

    def folders(self, user):
        """Names of all folders of the user."""
        with self.imap(user) as conn:
            data = _check(conn.list(), "LIST")
            names = []
            for line in data:
                if not line:
                    continue
                m = re.match(rb'\((?P<flags>[^)]*)\) (?P<sep>"[^"]*"|NIL) (?P<name>.+)$', line)
                if not m:
                    raise MailboxError("unexpected LIST line %r" % line)
                name = m.group("name").decode()
                if name.startswith('"') and name.endswith('"'):
                    name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                names.append(name)
            return names

    def create_folder(self, user, folder):
        with self.imap(user) as conn:
            _check(conn.create(_quote(folder)), "CREATE %s" % folder)

    def append(self, user, raw, folder="INBOX", flags=""):
        """IMAP APPEND of a raw message (bytes, CRLF or LF line ends) to the user's folder; returns its UID."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        raw = re.sub(rb"\r?\n", b"\r\n", raw)
        with self.imap(user) as conn:
            data = _check(conn.append(_quote(folder), "(%s)" % flags if flags else None,
                                      imaplib.Time2Internaldate(time.time()), raw), "APPEND")
            # Dovecot has UIDPLUS: "[APPENDUID <validity> <uid>] Append completed."
            m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            return int(m.group(1)) if m else None

    def wait_count(self, user, n, folder="INBOX", timeout=30.0, at_least=False):
        """Waits until the folder holds exactly n messages (or >= n with at_least); returns the count."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                c = self.count(user, folder)
            except MailboxError:
                c = None  # e.g. folder not created yet
            if c is not None and (c >= n if at_least else c == n):
                return c
            if time.monotonic() >= deadline:
                raise MailboxError("%s/%s holds %s messages after %.0f s, expected %s%d"
                                   % (user, folder, c, timeout, ">= " if at_least else "", n))
            time.sleep(0.1)

    def wait_messages(self, user, n, folder="INBOX", timeout=30.0):
        """Waits until at least n messages are present; returns fetch_all()."""
        self.wait_count(user, n, folder=folder, timeout=timeout, at_least=True)
        return self.fetch_all(user, folder)

    def clear_all(self):
        """Empties INBOX and the folders tests create, for every user."""
        for user in self.users:
            for folder in self.folders(user):
                self.delete_all(user, folder)

    # ------------------------------------------------------------------------------------------------ POP3

    def pop3_list(self, user):
        """[(message number, size)] over POP3S."""
        conn = self.pop3(user)
        try:
            _, lines, _ = conn.list()
            return [tuple(int(x) for x in line.split()) for line in lines]
        finally:
            conn.quit()

    def pop3_retrieve(self, user, number):
        conn = self.pop3(user)
        try:
            _, lines, _ = conn.retr(number)
            return b"\r\n".join(lines) + b"\r\n"
        finally:
            conn.quit()

    # ------------------------------------------------------------------------------------------------ SMTP

    def send(self, raw, sender, recipients, auth_user=None, implicit_tls=False):
        """Submits a raw message over SMTP with STARTTLS (or SMTPS) and AUTH as `auth_user` (default: the sender).
        Returns smtplib's refused-recipients dict (empty when all were accepted)."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if isinstance(recipients, str):
            recipients = [recipients]
        auth_user = auth_user or sender
        if implicit_tls:
            conn = smtplib.SMTP_SSL(HOST, self.smtps_port, local_hostname="harness.test",
                                    context=self.ssl_context(), timeout=TIMEOUT)
        else:
            conn = smtplib.SMTP(HOST, self.smtp_port, local_hostname="harness.test", timeout=TIMEOUT)
            conn.starttls(context=self.ssl_context())
        try:
            conn.ehlo("harness.test")
            conn.login(auth_user, self.password(auth_user))
            return conn.sendmail(sender, recipients, raw)
        finally:
            conn.quit()


def make_message(sender, recipient, subject, body, extra_headers=None):
    """A small plain-text RFC 5322 message (bytes, CRLF line ends)."""
    headers = [
        "From: %s" % sender,
        "To: %s" % recipient,
        "Subject: %s" % subject,
        "Date: %s" % email.utils.formatdate(localtime=False),
        "Message-ID: %s" % email.utils.make_msgid(domain=sender.split("@")[-1]),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    for k, v in (extra_headers or {}).items():
        headers.append("%s: %s" % (k, v))
    text = "\r\n".join(headers) + "\r\n\r\n" + body.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
    return text.encode("utf-8")
