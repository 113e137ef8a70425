# SPDX-License-Identifier: GPL-3.0-or-later
"""A received transfer names the Orthanc studies it imported into, for the
DICOM-Mail page's links to Orthanc Explorer (and the Web Viewer when Orthanc
has it)."""
import sample_files
from test_send_receive import transfer_round_trip


def test_inbox_names_the_studies_it_filled(paired, stack):
    hospital, referrer = paired
    set_id, received, outbox = transfer_round_trip(hospital, referrer,
                                                   [sample_files.ct_small(), sample_files.mr_small()])
    studies = referrer.get("/dicom-mail/inbox/" + set_id)["Studies"]
    assert studies and sorted(studies) == sorted(referrer.get("/studies"))
    listed = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}
    assert listed[set_id]["Studies"] == studies
    # The sender's inbox has no transfer: nothing links there.
    assert hospital.get("/dicom-mail/inbox") == []
