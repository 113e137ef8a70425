#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sends one study by DICOM-Mail through Orthanc's REST API (python requests).

    send_study.py STUDY_ORTHANC_ID PARTNER [--url http://localhost:8042] [--user U --password P]

Prints the job and transfer ids, waits for the send job, then prints the
transfer as the sender's outbox records it.
"""
import argparse
import json
import sys
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def send_study(url, study, partner, auth=None, timeout=600):
    session = requests.Session()
    session.auth = auth
    # Orthanc closes an idle keep-alive connection after a short time; a poll that reuses it just as it closes gets
    # "connection aborted". Reading a job or the outbox is idempotent, so such GETs are retried; the POST is not.
    session.mount(url, HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5, allowed_methods=frozenset(["GET"]))))
    # Answers at once with the job id: the mail goes out in Orthanc's job engine.
    r = session.post(url + "/dicom-mail/send", json={"Resources": [study], "Partner": partner}, timeout=60)
    r.raise_for_status()
    answer = r.json()
    print("job %s, transfer %s" % (answer["ID"], answer["SetId"]))

    deadline = time.monotonic() + timeout
    while True:
        job = session.get(url + "/jobs/" + answer["ID"], timeout=60).json()
        if job["State"] == "Success":
            break
        if job["State"] == "Failure":
            raise RuntimeError("the send job failed: %s" % json.dumps(job.get("Content")))
        if time.monotonic() > deadline:
            raise RuntimeError("the send job is still %s" % job["State"])
        time.sleep(1)
    return session.get(url + "/dicom-mail/outbox/" + answer["SetId"], timeout=60).json()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", help="Orthanc id of the study")
    parser.add_argument("partner", help="partner name, see GET /dicom-mail/partners")
    parser.add_argument("--url", default="http://localhost:8042")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    auth = (args.user, args.password) if args.user else None
    try:
        transfer = send_study(args.url.rstrip("/"), args.study, args.partner, auth)
    except (requests.RequestException, RuntimeError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    print(json.dumps(transfer, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
