# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 21: a quarantined transfer offers the guided key exchange of the DICOM-Mail page, which ends with Retry.

The partner "clinic" is registered with its key imported but not certified, so its signed mail is quarantined
("key ... not certified"). On the page, "Check the key…" opens the flow at the phone comparison; certifying and
saving the partner retries the mail, which is then imported. Clicked in headless Chromium (explorer_ui.mjs).
"""
import imaplib
import os
import time

import pytest

from conftest import ROOT, SITES, make_server, site_config
from stock_gpg import StockGpg
from test_explorer_ui import ensure_playwright, run_browser
import hostile_mails as hm
import sample_files

REFERRER = SITES["referrer"][2]
CLINIC = "clinic@clinic.test"


@pytest.fixture
def receiver(mailstack, stack):
    config = site_config("referrer", mailstack)
    config["Incoming"][0]["PollInterval"] = 86400   # polled by the test only
    server = make_server("referrer", mailstack, config)
    server.start()
    yield server
    server.stop()


def test_quarantined_mail_offers_the_key_exchange_then_retry(receiver, stack, artifacts):
    ensure_playwright()
    gpg = StockGpg(os.path.join(ROOT, "page-quarantine"))
    try:
        fingerprint = gpg.quick_gen_key("Clinic Radiologie <%s>" % CLINIC, "future-default")
        gpg.import_key(receiver.get("/dicom-mail/keys/site")["PublicKey"])
        public = gpg.export(fingerprint)
        key_file = os.path.join(ROOT, "page-quarantine.asc")
        with open(key_file, "w") as f:
            f.write(public)
        # Imported and named, but nobody compared it yet: not certified.
        receiver.post("/dicom-mail/keys", public)
        receiver.put("/dicom-mail/partners/clinic", {"Addresses": [CLINIC], "Fingerprint": fingerprint})

        set_id = "page.quarantine.1"
        builder = hm.HostileMailBuilder(gpg, fingerprint, receiver.get("/dicom-mail/keys/site")["Fingerprint"],
                                        CLINIC, REFERRER)
        raw = builder.dicom_mail("<%s@%s>" % (set_id, hm.DOMAIN), (set_id, 1, 1),
                                 hm.entity(set_id, 1, 1, [hm.DicomFile(sample_files.ct_small())]))
    finally:
        gpg.close()
    with stack.imap(REFERRER) as conn:
        typ, data = conn.append("INBOX", None, imaplib.Time2Internaldate(time.time()), raw)
        assert typ == "OK", (typ, data)
    receiver.post("/dicom-mail/fetch", {})
    quarantined = [m for m in receiver.get("/dicom-mail/quarantine") if m["ClaimedSetId"] == set_id]
    assert len(quarantined) == 1 and "not certified" in quarantined[0]["Reason"], quarantined
    assert receiver.get("/instances") == []

    run_browser("exchange", receiver, artifacts, key_file=key_file, name="clinic", address=CLINIC,
                compared_by="Max Mustermann", retry_set_id=set_id, locale="de-DE")

    key = receiver.get("/dicom-mail/keys/%s" % fingerprint)
    assert key["CertifiedBySite"] is True and key["Comparison"]["By"] == "Max Mustermann", key
    assert receiver.get("/dicom-mail/quarantine") == []
    assert len(receiver.get("/instances")) == 1
    assert receiver.get("/dicom-mail/inbox/%s" % set_id)["State"] == "complete"
    assert os.path.getsize(os.path.join(artifacts, "app-quarantine.png")) > 1000
