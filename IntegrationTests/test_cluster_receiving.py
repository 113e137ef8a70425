# SPDX-License-Identifier: GPL-3.0-or-later
"""Two receiving Orthancs of one site on one PostgreSQL database and one mailbox (#18).

"node1" and "node2" are the site "referrer": Orthanc's PostgreSQL index plugin on one index database and one
storage directory, this plugin's records in one PostgreSQL database, the same IMAP account. Until the site's keys
live in the database (#22), both get a copy of one GnuPG home (node1's, after it was paired with "hospital").
"hospital" (SQLite, not polling, so that the acknowledgements it gets can be counted in its INBOX) sends.

Only the node that holds the mailbox's lease (a PostgreSQL advisory lock) polls; every mail is claimed in the
database before it is fetched; the MDNs in the shared queue are claimed by the node that sends them.
"""
import os
import random
import threading
import time

import pytest

from cluster import Postgres, copy_gnupg_home, start_plugin_nodes, stop_nodes
from conftest import PORT_OFFSET, ROOT, make_server, pair, plugin_path, site_config, SITES
from fault_tools import wait_for
from mail_client import MailStack
from test_faults import sop_uids
from test_two_pollers import CLAIM_FOLDER, acknowledged_message_ids, received_parts
import generate_study

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
STUDIES = 20
PORTS = [(18051 + PORT_OFFSET, 18251 + PORT_OFFSET), (18052 + PORT_OFFSET, 18252 + PORT_OFFSET)]


def cluster_status(node):
    return node.get("/dicom-mail/status")["Cluster"]


def holder(node):
    """The node the given node's status names as polling the mailbox (None: nobody now)."""
    return cluster_status(node)["Mailboxes"][0]["PolledBy"]


@pytest.fixture(scope="module")
def site(mailstack):
    stack = MailStack(mailstack["dir"])
    stack.delete_all(HOSPITAL)
    for folder in ("INBOX", "Processed", "Rejected", CLAIM_FOLDER):
        stack.delete_all(REFERRER, folder)
    directory = os.path.join(ROOT, "cluster")
    pg = Postgres(os.path.join(directory, "pg")).start()
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack, Incoming=[]))
    config = site_config("referrer", mailstack)
    config["Incoming"][0]["PollInterval"] = 1
    nodes = start_plugin_nodes(pg, "node", PORTS, plugin_path(), config, directory, start=False)
    try:
        hospital.start()
        nodes[0].start()
        pair(hospital, "hospital", nodes[0], "referrer")   # the partner lands in the shared records
        nodes[0].stop()
        copy_gnupg_home(nodes[0].dicom_mail_config["GnupgHome"], nodes[1].dicom_mail_config["GnupgHome"])
        for node in nodes:
            node.start()
        yield {"stack": stack, "pg": pg, "hospital": hospital, "nodes": nodes}
    finally:
        stop_nodes(nodes)
        hospital.stop()
        pg.stop()


def test_status_names_both_nodes_and_the_mailbox_holder(site):
    nodes = site["nodes"]
    wait_for(lambda: all(holder(n) in ("node1", "node2") for n in nodes), 30, "a holder of the mailbox")
    first = holder(nodes[0])
    for node in nodes:
        status = cluster_status(node)
        assert status["Node"] == node.name
        assert sorted(n["Name"] for n in status["Nodes"]) == ["node1", "node2"]
        assert [n["Name"] for n in status["Nodes"] if n["Self"]] == [node.name]
        assert status["Mailboxes"][0]["Mailbox"] == "inbox"
        assert holder(node) == first   # both say the same: one poller
    # The other node does not poll: its poll answers so.
    other = nodes[1] if first == "node1" else nodes[0]
    assert other.post("/dicom-mail/fetch", {})[0].get("Polled") is False


def instance_count(nodes):
    """The instances in the shared index, asked of whichever node answers (the other may be down)."""
    for node in nodes:
        try:
            return len(sop_uids(node))
        except Exception:   # noqa: BLE001 - killed or starting: ask the other
            continue
    return None


def answering_holder(nodes):
    """The holder of the mailbox as a node that answers says it."""
    for node in nodes:
        try:
            return holder(node)
        except Exception:   # noqa: BLE001 - killed or starting: ask the other
            continue
    return None


