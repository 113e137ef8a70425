# SPDX-License-Identifier: GPL-3.0-or-later
"""Pseudonymisation per partner (#19): the partner receives a copy under a pseudonym, with UIDs remapped consistently
within the study, dates of the study kept, nothing identifying left in any tag (private ones included); the mapping
stays at the sender, where GET /dicom-mail/pseudonyms/{pseudonym} matches what comes back."""
import pydicom

import generate_study
from test_send_receive import upload
from test_transcoding import EXPLICIT, JPEG_LS, datasets_by_sop, decoded_pixels, send_and_receive, set_partner

NAME = "Müller^Jürgen"
PATIENT_ID = "DMPSEUDO19"
ACCESSION = "ACC194711"
INSTITUTION = "Klinikum Süd"
REFERRING = "Meier^Hans^^Dr."


def make_study(tmp_path, modality="CT", seed=19, slices=3, series=2):
    """A study whose files also carry the patient's name and ID in a private block, as some modalities do. The
    generator makes CT only (and MR): another modality is written over its CT."""
    paths = generate_study.generate_study(str(tmp_path / ("%s%d" % (modality, seed))), seed=seed, series=series,
                                          slices=slices, rows=64, cols=64, patient_name=NAME,
                                          patient_id=PATIENT_ID, accession=ACCESSION, institution=INSTITUTION,
                                          referring=REFERRING)
    for path in paths:
        ds = pydicom.dcmread(path)
        ds.Modality = modality
        block = ds.private_block(0x0009, "DM TEST PRIVATE", create=True)
        block.add_new(0x10, "LO", "patient %s (%s)" % (PATIENT_ID, NAME.replace("^", " ")))
        block.add_new(0x11, "UI", ds.StudyInstanceUID)
        ds.save_as(path, write_like_original=False)
    return paths


def identifying_values(originals):
    """What must not appear anywhere in a received file: the patient's identifiers and every original UID."""
    values = {PATIENT_ID, ACCESSION, INSTITUTION, REFERRING, "Müller", "Jürgen", "Meier"}
    for _, ds in originals.values():
        values.add(str(ds.PatientBirthDate))
        values.add(str(ds.StationName))
        for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID"):
            if keyword in ds:
                values.add(str(ds.data_element(keyword).value))
    return {v for v in values if len(v) >= 4}


def all_text(ds):
    """(tag, text) of every element, file meta and nested sequences included, pixel data left out."""
    for element in list(ds.file_meta) + list(ds.iterall()):
        if element.tag == 0x7FE00010 or element.VR == "SQ":
            continue
        value = element.value
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        yield element.tag, str(value)


def check_pseudonymised(hospital, referrer, originals, expected_syntax):
    received = datasets_by_sop(referrer)
    assert len(received) == len(originals)
    forbidden = identifying_values(originals)
    pseudonyms = set()
    study_uids = set()
    frames_by_series = {}
    for _, ds in received.values():
        assert not any(element.tag.is_private for element in ds.iterall()), "a private tag was sent"
        for tag, text in all_text(ds):
            for value in forbidden:
                assert value not in text, (tag, value, text)
        assert str(ds.PatientName) == ds.PatientID and ds.PatientID.startswith("DM-")
        pseudonyms.add(ds.PatientID)
        study_uids.add(ds.StudyInstanceUID)
        frames_by_series.setdefault(ds.SeriesInstanceUID, set()).add(ds.get("FrameOfReferenceUID"))
        assert "PatientBirthDate" not in ds or not ds.PatientBirthDate
        assert ds.file_meta.TransferSyntaxUID == expected_syntax
    originals_study = {ds.StudyInstanceUID for _, ds in originals.values()}
    originals_series = {ds.SeriesInstanceUID for _, ds in originals.values()}
    assert len(pseudonyms) == 1 and len(study_uids) == len(originals_study) == 1
    assert len(frames_by_series) == len(originals_series)
    assert all(len(frames) == 1 for frames in frames_by_series.values())
    # The documented profile keeps the dates of the study and the patient's sex.
    some = next(iter(received.values()))[1]
    original = next(iter(originals.values()))[1]
    assert some.StudyDate == original.StudyDate and some.PatientSex == original.PatientSex
    return pseudonyms.pop(), study_uids.pop(), received


