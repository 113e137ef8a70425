# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of the synthetic study generator and of the pydicom sample-file list.

Run alone with:
  /usr/bin/python3 -m pytest -q --confcutdir=IntegrationTests/data IntegrationTests/data
"""
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
import pydicom
import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate_study as gs  # noqa: E402
import sample_files  # noqa: E402

UID_RE = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
CT_REQUIRED = [
    "SpecificCharacterSet", "ImageType", "SOPClassUID", "SOPInstanceUID", "StudyDate", "StudyTime",
    "AccessionNumber", "Modality", "Manufacturer", "InstitutionName", "ReferringPhysicianName",
    "StudyDescription", "SeriesDescription", "PatientName", "PatientID", "PatientBirthDate",
    "PatientSex", "SliceThickness", "KVP", "PatientPosition", "StudyInstanceUID", "SeriesInstanceUID",
    "StudyID", "SeriesNumber", "AcquisitionNumber", "InstanceNumber", "ImagePositionPatient",
    "ImageOrientationPatient", "FrameOfReferenceUID", "PositionReferenceIndicator", "SliceLocation",
    "SamplesPerPixel", "PhotometricInterpretation", "Rows", "Columns", "PixelSpacing",
    "BitsAllocated", "BitsStored", "HighBit", "PixelRepresentation", "RescaleIntercept",
    "RescaleSlope", "PixelData",
]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def raw_element_value(path, keyword):
    """Bytes of a top-level element as stored in the file (before charset decoding),
    without the trailing space that pads odd lengths to even."""
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    return ds.get_item(keyword).value.rstrip(b" ")


@pytest.fixture(scope="module")
def ct_study(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("ct"))
    paths = gs.generate_study(out, seed=11, series=3, slices=6, rows=128, cols=128)
    return out, paths


def test_files_are_part10_explicit_little_endian(ct_study):
    _, paths = ct_study
    assert len(paths) == 18
    for p in paths:
        with open(p, "rb") as f:
            head = f.read(132)
        assert head[:128] == b"\0" * 128 and head[128:] == b"DICM"
        ds = pydicom.dcmread(p)
        assert ds.file_meta.TransferSyntaxUID == EXPLICIT_VR_LE
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID == gs.CT_IMAGE_STORAGE
        assert not ds.is_implicit_VR and ds.is_little_endian


def test_ct_tags_and_geometry(ct_study):
    _, paths = ct_study
    by_series = {}
    sop_uids = set()
    for p in paths:
        ds = pydicom.dcmread(p)
        missing = [k for k in CT_REQUIRED if k not in ds]
        assert not missing, "%s lacks %s" % (p, missing)
        for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID, ds.StudyInstanceUID, ds.FrameOfReferenceUID):
            assert UID_RE.match(uid) and len(uid) <= 64, uid
        sop_uids.add(ds.SOPInstanceUID)
        assert ds.Modality == "CT"
        assert float(ds.ImagePositionPatient[2]) == pytest.approx(float(ds.SliceLocation))
        assert len(ds.PixelData) == ds.Rows * ds.Columns * 2
        by_series.setdefault(ds.SeriesInstanceUID, []).append(ds)
    assert len(sop_uids) == len(paths)
    assert len(by_series) == 3
    assert len({s[0].StudyInstanceUID for s in by_series.values()}) == 1
    assert sorted(s[0].SeriesNumber for s in by_series.values()) == [1, 2, 3]
    for series in by_series.values():
        assert [d.InstanceNumber for d in series] == list(range(1, len(series) + 1))
        z = [float(d.SliceLocation) for d in series]
        steps = np.diff(z)
        assert np.allclose(steps, -float(series[0].SliceThickness))


def test_ct_pixel_values_look_like_a_thorax():
    with tempfile.TemporaryDirectory() as out:
        paths = gs.generate_study(out, seed=2, series=1, slices=9, rows=256, cols=256)
        ds = pydicom.dcmread(paths[4])  # mid-thorax: lungs, heart, ribs, spine
        hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        assert ds.pixel_array.max() < 4096  # fits BitsStored 12
        corner_band = hu[:, :4]
        assert np.median(corner_band) < -990  # air / padding at the image edge
        assert (hu < -700).mean() > 0.15  # air + lungs
        assert ((hu > -150) & (hu < 120)).mean() > 0.15  # fat and soft tissue
        assert (hu > 400).sum() > 100  # bone
        air = hu[(hu > -1100) & (hu < -900)]
        assert 8 < air.std() < 16  # noise sigma ~12 HU


def test_umlauts_encoded_per_charset():
    with tempfile.TemporaryDirectory() as out:
        utf8 = gs.generate_study(os.path.join(out, "u"), series=1, slices=1, rows=32, cols=32)[0]
        latin = gs.generate_study(os.path.join(out, "l"), series=1, slices=1, rows=32, cols=32,
                                  charset="ISO_IR 100")[0]
        ds = pydicom.dcmread(utf8)
        assert ds.SpecificCharacterSet == "ISO_IR 192"
        assert str(ds.PatientName) == "Müller^Jürgen"
        assert raw_element_value(utf8, "PatientName") == "Müller^Jürgen".encode("utf-8")
        assert raw_element_value(utf8, "InstitutionName") == "Klinikum Süd".encode("utf-8")
        assert pydicom.dcmread(latin).SpecificCharacterSet == "ISO_IR 100"
        assert raw_element_value(latin, "PatientName") == "Müller^Jürgen".encode("latin-1")
        with pytest.raises(ValueError, match="patient_name"):
            gs.generate_study(os.path.join(out, "x"), patient_name="王^小東", charset="ISO_IR 100",
                              series=1, slices=1, rows=32, cols=32)


def test_same_seed_gives_identical_bytes_other_seed_differs():
    with tempfile.TemporaryDirectory() as out:
        kwargs = dict(series=2, slices=3, rows=64, cols=64, multiframe_mb=0.05)
        a = gs.generate_study(os.path.join(out, "a"), seed=5, **kwargs)
        b = gs.generate_study(os.path.join(out, "b"), seed=5, **kwargs)
        c = gs.generate_study(os.path.join(out, "c"), seed=6, **kwargs)
        assert [os.path.basename(p) for p in a] == [os.path.basename(p) for p in b]
        assert [sha256(p) for p in a] == [sha256(p) for p in b]
        assert not set(sha256(p) for p in a) & set(sha256(p) for p in c)
        uid = lambda p: pydicom.dcmread(p, stop_before_pixels=True).StudyInstanceUID  # noqa: E731
        assert uid(a[0]) == uid(b[0]) != uid(c[0])


def test_compression_ratio_near_half_at_full_size():
    with tempfile.TemporaryDirectory() as out:
        paths = gs.generate_study(out, seed=3, series=1, slices=10)
        raw = packed = 0
        for p in paths:
            with open(p, "rb") as f:
                data = f.read()
            raw += len(data)
            packed += len(zlib.compress(data, 1))
        assert 0.42 < packed / raw < 0.58, packed / raw


def test_multiframe_exceeds_requested_size():
    with tempfile.TemporaryDirectory() as out:
        paths = gs.generate_study(out, seed=4, series=1, slices=1, multiframe_mb=31)
        mf = paths[-1]
        assert os.path.getsize(mf) > 31 * gs.MIB
        ds = pydicom.dcmread(mf)
        assert ds.SOPClassUID == gs.MULTIFRAME_WORD_SC_STORAGE
        assert ds.file_meta.TransferSyntaxUID == EXPLICIT_VR_LE
        assert len(ds.PixelData) == ds.NumberOfFrames * ds.Rows * ds.Columns * 2
        assert ds.FrameIncrementPointer == pydicom.tag.Tag("SliceLocationVector")
        assert len(ds.SliceLocationVector) == ds.NumberOfFrames
        assert ds.pixel_array.shape == (ds.NumberOfFrames, ds.Rows, ds.Columns)
        first = pydicom.dcmread(paths[0], stop_before_pixels=True)
        assert ds.StudyInstanceUID == first.StudyInstanceUID
        assert ds.SeriesInstanceUID != first.SeriesInstanceUID


def test_add_to_existing_study_adds_a_series():
    with tempfile.TemporaryDirectory() as out:
        first = gs.generate_study(os.path.join(out, "a"), seed=8, series=2, slices=2, rows=32, cols=32,
                                  patient_name="Öztürk^Ayşe")
        more = gs.generate_study(os.path.join(out, "b"), seed=9, series=1, slices=3, rows=32, cols=32,
                                 add_to=os.path.join(out, "a"))
        by_uid = gs.generate_study(os.path.join(out, "c"), seed=9, series=1, slices=1, rows=32, cols=32,
                                   add_to="1.2.3.4")
        a = pydicom.dcmread(first[0])
        for p in more:
            b = pydicom.dcmread(p)
            assert b.StudyInstanceUID == a.StudyInstanceUID
            assert (b.PatientName, b.PatientID, b.AccessionNumber) == (a.PatientName, a.PatientID, a.AccessionNumber)
            assert b.SeriesNumber == 3
        existing_series = {pydicom.dcmread(p).SeriesInstanceUID for p in first}
        assert pydicom.dcmread(more[0]).SeriesInstanceUID not in existing_series
        c = pydicom.dcmread(by_uid[0])
        assert c.StudyInstanceUID == "1.2.3.4" and c.SeriesNumber == 101


def test_mr_option():
    with tempfile.TemporaryDirectory() as out:
        paths = gs.generate_study(out, modality="MR", series=1, slices=3, rows=64, cols=64)
        ds = pydicom.dcmread(paths[1])
        assert ds.Modality == "MR" and ds.SOPClassUID == gs.MR_IMAGE_STORAGE
        assert "RescaleIntercept" not in ds and "MagneticFieldStrength" in ds
        assert ds.pixel_array.max() > 500


def test_size_mb_picks_slice_count():
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run([sys.executable, os.path.join(HERE, "generate_study.py"), out,
                                 "--size-mb", "12", "--series", "2", "--seed", "12"],
                                check=True, capture_output=True, text=True)
        summary = json.loads(result.stdout)
        assert abs(summary["bytes"] - 12 * gs.MIB) < 0.05 * 12 * gs.MIB
        assert [s["series_number"] for s in summary["series"]] == [1, 2]
        assert summary["files"] == len(os.listdir(out))


def test_sample_files_exist_and_have_non_ascii_names():
    assert pydicom.dcmread(sample_files.ct_small()).Modality == "CT"
    assert pydicom.dcmread(sample_files.mr_small()).Modality == "MR"
    assert len(sample_files.UNIQUE_CHARSET_FILES) >= 10
    sops = set()
    for key, path in sample_files.UNIQUE_CHARSET_FILES.items():
        name = sample_files.patient_name(path)
        assert any(ord(ch) > 127 for ch in name), key
        sops.add(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID)
    assert len(sops) == len(sample_files.UNIQUE_CHARSET_FILES)
    with pytest.raises(FileNotFoundError):
        sample_files.charset_file("chrNoSuchFile")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory):
    """A plain Orthanc (no plugin) on a free port with storage in a temporary directory."""
    work = tmp_path_factory.mktemp("orthanc")
    port = _free_port()
    config = {"Name": "testdata-check", "StorageDirectory": str(work / "db"),
              "IndexDirectory": str(work / "db"), "HttpPort": port, "DicomServerEnabled": False,
              "RemoteAccessAllowed": False, "AuthenticationEnabled": False, "Plugins": []}
    (work / "config.json").write_text(json.dumps(config))
    log = open(work / "orthanc.log", "wb")
    proc = subprocess.Popen(["/usr/sbin/Orthanc", str(work / "config.json")], stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/system", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "Orthanc exited, see %s" % (work / "orthanc.log")
            assert time.monotonic() < deadline, "Orthanc did not answer within 30 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_orthanc_accepts_generated_study(orthanc):
    with tempfile.TemporaryDirectory() as out:
        paths = gs.generate_study(out, seed=21, series=2, slices=2, rows=128, cols=128, multiframe_mb=31)
        paths += gs.generate_study(os.path.join(out, "mr"), seed=22, series=1, slices=1, rows=64, cols=64,
                                   modality="MR", add_to=out)
        for p in paths:
            with open(p, "rb") as f:
                r = requests.post(orthanc + "/instances", data=f.read(), timeout=120)
            assert r.status_code == 200 and r.json()["Status"] == "Success", (p, r.text)
        study_uid = pydicom.dcmread(paths[0], stop_before_pixels=True).StudyInstanceUID
        found = requests.post(orthanc + "/tools/find", json={"Level": "Study", "Expand": True,
                                                             "Query": {"StudyInstanceUID": study_uid}}).json()
        assert len(found) == 1
        study = found[0]
        assert study["PatientMainDicomTags"]["PatientName"] == "Müller^Jürgen"
        assert study["MainDicomTags"]["InstitutionName"] == "Klinikum Süd"
        assert len(study["Series"]) == 4  # 2 CT + multi-frame SC + follow-up MR
        instances = requests.get(orthanc + "/studies/%s/instances" % study["ID"]).json()
        assert len(instances) == len(paths)
        frames = [int(i["MainDicomTags"].get("NumberOfFrames", 1)) for i in instances]
        multiframe = [p for p in paths if p.endswith("_multiframe.dcm")]
        assert len(multiframe) == 1
        assert max(frames) == pydicom.dcmread(multiframe[0], stop_before_pixels=True).NumberOfFrames