class Killer(threading.Thread):
    """Kills the node that polls with SIGKILL at random moments, measures how long the other one takes to take
    the mailbox over (its status names itself as the holder), and restarts the killed one."""

    def __init__(self, nodes, seed):
        super().__init__(daemon=True)
        self.nodes = nodes
        self.random = random.Random(seed)
        self.done = threading.Event()
        self.takeovers = []
        self.error = None

    def run(self):
        try:
            # The first kill comes as soon as the first instance is in: the receiver may otherwise import all of
            # this small batch before a random 1 to 5 s have passed, and no kill would hit it while mail came in.
            while not self.done.is_set() and not instance_count(self.nodes):
                time.sleep(0.05)
            delay = 0
            while not self.done.wait(delay):
                delay = self.random.uniform(1, 5)
                polling = answering_holder(self.nodes)
                victim = next((n for n in self.nodes if n.name == polling), None)
                if victim is None:
                    continue
                survivor = self.nodes[1] if victim is self.nodes[0] else self.nodes[0]
                victim.kill()
                killed_at = time.monotonic()
                wait_for(lambda: holder(survivor) == survivor.name, 120, "take-over by " + survivor.name, 0.1)
                self.takeovers.append(time.monotonic() - killed_at)
                victim.start()
        except Exception as e:   # noqa: BLE001 - reported by the test
            self.error = e


def test_a_node_killed_at_random_moments_loses_no_mail_and_doubles_none(site, tmp_path):
    stack, pg, hospital, nodes = site["stack"], site["pg"], site["hospital"], site["nodes"]
    studies = []
    for i in range(STUDIES):
        paths = generate_study.generate_study(str(tmp_path / str(i)), seed=300 + i, slices=2, series=1,
                                              rows=64, cols=64)
        uploaded = [hospital.upload_dicom(path) for path in paths]
        studies.append(uploaded[0]["ParentStudy"])
    expected_instances = 2 * STUDIES

    seed = int(os.environ.get("DICOM_MAIL_CLUSTER_SEED", time.time()))
    print("kill schedule seed %d" % seed)
    killer = Killer(nodes, seed)
    started = time.monotonic()
    killer.start()
    set_ids = []
    try:
        for study in studies:
            set_ids.append(hospital.post("/dicom-mail/send", {"Resources": [study], "Partner": "referrer"})["SetId"])
        for set_id in set_ids:
            wait_for(lambda: hospital.get("/dicom-mail/outbox/" + set_id)["MailsSent"] >= 1, 300,
                     "mail of %s sent" % set_id)
        sent_ids = [m["MessageId"].strip("<>") for s in set_ids
                    for m in hospital.get("/dicom-mail/outbox/" + s)["Mails"]]

        wait_for(lambda: instance_count(nodes) == expected_instances, 600, "every instance in Orthanc")
        wait_for(lambda: len(acknowledged_message_ids(stack)) >= len(sent_ids), 300, "an acknowledgement per mail")
    finally:
        killer.done.set()
        killer.join(180)
    assert killer.error is None, killer.error
    elapsed = time.monotonic() - started
    for node in nodes:
        if not node.is_running():
            node.start()
    time.sleep(8)   # more polls of both: nothing may arrive, or be answered, a second time

    counts = sop_uids(nodes[0])
    assert len(counts) == expected_instances
    assert all(n == 1 for n in counts.values()), {uid: n for uid, n in counts.items() if n != 1}
    assert sop_uids(nodes[1]) == counts   # one index

    records = received_parts(nodes[0], set(set_ids))
    assert sorted(key for key, _ in records) == sorted((s, 1) for s in set_ids), records
    # A node killed after Orthanc stored a mail's instances but before it recorded the mail: its successor imports
    # the mail again, Orthanc keeps the instances once and the record says so.
    mails = [m for m in nodes[0].get("/dicom-mail/mails?limit=100000") if m["SetId"] in set(set_ids)]
    again = [m for m in mails if m["State"] == "warning" and "already stored" in (m.get("Reason") or "")]
    odd = [(m["SetId"], m["State"], m.get("Reason")) for m in mails if m["State"] != "imported" and m not in again]
    assert not odd, odd

    acknowledged = acknowledged_message_ids(stack)
    assert sorted(acknowledged) == sorted(sent_ids), "not exactly one acknowledgement per mail"
    assert stack.count(REFERRER) == 0, "mail left in the INBOX"
    assert stack.count(REFERRER, CLAIM_FOLDER) == 0, "a claim was left behind on the server"
    assert stack.count(REFERRER, "Processed") == len(sent_ids)
    assert pg.psql("dicom_mail", "SELECT count(*) FROM acknowledgement_queue WHERE sent_at = ''") == "0"

    print("%d studies, %d mails, %d kills in %.0f s, %d mails imported again after a kill; take-over of polling "
          "after a SIGKILL: %s s" % (STUDIES, len(sent_ids), len(killer.takeovers), elapsed, len(again),
        ", ".join("%.1f" % t for t in killer.takeovers)))
    assert killer.takeovers, "no node was killed while the mail came in"
