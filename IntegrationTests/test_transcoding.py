# SPDX-License-Identifier: GPL-3.0-or-later
"""A partner's TransferSyntax (#19): instances leave transcoded by Orthanc's own transcoder, the receiver stores what
it gets (the manifest's SHA-256 covers the file as sent), pixels are bit-identical after the round trip, what cannot
be transcoded goes as stored with the reason counted, and what this Orthanc cannot encode is refused."""
import io

import pydicom

import generate_study
import sample_files
from conftest import make_server, site_config
from test_keys import expect_error
from test_send_receive import upload, wait_for

JPEG_LS = "1.2.840.10008.1.2.4.80"
EXPLICIT = "1.2.840.10008.1.2.1"


def set_partner(server, name, **fields):
    """Re-PUTs a partner with its addresses and fingerprint plus `fields`."""
    partner = server.get("/dicom-mail/partners/" + name)
    body = {"Addresses": partner["Addresses"], "Fingerprint": partner["Fingerprint"]}
    body.update(fields)
    return server.put("/dicom-mail/partners/" + name, body)


def send_and_receive(hospital, referrer, resources, timeout=300):
    answer = hospital.post("/dicom-mail/send", {"Resources": resources, "Partner": "referrer"})
    job = hospital.wait_job(answer["ID"], timeout=timeout)
    assert job["State"] == "Success", job
    set_id = answer["SetId"]

    def complete():
        referrer.post("/dicom-mail/fetch", {})
        inbox = {t["SetId"]: t for t in referrer.get("/dicom-mail/inbox")}
        t = inbox.get(set_id)
        return t if t and t["State"] == "complete" else None
    received = wait_for(complete, timeout, "the transfer to complete at the receiver")
    return set_id, received


def datasets_by_sop(server):
    result = {}
    for instance in server.get("/instances?expand"):
        data = server.get("/instances/%s/file" % instance["ID"], raw=True).content
        result[instance["MainDicomTags"]["SOPInstanceUID"]] = (instance["ID"], pydicom.dcmread(io.BytesIO(data)))
    return result


def decoded_pixels(server, instance_id):
    """The instance's pixel data decoded by the receiving Orthanc (DCMTK's JPEG-LS decoder), from a copy
    transcoded to explicit VR little endian that Orthanc returns without storing."""
    data = server.post("/instances/%s/modify" % instance_id, {"Transcode": EXPLICIT, "Force": True}, raw=True)
    assert data.status_code == 200, data.text
    ds = pydicom.dcmread(io.BytesIO(data.content))
    assert ds.file_meta.TransferSyntaxUID == EXPLICIT
    return ds.PixelData


def test_jpeg_ls_partner_round_trip_is_bit_identical(paired, tmp_path):
    hospital, referrer = paired
    partner = set_partner(hospital, "referrer", TransferSyntax="jpeg-ls")
    assert partner["TransferSyntax"] == JPEG_LS
    listed = {p["Name"]: p for p in hospital.get("/dicom-mail/partners")}
    assert listed["referrer"]["TransferSyntax"] == JPEG_LS
    assert listed["referrer"]["KeyState"]["Usable"]

    paths = generate_study.generate_study(str(tmp_path / "ct"), seed=19, series=2, slices=3, rows=128, cols=128)
    upload(hospital, paths)
    upload(hospital, [sample_files.testdata_file("JPEG_lossy"), sample_files.testdata_file("SR")])
    originals = datasets_by_sop(hospital)
    set_id, received = send_and_receive(hospital, referrer, hospital.get("/studies"))
    assert received["InstancesImported"] == len(originals)

    arrived = datasets_by_sop(referrer)
    assert set(arrived) == set(originals)
    transcoded = 0
    for uid, (orig_id, original) in originals.items():
        got_id, got = arrived[uid]
        stored_syntax = original.file_meta.TransferSyntaxUID
        if "PixelData" in original and stored_syntax == EXPLICIT:
            transcoded += 1
            assert got.file_meta.TransferSyntaxUID == JPEG_LS, uid
            assert len(got.PixelData) < len(original.PixelData)
            assert decoded_pixels(referrer, got_id) == original.PixelData, uid
            # Everything but the pixel data and the file meta is as it was.
            for element in original:
                if element.tag != 0x7FE00010:
                    assert got[element.tag].value == element.value, (uid, element.tag)
        else:
            assert got.file_meta.TransferSyntaxUID == stored_syntax, uid
            assert referrer.get("/instances/%s/file" % got_id, raw=True).content == \
                hospital.get("/instances/%s/file" % orig_id, raw=True).content
    assert transcoded == 6

    outbox = hospital.get("/dicom-mail/outbox/" + set_id)
    assert outbox["InstanceNotes"] == {"transcoded": 6, "as stored: already compressed": 1,
                                       "as stored: no pixel data": 1}, outbox["InstanceNotes"]


