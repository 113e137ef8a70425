# SPDX-License-Identifier: GPL-3.0-or-later
"""Keys on every node (#18): two Orthancs of one site on one PostgreSQL database, each with a GnuPG home of its own.

Nothing is copied between the nodes' GnuPG homes: "keys1" makes the site key (protected by the site passphrase, the
same PassphraseFile on both), "keys2" starts later and takes it from the shared `key_material` table. A partner key
imported and certified over REST on keys1 is then used by keys2, which sends with it.
"""
import os

import pytest

from cluster import Postgres, start_plugin_nodes, stop_nodes
from conftest import PORT_OFFSET, ROOT, make_server, plugin_path, site_config, SITES
from fault_tools import wait_for
from mail_client import MailStack
from test_autorouting import small_study, upload, wait_received

HOSPITAL = SITES["hospital"][2]
REFERRER = SITES["referrer"][2]
PORTS = [(18055 + PORT_OFFSET, 18255 + PORT_OFFSET), (18056 + PORT_OFFSET, 18256 + PORT_OFFSET)]


def site_key(node):
    try:
        return node.get("/dicom-mail/keys/site")
    except Exception:   # noqa: BLE001 - no site key yet
        return None


@pytest.fixture(scope="module")
def site(mailstack):
    stack = MailStack(mailstack["dir"])
    for box in (HOSPITAL, REFERRER):
        for folder in ("INBOX", "Processed", "Rejected"):
            stack.delete_all(box, folder)
    directory = os.path.join(ROOT, "cluster-keys")
    os.makedirs(directory, exist_ok=True)
    passphrase = os.path.join(directory, "passphrase")
    with open(passphrase, "w") as f:
        f.write("one passphrase for every node\n")
    pg = Postgres(os.path.join(directory, "pg")).start()
    hospital = make_server("hospital", mailstack, site_config("hospital", mailstack))
    config = site_config("referrer", mailstack, Incoming=[])
    config.update({"PassphraseFile": passphrase, "KeySyncInterval": 1})
    nodes = start_plugin_nodes(pg, "keys", PORTS, plugin_path(), config, directory, start=False)
    try:
        hospital.start()
        nodes[0].start()
        # keys2 must find keys1's site key in the database, not make one of its own.
        wait_for(lambda: site_key(nodes[0]), 60, "keys1's site key")
        nodes[1].start()
        yield {"hospital": hospital, "nodes": nodes}
    finally:
        stop_nodes(nodes)
        hospital.stop()
        pg.stop()


def test_a_key_certified_on_one_node_is_used_by_the_other(site, tmp_path):
    hospital = site["hospital"]
    keys1, keys2 = site["nodes"]

    ours = site_key(keys1)
    assert wait_for(lambda: site_key(keys2), 60, "keys2's site key")["Fingerprint"] == ours["Fingerprint"]
    assert [k["Fingerprint"] for k in keys2.get("/dicom-mail/keys") if k["HasSecret"]] == [ours["Fingerprint"]]

    # The hospital's key is imported and certified on keys1 only; the partner record is shared anyway.
    theirs = hospital.get("/dicom-mail/keys/site")
    keys1.post("/dicom-mail/keys", theirs["PublicKey"])
    keys1.post("/dicom-mail/keys/%s/certify" % theirs["Fingerprint"], {})
    keys1.put("/dicom-mail/partners/hospital", {"Addresses": [HOSPITAL], "Fingerprint": theirs["Fingerprint"]})
    hospital.post("/dicom-mail/keys", ours["PublicKey"])
    hospital.post("/dicom-mail/keys/%s/certify" % ours["Fingerprint"], {})
    hospital.put("/dicom-mail/partners/referrer", {"Addresses": [REFERRER], "Fingerprint": ours["Fingerprint"]})

    def certified_on_keys2():
        key = {k["Fingerprint"]: k for k in keys2.get("/dicom-mail/keys")}.get(theirs["Fingerprint"])
        return key if key and key["CertifiedBySite"] and key["Validity"] == "full" else None
    wait_for(certified_on_keys2, 60, "the hospital's key, certified, on keys2")

    # keys2 encrypts to the key certified on keys1 and signs with the site key it took from the database.
    ids = upload(keys2, small_study(tmp_path / "ct", 83, "CT", slices=2))
    study = keys2.get("/instances/%s/study" % next(iter(ids)))["ID"]
    answer = keys2.post("/dicom-mail/send", {"Resources": [study], "Partner": "hospital"})
    assert wait_received(hospital, answer["SetId"])["InstancesImported"] == 2