def test_partner_gets_a_pseudonymised_copy_and_the_sender_keeps_the_mapping(paired, tmp_path):
    hospital, referrer = paired
    assert set_partner(hospital, "referrer", Pseudonymise=True)["Pseudonymise"] is True
    upload(hospital, make_study(tmp_path))
    originals = datasets_by_sop(hospital)
    set_id, received = send_and_receive(hospital, referrer, hospital.get("/studies"))
    assert received["InstancesImported"] == len(originals)
    pseudonym, study_uid, _ = check_pseudonymised(hospital, referrer, originals, EXPLICIT)

    mapping = hospital.get("/dicom-mail/pseudonyms/" + pseudonym)
    assert mapping["PatientID"] == PATIENT_ID and mapping["Partner"] == "referrer"
    original_study = next(iter(originals.values()))[1].StudyInstanceUID
    assert mapping["Studies"] == [{"StudyInstanceUID": original_study, "PseudonymisedStudyInstanceUID": study_uid,
                                   "SetId": set_id}]
    assert "Secret" not in str(mapping) and "secret" not in str(mapping)
    assert hospital.get("/dicom-mail/outbox/" + set_id)["InstanceNotes"] == {"pseudonymised": len(originals)}
    # Nothing of the mapping reaches the receiver's records either.
    assert PATIENT_ID not in str(referrer.get("/dicom-mail/inbox"))

    # The same study again: the same pseudonym and UIDs, so the receiver sees the same study.
    referrer.reset()
    send_and_receive(hospital, referrer, hospital.get("/studies"))
    again, again_study, _ = check_pseudonymised(hospital, referrer, originals, EXPLICIT)
    assert (again, again_study) == (pseudonym, study_uid)


def test_pseudonymised_and_jpeg_ls_with_burned_in_text_flagged(paired, tmp_path):
    hospital, referrer = paired
    set_partner(hospital, "referrer", Pseudonymise=True, TransferSyntax="jpeg-ls")
    upload(hospital, make_study(tmp_path, series=1))
    upload(hospital, make_study(tmp_path, modality="US", seed=20, slices=2, series=1))
    originals = datasets_by_sop(hospital)
    set_id, _ = send_and_receive(hospital, referrer, hospital.get("/studies"))
    _, _, received = check_pseudonymised_two_studies(hospital, referrer, originals)
    notes = hospital.get("/dicom-mail/outbox/" + set_id)["InstanceNotes"]
    assert notes["transcoded"] == len(originals)
    assert notes["pseudonymised"] == 3
    assert notes["pseudonymised, may carry burned-in text (US, SC, or flagged so)"] == 2
    # Pixels survive both steps bit for bit.
    by_pixels = {bytes(ds.PixelData) for _, ds in originals.values()}
    for instance_id, ds in received.values():
        assert decoded_pixels(referrer, instance_id) in by_pixels


def check_pseudonymised_two_studies(hospital, referrer, originals):
    received = datasets_by_sop(referrer)
    assert len(received) == len(originals)
    forbidden = identifying_values(originals)
    for _, ds in received.values():
        assert ds.file_meta.TransferSyntaxUID == JPEG_LS
        assert not any(element.tag.is_private for element in ds.iterall())
        for tag, text in all_text(ds):
            for value in forbidden:
                assert value not in text, (tag, value, text)
    assert len({ds.PatientID for _, ds in received.values()}) == 1
    assert len({ds.StudyInstanceUID for _, ds in received.values()}) == 2
    return None, None, received
