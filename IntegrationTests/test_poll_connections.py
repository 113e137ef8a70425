# SPDX-License-Identifier: GPL-3.0-or-later
"""What a poll costs the mail server (issue 15): a mailbox worker keeps its logged-in IMAP connections from one
poll to the next instead of a TLS handshake and LOGIN per folder and poll, and a connection the server closed
(Dovecot restarted, its idle timeout) is replaced by the next poll without failing it.

The site polls only when asked (POST /dicom-mail/fetch), so each step sees exactly the polls it made; Dovecot logs
one "Login: user=<...>" line per IMAP login (mailstack.sh)."""
import os
import subprocess
import time

from conftest import SITES, make_server, site_config

USER = SITES["referrer"][2]


def logins(mailstack):
    with open(os.path.join(mailstack["dir"], "log", "dovecot.log"), errors="replace") as f:
        return sum(1 for line in f if "imap-login: Info: Login: user=<%s>" % USER in line)


def settled_logins(mailstack):
    """The count once Dovecot has written what it logs of the polls so far (logged when the login ends)."""
    count = logins(mailstack)
    for _ in range(20):
        time.sleep(0.25)
        again = logins(mailstack)
        if again == count:
            return count
        count = again
    return count


def poll(server):
    answer = server.post("/dicom-mail/fetch", {})
    assert "Error" not in str(answer), answer
    return answer


def start_receiver(mailstack):
    config = site_config("referrer", mailstack)
    config["Incoming"][0].update(PollInterval=3600)
    server = make_server("referrer", mailstack, config)
    server.start()
    return server


def test_polls_after_the_first_log_in_no_more(mailstack):
    before = settled_logins(mailstack)
    server = start_receiver(mailstack)   # its worker polls once at the start
    try:
        poll(server)
        first = settled_logins(mailstack) - before
        assert first >= 1, "the first poll did not log in at all: is the log where this test reads it?"
        for _ in range(6):
            poll(server)
        later = settled_logins(mailstack) - before - first
        # Before #15 each poll logged in on every folder it used (3 here): 18 more.
        assert later == 0, "6 polls after the first logged in %d more times" % later
    finally:
        server.stop()


def test_a_connection_the_server_closed_is_replaced_by_the_next_poll(mailstack):
    server = start_receiver(mailstack)
    try:
        poll(server)
        before = settled_logins(mailstack)
        # Fails (68, nobody to kick) when the worker kept no connection open.
        subprocess.run(["doveadm", "-c", os.path.join(mailstack["dir"], "dovecot", "dovecot.conf"), "kick", USER],
                       check=True, stdout=subprocess.DEVNULL)
        poll(server)   # no error: the closed connections were found and opened anew
        assert settled_logins(mailstack) > before, "the poll after the kick did not log in again"
        inbox = [a for a in server.get("/dicom-mail/status")["Accounts"] if a["Kind"] == "incoming"]
        assert inbox and all(a["State"] == "ok" for a in inbox), inbox
        poll(server)
    finally:
        server.stop()
