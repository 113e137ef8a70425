# SPDX-License-Identifier: GPL-3.0-or-later
"""Two sending Orthancs of one site on one PostgreSQL database (#18).

"node1" and "node2" are the site "hospital": Orthanc's PostgreSQL index plugin on one index database and one
storage directory, this plugin's records (outbox, routing memory, partners) in one PostgreSQL database. Until the
site's keys live in the database (#22), both get a copy of one GnuPG home (node1's, after it was paired with
"referrer"). They poll no mailbox: this is about sending. "referrer" (SQLite) receives.

A send job belongs to its node while the node lives; when it dies, another node resumes the transfer in a job of
a new run, without sending again the mails the SMTP server accepted; the dead node's own job, resumed when it
comes back, sends nothing. An auto-routing rule on both nodes sends each instance of a study once.
"""
import os
import time

import pytest

from cluster import Postgres, copy_gnupg_home, start_plugin_nodes, stop_nodes
from conftest import PORT_OFFSET, ROOT, make_server, pair, plugin_path, site_config
from fault_tools import wait_for
from mail_client import MailStack
from test_faults import assert_study_arrived_once, limit_mail_size, send, sop_uids, upload_study, wait_received
import generate_study

PORTS = [(18061 + PORT_OFFSET, 18261 + PORT_OFFSET), (18062 + PORT_OFFSET, 18262 + PORT_OFFSET)]
MR_TO_REFERRER = {"Name": "MR-cluster", "Partner": "referrer", "Level": "Study", "Filter": {"Modality": "MR"}}


@pytest.fixture(scope="module")
def site(mailstack):
    MailStack(mailstack["dir"]).clear_all()
    directory = os.path.join(ROOT, "cluster-sending")
    pg = Postgres(os.path.join(directory, "pg")).start()
    receiving = site_config("referrer", mailstack)
    receiving["Incoming"][0]["PollInterval"] = 1
    referrer = make_server("referrer", mailstack, receiving)
    config = site_config("hospital", mailstack, Incoming=[], AutoRouting=[MR_TO_REFERRER])
    nodes = start_plugin_nodes(pg, "node", PORTS, plugin_path(), config, directory, start=False)
    try:
        referrer.start()
        nodes[0].start()
        pair(nodes[0], "hospital", referrer, "referrer")   # the partner lands in the shared records
        limit_mail_size(nodes[0], referrer, 1000000)         # several mails: time to kill between them
        nodes[0].stop()
        copy_gnupg_home(nodes[0].dicom_mail_config["GnupgHome"], nodes[1].dicom_mail_config["GnupgHome"])
        for node in nodes:
            node.start()
        yield {"pg": pg, "referrer": referrer, "nodes": nodes}
    finally:
        stop_nodes(nodes)
        referrer.stop()
        pg.stop()


def test_a_send_job_of_a_node_killed_mid_transfer_is_resumed_by_the_other(site, tmp_path):
    node1, node2 = site["nodes"]
    referrer = site["referrer"]
    paths = upload_study(node1, tmp_path, seed=61, slices=12, series=1)
    answer = send(node1, "referrer")
    set_id, job_id = answer["SetId"], answer["ID"]

    def two_sent():
        outbox = node1.get("/dicom-mail/outbox/" + set_id)
        return outbox if sum(m["State"] == "sent" for m in outbox["Mails"]) >= 2 else None
    before = wait_for(two_sent, 120, "two mails to be sent", interval=0.05)
    node1.kill()
    killed_at = time.monotonic()
    assert sum(m["State"] == "sent" for m in before["Mails"]) < before["TotalMails"], \
        "the job ended before the kill: nothing to take over"

    # node2 sees node1's claim lapse (30 s without renewal) and resumes the transfer in a job of its own.
    wait_for(lambda: node2.get("/dicom-mail/outbox/" + set_id)["JobId"] != job_id, 120,
             "node2 to take the transfer over")
    print("take-over of the send job: %.1f s after the SIGKILL" % (time.monotonic() - killed_at))
    def finished():
        outbox = node2.get("/dicom-mail/outbox/" + set_id)
        return outbox if outbox["State"] in ("sent", "acknowledged", "warning") else None
    after = wait_for(finished, 240, "node2 to take the transfer over and finish it")
    assert after["JobId"] != job_id, after
    assert after["JobId"] in node2.get("/jobs"), "the job that finished it is not node2's"
    # Mails the server had accepted before the kill were not sent again.
    accepted = {m["Part"]: m for m in before["Mails"] if m["State"] == "sent"}
    for m in after["Mails"]:
        if m["Part"] in accepted:
            assert m["Attempts"] == 1 and m["MessageId"] == accepted[m["Part"]]["MessageId"], m
    wait_received(referrer, set_id, 240)
    assert_study_arrived_once(node2, referrer, set_id, len(paths))

    # node1 comes back: Orthanc may resume its saved job of the superseded run, which must send nothing.
    node1.start()
    if job_id in node1.get("/jobs"):
        job = node1.wait_job(job_id, timeout=120)
        assert job["State"] == "Success", job
    again = node1.get("/dicom-mail/outbox/" + set_id)
    assert [(m["Part"], m["Attempts"], m["MessageId"]) for m in again["Mails"]] == \
        [(m["Part"], m["Attempts"], m["MessageId"]) for m in after["Mails"]]


def test_an_auto_routing_rule_on_both_nodes_sends_each_instance_once(site, tmp_path):
    node1, node2 = site["nodes"]
    referrer = site["referrer"]
    before = {t["SetId"] for t in node1.get("/dicom-mail/outbox")}
    earlier = set(sop_uids(node1))
    paths = generate_study.generate_study(str(tmp_path), seed=62, slices=6, series=2, modality="MR",
                                          rows=128, cols=128)
    # Half of the study arrives at each node: the study becomes stable on both, and both rules fire.
    for index, path in enumerate(paths):
        (node1 if index % 2 == 0 else node2).upload_dicom(path)
    routed_uids = set(sop_uids(node1)) - earlier
    assert len(routed_uids) == len(paths)

    def routed():
        transfers = [t for t in node1.get("/dicom-mail/outbox") if t["SetId"] not in before]
        done = [t for t in transfers if t["State"] in ("sent", "acknowledged", "warning")]
        total = sum(t["TotalInstances"] for t in done)
        return transfers if transfers and len(done) == len(transfers) and total >= len(paths) else None
    transfers = wait_for(routed, 180, "the rule's transfers to be sent")
    # Every instance in exactly one transfer, whichever node's rule sent it.
    assert sum(t["TotalInstances"] for t in transfers) == len(paths), transfers
    for transfer in transfers:
        wait_received(referrer, transfer["SetId"], 240)
    received = sop_uids(referrer)
    assert routed_uids <= set(received), "an instance of the routed study is missing at the receiver"
    assert all(n == 1 for n in received.values()), "an instance is duplicated at the receiver"