def test_mails_of_compressed_instances_only_are_not_compressed_again(paired, tmp_path):
    hospital, referrer = paired
    paths = generate_study.generate_study(str(tmp_path / "ct"), seed=20, series=1, slices=4, rows=128, cols=128)
    upload(hospital, paths)
    study = hospital.get("/studies")

    # As stored: uncompressed CT, compressed inside OpenPGP.
    set_id, _ = send_and_receive(hospital, referrer, study)
    plain = hospital.get("/dicom-mail/outbox/" + set_id)
    assert all(m["Compress"] for m in plain["Mails"])

    # JPEG-LS: every instance leaves compressed, so OpenPGP does not compress again.
    set_partner(hospital, "referrer", TransferSyntax="jpeg-ls")
    referrer.reset()
    set_id, received = send_and_receive(hospital, referrer, study)
    assert received["InstancesImported"] == 4
    jpeg_ls = hospital.get("/dicom-mail/outbox/" + set_id)
    assert not any(m["Compress"] for m in jpeg_ls["Mails"])
    assert jpeg_ls["InstanceNotes"] == {"transcoded": 4}
    assert jpeg_ls["BytesSent"] < plain["BytesSent"]


def test_lossy_syntax_refused_unless_allowed(paired):
    hospital, _ = paired
    partner = hospital.get("/dicom-mail/partners/referrer")
    body = {"Addresses": partner["Addresses"], "Fingerprint": partner["Fingerprint"],
            "TransferSyntax": "1.2.840.10008.1.2.4.50"}
    expect_error(hospital.put("/dicom-mail/partners/referrer", body, raw=True), 400, "TransferSyntax",
                 "AllowLossyTranscoding")
    expect_error(hospital.put("/dicom-mail/partners/referrer", dict(body, TransferSyntax="zip"), raw=True), 400,
                 "TransferSyntax")
    assert hospital.get("/dicom-mail/partners/referrer")["TransferSyntax"] == "as-stored"


def test_jpeg2000_without_a_transcoder_is_refused_at_start_up(mailstack):
    partners = {"lab": {"Addresses": ["lab@example.test"], "TransferSyntax": "jpeg2000"}}
    server = make_server("hospital", mailstack, site_config("hospital", mailstack, Partners=partners))
    server.start()   # the test servers load no plugin but ours: no JPEG 2000 encoder
    try:
        server.wait_log("\"TransferSyntax\" 1.2.840.10008.1.2.4.90 cannot be encoded by this Orthanc", timeout=30)
        log = server.log_text(current_run=True)
        assert "orthanc-gdcm" in log
        # A partner over REST is refused the same way, before anything is stored.
        expect_error(server.put("/dicom-mail/partners/clinic", {"Addresses": ["c@example.test"],
                                                                 "TransferSyntax": "jpeg2000"}, raw=True),
                     400, "orthanc-gdcm")
        assert server.get("/dicom-mail/partners/clinic", raw=True).status_code == 404
        # JPEG-LS is Orthanc's own (DCMTK): accepted.
        assert server.put("/dicom-mail/partners/clinic", {"Addresses": ["c@example.test"],
                                                          "TransferSyntax": "jpeg-ls"})["TransferSyntax"] == JPEG_LS
    finally:
        server.stop()
