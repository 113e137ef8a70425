#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A network hub (issue 25): 1,000 partners, their keys, 100,000 transfers recorded. Prints figures, asserts none.

Makes N partner keys in one stock gpg run (cached under the test root, not timed), starts one Orthanc with the
plugin ("hospital", against the tests' loopback mail stack), imports the keys with POST /dicom-mail/keys/bulk
(450 first, as a network's keyring, then the rest) creating the partners, certifies a few, and times:
GET /dicom-mail/partners and GET /dicom-mail/keys (first answer after a keyring change, then warm), one
partner, the start of a send (POST /dicom-mail/send to the last partner), and the outbox and inbox pages with
100,000 transfers each (inserted into the SQLite store while Orthanc is stopped). With --browser, the time from
the click on "Send via DICOM-Mail" to the picker listing every partner in Debian's Chromium.

Environment as for the integration tests: DICOM_MAIL_TEST_ROOT, DICOM_MAIL_PORT_OFFSET, MAILSTACK_PORT_BASE.
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "IntegrationTests"))

import conftest  # noqa: E402  (the tests' sites, ports and mail stack)
from generate_study import generate_study  # noqa: E402
from stock_gpg import StockGpg  # noqa: E402


def log(message):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def timed(action):
    start = time.monotonic()
    result = action()
    return time.monotonic() - start, result


def median_of(action, runs=5):
    return statistics.median(timed(action)[0] for _ in range(runs))


def network_keys(count):
    """(armored public keys, fingerprints) of `count` members, made once and kept under the test root."""
    directory = os.path.join(conftest.ROOT, "hub-keys-%d" % count)
    bundle_path = os.path.join(directory, "bundle.asc")
    if os.path.exists(bundle_path):
        with open(os.path.join(directory, "fingerprints.json")) as f:
            fingerprints = json.load(f)
        with open(bundle_path) as f:
            return [f.read()], fingerprints
    os.makedirs(directory, exist_ok=True)
    gpg = StockGpg(conftest.ROOT)
    try:
        seconds, fingerprints = timed(lambda: gpg.batch_gen_keys(
            [("Mitglied %04d" % i, "mitglied%04d@verbund.example" % i) for i in range(count)]))
        log("made %d keys in %.1f s (one gpg run; not part of the figures)" % (count, seconds))
        bundle = gpg.run("--armor", "--export", *fingerprints).stdout.decode()
    finally:
        gpg.close()
    with open(bundle_path, "w") as f:
        f.write(bundle)
    with open(os.path.join(directory, "fingerprints.json"), "w") as f:
        json.dump(fingerprints, f)
    return [bundle], fingerprints


def split_bundle(fingerprints, first):
    """Two bundles, the first with `first` keys, exported again from a scratch home."""
    gpg = StockGpg(conftest.ROOT)
    try:
        with open(os.path.join(conftest.ROOT, "hub-keys-%d" % len(fingerprints), "bundle.asc")) as f:
            gpg.import_key(f.read())
        return (gpg.run("--armor", "--export", *fingerprints[:first]).stdout.decode(),
                gpg.run("--armor", "--export", *fingerprints[first:]).stdout.decode())
    finally:
        gpg.close()


def fill_store(database, transfers, partners):
    """`transfers` outbox and inbox records, cloned from the one real transfer, spread over a year."""
    db = sqlite3.connect(database)
    real = db.execute("SELECT * FROM outbox_transfers").fetchone()
    columns = [c[1] for c in db.execute("PRAGMA table_info(outbox_transfers)")]
    mail = db.execute("SELECT * FROM outbox_mails").fetchone()
    mail_columns = [c[1] for c in db.execute("PRAGMA table_info(outbox_mails)")]
    inbox_columns = db.execute("PRAGMA table_info(inbox_transfers)").fetchall()
    year = 365 * 86400
    base = time.time() - year
    rows, mails, inbox = [], [], []
    for i in range(transfers):
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + i * year / transfers))
        set_id = "20260101.000000.%08x" % i
        partner = partners[i % len(partners)]
        row = dict(zip(columns, real))
        row.update(set_id=set_id, partner=partner, created=when, finished=when, state="acknowledged")
        rows.append([row[c] for c in columns])
        m = dict(zip(mail_columns, mail))
        m.update(set_id=set_id, message_id="<%s.1@hub>" % set_id, state="acknowledged")
        mails.append([m[c] for c in mail_columns])
        record = {c[1]: ("" if c[2].upper() == "TEXT" else 0) for c in inbox_columns}
        record.update(set_id="20260102.000000.%08x" % i, partner=partner, state="complete", first_received=when,
                      completed_at=when, sender_date=when, last_import_at=when, reasons="[]",
                      mails_expected=1, mails_received=1, instances_imported=1)
        inbox.append([record[c[1]] for c in inbox_columns])
    with db:
        db.executemany("INSERT INTO outbox_transfers VALUES (%s)" % ",".join("?" * len(columns)), rows)
        db.executemany("INSERT INTO outbox_mails VALUES (%s)" % ",".join("?" * len(mail_columns)), mails)
        db.executemany("INSERT INTO inbox_transfers VALUES (%s)" % ",".join("?" * len(inbox_columns)), inbox)
    db.close()


