# SPDX-License-Identifier: GPL-3.0-or-later
"""Orthanc's Prometheus endpoint carries the plugin's metrics, and after a real
transfer they agree with the plugin's own REST answers."""
import calendar
import os
import re
import time

import sample_files
from conftest import ROOT
from stock_gpg import StockGpg
from test_send_receive import transfer_round_trip

PREFIX = "orthanc_dicom_mail_"


def read_metrics(server):
    """{name: value} of the plugin's metrics (Orthanc writes "name value timestamp")."""
    text = server.get("/tools/metrics-prometheus", raw=True).text
    metrics = {}
    for line in text.splitlines():
        match = re.match(r"^(%s\w+) (\S+)" % PREFIX, line)
        if match:
            metrics[match.group(1)] = float(match.group(2))
    return metrics


def utc_seconds(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def close(a, b):
    # Orthanc 1.10 keeps a metric as a 32-bit float: 24 bits of mantissa.
    return abs(a - b) <= max(1.0, abs(b) * 1e-6)


def expected_key_expiry_days(server, now):
    """The earliest expiry among the site key and the partners' keys, from /dicom-mail/keys."""
    in_use = {server.get("/dicom-mail/keys/site")["Fingerprint"]}
    in_use |= {p["Fingerprint"] for p in server.get("/dicom-mail/partners") if p.get("Fingerprint")}
    dates = []
    for key in server.get("/dicom-mail/keys"):
        if key["Fingerprint"] in in_use and not key.get("Revoked"):
            dates += [utc_seconds(key[k]) for k in ("Expires", "EncryptionExpires") if key.get(k)]
    return (min(dates) - now) / 86400.0 if dates else None


def test_metrics_after_a_transfer(paired, stack):
    hospital, referrer = paired
    test_started = time.time()
    before = read_metrics(hospital)
    assert before[PREFIX + "transfers_sent_total"] == 0
    assert before[PREFIX + "mails_quarantined"] == 0

    set_id, received, outbox = transfer_round_trip(hospital, referrer,
                                                   [sample_files.ct_small(), sample_files.mr_small()])

    sent = read_metrics(hospital)
    assert sent[PREFIX + "transfers_sent_total"] == 1
    assert sent[PREFIX + "transfers_send_failed_total"] == 0
    assert sent[PREFIX + "mails_in_flight"] == 0
    assert sent[PREFIX + "mails_awaiting_acknowledgement"] == 0        # all acknowledged
    assert close(sent[PREFIX + "sent_bytes_total"], outbox["BytesSent"])
    assert outbox["BytesSent"] > 0
    duration = sent[PREFIX + "last_sent_transfer_duration_seconds_referrer"]
    assert duration == utc_seconds(outbox["Finished"]) - utc_seconds(outbox["Created"])
    # Polled successfully during the test: the age counts from that poll, not
    # from the plugin's start (which was before the test began).
    assert 0 <= sent[PREFIX + "mailbox_last_poll_age_seconds_inbox"] <= time.time() - test_started
    expiry = expected_key_expiry_days(hospital, time.time())
    if expiry is None:
        assert PREFIX + "key_expiry_days" not in sent
    else:
        assert abs(sent[PREFIX + "key_expiry_days"] - expiry) < 0.01

    got = read_metrics(referrer)
    assert got[PREFIX + "transfers_received_total"] == 1
    assert got[PREFIX + "transfers_receive_failed_total"] == 0
    assert got[PREFIX + "mails_quarantined"] == 0
    mail_bytes = sum(m["Bytes"] for m in referrer.get("/dicom-mail/mails"))
    assert mail_bytes > 0 and close(got[PREFIX + "received_bytes_total"], mail_bytes)
    assert got[PREFIX + "last_received_transfer_duration_seconds_hospital"] == received["TransferSeconds"]
    # No patient data and nothing but the documented names.
    names = set(got) | set(sent)
    allowed = re.compile(r"^%s(transfers_(sent|received|send_failed|receive_failed)_total|mails_in_flight|"
                         r"mails_awaiting_acknowledgement|mails_quarantined|(sent|received)_bytes_total|"
                         r"mailbox_last_poll_age_seconds_\w+|key_expiry_days|"
                         r"last_(sent|received)_transfer_duration_seconds_\w+)$" % PREFIX)
    assert all(allowed.match(n) for n in names), names


def test_key_expiry_days_names_the_earliest_partner_key(hospital):
    gpg = StockGpg(os.path.join(ROOT, "mk"))
    try:
        # A partner key made with the stock gpg, valid 10 days; the site key never expires.
        fingerprint = gpg.quick_gen_key("Clinic <clinic@clinic.test>", "future-default", expire="10d")
        hospital.post("/dicom-mail/keys", gpg.export(fingerprint))
        hospital.put("/dicom-mail/partners/clinic", {"Addresses": ["clinic@clinic.test"],
                                                     "Fingerprint": fingerprint})
        days = read_metrics(hospital)[PREFIX + "key_expiry_days"]
        assert abs(days - expected_key_expiry_days(hospital, time.time())) < 0.01
        assert 9.9 < days <= 10.001
    finally:
        gpg.close()