def picker_seconds(server, study, partners):
    script = os.path.join(HERE, "hub_picker.mjs")
    result = subprocess.run(["node", script, server.url, study, str(partners)], capture_output=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError("picker: %s" % result.stderr.decode(errors="replace")[-2000:])
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--first", type=int, default=450, help="keys of the first bulk import")
    parser.add_argument("--transfers", type=int, default=100000)
    parser.add_argument("--browser", action="store_true", help="also time the Explorer's picker in Chromium")
    args = parser.parse_args()

    subprocess.run([conftest.MAILSTACK, "start", os.path.join(conftest.ROOT, "mailstack")], check=True,
                   capture_output=True)
    with open(os.path.join(conftest.ROOT, "mailstack", "env.json")) as f:
        stack = json.load(f)
    stack["dir"] = os.path.join(conftest.ROOT, "mailstack")

    _, fingerprints = network_keys(args.partners)
    first, rest = split_bundle(fingerprints, args.first)
    figures = {}
    hub = conftest.make_server("hospital", stack)
    hub.start()
    try:
        seconds, answer = timed(lambda: hub.post("/dicom-mail/keys/bulk", {"PublicKeys": first, "CreatePartners": True},
                                                 timeout=600))
        figures["bulk import of %d keys + partners, s" % args.first] = seconds
        assert answer["New"] == args.first and answer["PartnersCreated"] == args.first, answer["Refused"]
        seconds, answer = timed(lambda: hub.post("/dicom-mail/keys/bulk", {"PublicKeys": rest, "CreatePartners": True},
                                                 timeout=600))
        figures["bulk import of the other %d keys + partners, s" % (args.partners - args.first)] = seconds
        partners = [p["Name"] for p in hub.get("/dicom-mail/partners")]
        assert len(partners) == args.partners, len(partners)

        target = "mitglied%04d_verbund.example" % (args.partners - 1)
        for fpr in fingerprints[-3:]:
            hub.post("/dicom-mail/keys/%s/certify" % fpr, {})
        figures["GET /dicom-mail/partners, first after a change, s"] = timed(lambda: hub.get("/dicom-mail/partners"))[0]
        time.sleep(1.5)   # past the racy window of the last change: listings may be reused
        figures["GET /dicom-mail/partners, s"] = median_of(lambda: hub.get("/dicom-mail/partners"))
        figures["GET /dicom-mail/partners/{id}, s"] = median_of(lambda: hub.get("/dicom-mail/partners/" + target))
        figures["GET /dicom-mail/keys, s"] = median_of(lambda: hub.get("/dicom-mail/keys"))

        paths = generate_study(os.path.join(conftest.ROOT, "hub-study"), seed=25, series=1, slices=2, rows=32, cols=32)
        study = None
        for path in paths:
            study = hub.upload_dicom(path)["ParentStudy"]
        figures["POST /dicom-mail/send, s"] = median_of(
            lambda: hub.post("/dicom-mail/send", {"Resources": [study], "Partner": target}), runs=3)

        if args.browser:
            figures["Explorer picker in Chromium (click to %d partners listed), s" % args.partners] = \
                picker_seconds(hub, study, args.partners)["seconds"]

        hub.stop()
        database = os.path.join(conftest.ROOT, "hospital", "dicom-mail.db")
        seconds, _ = timed(lambda: fill_store(database, args.transfers, partners))
        log("inserted %d outbox and %d inbox transfers in %.1f s" % (args.transfers, args.transfers, seconds))
        hub.start()
        deep = args.transfers // 2
        for box in ("outbox", "inbox"):
            figures["GET /dicom-mail/%s?limit=50, s" % box] = median_of(lambda: hub.get("/dicom-mail/%s?limit=50" % box))
            figures["GET /dicom-mail/%s?limit=50&since=%d, s" % (box, deep)] = median_of(
                lambda: hub.get("/dicom-mail/%s?limit=50&since=%d" % (box, deep)))
            figures["GET /dicom-mail/%s?partner=...&limit=50, s" % box] = median_of(
                lambda: hub.get("/dicom-mail/%s?partner=%s&limit=50" % (box, partners[7])))
            figures["GET /dicom-mail/%s?state=failed (none), s" % box] = median_of(
                lambda: hub.get("/dicom-mail/%s?state=failed" % box))
    finally:
        hub.stop()

    print()
    print("Hub with %d partners (keys imported, %d certified), %d outbox + %d inbox transfers; medians of 5"
          % (args.partners, 3, args.transfers, args.transfers))
    print("load average before: %s" % open("/proc/loadavg").read().split()[0])
    for name, value in figures.items():
        print("  %-70s %8.3f" % (name, value))


if __name__ == "__main__":
    main()
