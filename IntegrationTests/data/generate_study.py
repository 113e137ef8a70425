#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic generator of synthetic DICOM studies for integration tests and benchmarks.

Every file is a Part-10 file (Explicit VR Little Endian) holding a synthetic CT or MR
slice of a thorax phantom: air, table, body ellipse with fat and muscle, lungs with
vessels, heart, aorta, liver, ribs, sternum and spine, a smooth soft-tissue texture and
Gaussian noise (sigma 12 HU by default). The noise keeps zlib level 1 near a 50 % ratio,
which is what a real CT series gives, so size and speed figures measured with these files
mean something.

The same arguments (including the seed) give byte-identical files on the same machine:
UIDs are hashes of the seed and the other identifying arguments, dates are derived
from the seed, and the pixel noise comes from numpy's PCG64 seeded from the seed.

Only /usr/bin/python3 with Debian's pydicom (2.3) and numpy is needed.

    python3 generate_study.py OUT_DIR --seed 3 --series 2 --slices 50
    python3 generate_study.py OUT_DIR --size-mb 200 --multiframe-mb 31
    python3 generate_study.py OUT_DIR2 --seed 4 --add-to OUT_DIR   # new series, same study

The command prints a JSON summary (study UID, series UIDs, file count, bytes, seconds).
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid, PYDICOM_ROOT_UID

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
MULTIFRAME_WORD_SC_STORAGE = "1.2.840.10008.5.1.4.1.1.7.3"

MIB = 1024 * 1024

# Python codecs for the SpecificCharacterSet values we write; text is checked
# against them up front so an unencodable name fails loudly instead of being mangled.
CHARSET_CODECS = {
    "ISO_IR 192": "utf-8",
    "ISO_IR 100": "latin_1",
}

# Header bytes of one slice file besides the pixel data (measured: ~1.7 kB for CT); used to
# turn --size-mb into a slice count.
APPROX_HEADER_BYTES = 1750

DEFAULT_SLICES = 10
FOV_MM = 380.0
SCAN_DIAMETER_MM = 430.0
DEFAULT_SERIES = 2

# (description, slice spacing mm, convolution kernel, window center, window width)
CT_SERIES_PRESETS = [
    ("Thorax 1.0 B30f", 1.0, "B30f", 40, 400),
    ("Thorax 3.0 B60f Lunge", 3.0, "B60f", -600, 1500),
    ("Thorax 5.0 B30f", 5.0, "B30f", 40, 400),
    ("Thorax 2.0 B45f", 2.0, "B45f", 50, 350),
]
MR_SERIES_PRESETS = [
    ("t1_se_tra", 4.0, None, 600, 1200),
    ("t2_tse_tra", 5.0, None, 500, 1000),
    ("t1_vibe_tra", 2.0, None, 700, 1400),
    ("pd_tse_tra", 3.0, None, 500, 1000),
]

# Tissue labels of the phantom, painted back to front.
(AIR, TABLE, FAT, MUSCLE, LIVER, LUNG, HEART, AORTA, RIB, STERNUM,
 CORTEX, MARROW, DISC, CANAL, PADDING) = range(15)
N_LABELS = 15

# Per label: CT value in HU, texture amplitude in HU.
CT_HU = np.zeros(N_LABELS, np.float32)
CT_TEX = np.zeros(N_LABELS, np.float32)
# Per label: MR signal (arbitrary units, T1-like), texture amplitude.
MR_SIG = np.zeros(N_LABELS, np.float32)
MR_TEX = np.zeros(N_LABELS, np.float32)
for label, hu, tex, sig, mtex in [
        (AIR, -1000, 0, 0, 0),
        (TABLE, 120, 5, 0, 0),
        (FAT, -100, 8, 950, 40),
        (MUSCLE, 45, 12, 380, 30),
        (LIVER, 60, 10, 520, 30),
        (LUNG, -850, 35, 25, 10),
        (HEART, 40, 6, 260, 25),
        (AORTA, 45, 3, 120, 10),
        (RIB, 700, 60, 60, 10),
        (STERNUM, 450, 50, 500, 40),
        (CORTEX, 900, 60, 30, 5),
        (MARROW, 220, 40, 650, 40),
        (DISC, 85, 10, 300, 20),
        (CANAL, 15, 4, 180, 10),
        (PADDING, -1024, 0, 0, 0)]:
    CT_HU[label], CT_TEX[label], MR_SIG[label], MR_TEX[label] = hu, tex, sig, mtex


def _uid(*parts):
    """A UID under pydicom's root that depends only on |parts| (joined with a separator,
    because generate_uid concatenates its entropy sources without one)."""
    return str(generate_uid(prefix=PYDICOM_ROOT_UID,
                            entropy_srcs=["|".join(str(p) for p in ("dicommail-testdata",) + parts)]))


IMPLEMENTATION_CLASS_UID = _uid("implementation", 1)
IMPLEMENTATION_VERSION_NAME = "DMAIL_TESTGEN_1"


def _seed_int(*parts):
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()[:8], "little")


def _interp_matrix(n_out, n_in):
    """(n_out x n_in) matrix of linear interpolation weights, to upsample a coarse grid."""
    pos = np.linspace(0, n_in - 1, n_out)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    w = (pos - lo).astype(np.float32)
    m = np.zeros((n_out, n_in), np.float32)
    m[np.arange(n_out), lo] += 1 - w
    m[np.arange(n_out), hi] += w
    return m


def _smooth_field(rng, rows, cols, grid):
    """Unit-variance smooth random field: a coarse Gaussian grid, bilinearly upsampled."""
    coarse = rng.standard_normal((grid, grid)).astype(np.float32)
    field = _interp_matrix(rows, grid) @ coarse @ _interp_matrix(cols, grid).T
    return field / max(float(field.std()), 1e-6)


class Phantom:
    """Geometry of the thorax phantom on one image grid; Paint() gives one slice's labels.

    Coordinates are patient LPS in mm: x to the patient's left (image right), y to the
    back (image down), so the spine is at the bottom of the image as on a real scan."""

    def __init__(self, rows, cols, fov_mm, scan_diameter_mm, rng):
        self.rows, self.cols = rows, cols
        self.spacing = fov_mm / max(rows, cols)
        self.x = ((np.arange(cols) - (cols - 1) / 2.0) * self.spacing).astype(np.float32)[None, :]
        self.y = ((np.arange(rows) - (rows - 1) / 2.0) * self.spacing).astype(np.float32)[:, None]
        # Outside the scanned circle a CT has no data: those corners get padding.
        self.outside_fov = (self.x ** 2 + self.y ** 2) > (scan_diameter_mm / 2.0) ** 2
        angle = np.arctan2(self.y, self.x)
        # cos/sin of 11 x angle, so the rotating rib pattern needs no per-slice cos().
        self.cos11 = np.cos(11 * angle).astype(np.float32)
        self.sin11 = np.sin(11 * angle).astype(np.float32)
        # Two pairs of independent fields; each slice mixes a pair with a z-dependent
        # angle so texture changes smoothly along z while keeping unit variance.
        coarse_grid = max(4, min(rows, cols) // 20)
        fine_grid = max(8, min(rows, cols) // 5)
        self.coarse = (_smooth_field(rng, rows, cols, coarse_grid), _smooth_field(rng, rows, cols, coarse_grid))
        self.fine = (_smooth_field(rng, rows, cols, fine_grid), _smooth_field(rng, rows, cols, fine_grid))
        self.lung_box = self._box(-125, 125, -90, 80)
        self.padding_index = np.flatnonzero(self.outside_fov)
        # Scratch arrays reused for every slice: allocating fresh megabyte arrays per
        # slice costs more in page faults than the arithmetic itself.
        self.label = np.empty((rows, cols), np.uint8)
        self.scratch = [np.empty((rows, cols), np.float32) for _ in range(4)]
        self.stored = np.empty((rows, cols), "<u2")

    def _box(self, x0, x1, y0, y1):
        """Index slices (rows, cols) of the pixels whose centres may lie in the mm box;
        all drawing is restricted to such boxes, which keeps a slice fast."""
        def span(lo, hi, n):
            first = max(0, int(math.floor(lo / self.spacing + (n - 1) / 2.0)))
            last = min(n, int(math.ceil(hi / self.spacing + (n - 1) / 2.0)) + 1)
            return slice(first, max(first, last))
        return span(y0, y1, self.rows), span(x0, x1, self.cols)

    def _ellipse(self, cx, cy, a, b):
        """(box, mask within the box) of an axis-aligned ellipse."""
        rs, cs = self._box(cx - a, cx + a, cy - b, cy + b)
        mask = (((self.x[:, cs] - cx) / a) ** 2 + ((self.y[rs] - cy) / b) ** 2) <= 1.0
        return (rs, cs), mask

    def _fill(self, label, value, cx, cy, a, b):
        (rs, cs), mask = self._ellipse(cx, cy, a, b)
        label[rs, cs][mask] = value

    def Paint(self, t, z):
        """Labels of the slice at relative position t (0 = lung apex, 1 = upper abdomen)
        and table position z in mm."""
        label = self.label
        label.fill(AIR)
        breath = 1.0 + 0.04 * math.sin(2 * math.pi * t)
        body_a, body_b, body_cy = 165.0 * breath, 115.0 * breath, 5.0
        body_bottom = body_cy + body_b

        label[self._box(-185, 185, body_bottom + 12, body_bottom + 18)] = TABLE
        self._fill(label, FAT, 0, body_cy, body_a, body_b)
        self._fill(label, MUSCLE, 0, body_cy + 3, body_a * 0.9, body_b * 0.87)

        liver_size = min(1.0, max(0.0, (t - 0.6) / 0.3))
        if liver_size > 0:
            self._fill(label, LIVER, -55, 15, 85 * liver_size + 1, 70 * liver_size + 1)

        lung_size = max(0.0, math.sin(math.pi * min(1.0, max(0.0, (t - 0.02) / 0.86)))) ** 0.6
        if lung_size > 0.05:
            self._fill(label, LUNG, -68, -5, 55 * lung_size, 80 * lung_size)
            self._fill(label, LUNG, 68, -5, 52 * lung_size, 78 * lung_size)

        heart_size = max(0.0, math.sin(math.pi * min(1.0, max(0.0, (t - 0.3) / 0.55))))
        if heart_size > 0.1:
            self._fill(label, HEART, 22, -12, 58 * heart_size, 48 * heart_size)
        self._fill(label, AORTA, 18, 52, 12, 12)

        if lung_size > 0.05:
            # Ribs: short arcs of a ring just inside the body wall, rotating along z.
            ra, rb = body_a * 0.86, body_b * 0.84
            rs, cs = self._box(-ra, ra, body_cy - rb, body_cy + rb)
            x, y = self.x[:, cs], self.y[rs]
            r2 = (x / ra) ** 2 + ((y - body_cy) / rb) ** 2
            phase_c, phase_s = np.float32(math.cos(z / 9.0)), np.float32(math.sin(z / 9.0))
            arcs = (self.cos11[rs, cs] * phase_c - self.sin11[rs, cs] * phase_s) > 0.25
            ring = (r2 >= 0.93 ** 2) & (r2 <= 1.0) & arcs
            ring &= ~((np.abs(x) < 25) & (y < body_cy))  # leave room for the sternum
            label[rs, cs][ring] = RIB
            self._fill(label, STERNUM, 0, body_cy - body_b * 0.86, 14, 6)

        vertebra_y = body_cy + body_b - 45
        in_disc = (z % 28.0) < 5.0
        self._fill(label, DISC if in_disc else CORTEX, 0, vertebra_y, 19, 17)
        if not in_disc:
            self._fill(label, MARROW, 0, vertebra_y, 16, 14)
        (rs, cs), arch = self._ellipse(0, vertebra_y + 28, 22, 12)
        arch &= ((self.x[:, cs] / 16) ** 2 + ((self.y[rs] - vertebra_y - 28) / 8) ** 2) > 1.0
        label[rs, cs][arch] = CORTEX
        self._fill(label, CANAL, 0, vertebra_y + 28, 9, 8)

        label.reshape(-1)[self.padding_index] = PADDING
        return label

    def Texture(self, z, label, amplitude, lung_vessels, out):
        """Smooth tissue texture (+ lung vessels) for one slice, in output units, into |out|."""
        c, s = np.float32(math.cos(z / 23.0)), np.float32(math.sin(z / 23.0))
        tmp = self.scratch[3]
        np.multiply(self.coarse[0], c, out=out)
        np.multiply(self.coarse[1], s, out=tmp)
        out += tmp
        np.take(amplitude, label, out=tmp)
        out *= tmp
        if lung_vessels:
            rs, cs = self.lung_box
            fine = c * self.fine[0][rs, cs] + s * self.fine[1][rs, cs]
            vessels = (label[rs, cs] == LUNG) & (fine > 1.9)
            out[rs, cs][vessels] += np.float32(lung_vessels)
        return out

    def Store(self, values, pad):
        """Round, clip to 12 bits, zero the padding if |pad| (a CT has no data outside
        the scanned circle, an MR image has noise up to its edges); returns the shared
        uint16 array."""
        values += np.float32(0.5)  # values are >= 0 where it matters: truncation rounds
        np.clip(values, 0, 4095, out=values)
        np.copyto(self.stored, values, casting="unsafe")
        if pad:
            self.stored.reshape(-1)[self.padding_index] = 0
        return self.stored


def ct_slice(phantom, rng, t, z, noise_sigma):
    """Stored values (uint16, HU + 1024, 12 bits) of one CT slice. The array is reused
    by the next call: take its bytes before generating another slice."""
    label = phantom.Paint(t, z)
    hu, tmp = phantom.scratch[0], phantom.scratch[1]
    rng.standard_normal(dtype=np.float32, out=hu)
    hu *= np.float32(noise_sigma)
    np.take(CT_HU, label, out=tmp)
    hu += tmp
    hu += phantom.Texture(z, label, CT_TEX, 750.0, tmp)
    hu += np.float32(1024)  # stored = HU - RescaleIntercept
    return phantom.Store(hu, pad=True)


def mr_slice(phantom, rng, t, z, noise_sigma):
    """Stored values (uint16, 12 bits) of one MR magnitude slice with Rician noise.
    The array is reused by the next call, as for ct_slice."""
    label = phantom.Paint(t, z)
    real, imag, tmp = phantom.scratch[0], phantom.scratch[1], phantom.scratch[2]
    sigma = np.float32(noise_sigma)
    rng.standard_normal(dtype=np.float32, out=real)
    real *= sigma
    np.take(MR_SIG, label, out=tmp)
    real += tmp
    real += phantom.Texture(z, label, MR_TEX, 250.0, tmp)
    rng.standard_normal(dtype=np.float32, out=imag)
    imag *= sigma
    np.hypot(real, imag, out=real)
    return phantom.Store(real, pad=False)


def slices_for_size_mb(size_mb, series_count, rows=512, cols=512):
    """Slices per series so that all series together are about size_mb MiB."""
    per_slice = rows * cols * 2 + APPROX_HEADER_BYTES
    return max(1, int(round(size_mb * MIB / (series_count * per_slice))))


def _check_encodable(charset, values):
    codec = CHARSET_CODECS.get(charset)
    if codec is None:
        raise ValueError("unsupported SpecificCharacterSet %r (use one of %s)"
                         % (charset, ", ".join(sorted(CHARSET_CODECS))))
    for name, value in values.items():
        try:
            str(value).encode(codec)
        except UnicodeEncodeError:
            raise ValueError("%s cannot be encoded in %s" % (name, charset))


def _series_specs(series, modality, count_default):
    """Normalise the |series| argument to a list of dicts."""
    presets = CT_SERIES_PRESETS if modality == "CT" else MR_SERIES_PRESETS
    if series is None:
        series = count_default
    if isinstance(series, int):
        if series < 1:
            raise ValueError("series count must be >= 1")
        series = [presets[i % len(presets)][0] for i in range(series)]
    specs = []
    for i, item in enumerate(series):
        desc, spacing, kernel, wc, ww = presets[i % len(presets)]
        spec = {"description": desc, "spacing": spacing, "kernel": kernel,
                "window_center": wc, "window_width": ww, "slices": None}
        if isinstance(item, str):
            spec["description"] = item
        elif isinstance(item, dict):
            unknown = set(item) - set(spec)
            if unknown:
                raise ValueError("unknown series keys: %s" % ", ".join(sorted(unknown)))
            spec.update(item)
        else:
            raise ValueError("series entries must be str or dict, got %r" % (item,))
        specs.append(spec)
    return specs


def _fmt_date(d):
    return d.strftime("%Y%m%d")


def _study_context(seed, patient_name, patient_id, modality):
    """Deterministic study-level values derived from the seed."""
    base = datetime.datetime(2024, 1, 1, 7, 0, 0)
    study_dt = base + datetime.timedelta(days=seed % 700, minutes=(seed * 37) % 600)
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=(seed * 7919) % 25000)
    age = study_dt.year - birth.year - ((study_dt.month, study_dt.day) < (birth.month, birth.day))
    return {
        "study_datetime": study_dt,
        "birth_date": _fmt_date(birth),
        "sex": "M" if seed % 2 else "F",
        "age": "%03dY" % age,
        "accession": "A%09d" % (_seed_int("accession", seed, patient_id) % 10 ** 9),
        "study_id": str(1000 + seed % 9000),
    }


def _read_existing_study(path):
    """Study-level attributes of the first DICOM file at |path| (file or directory)."""
    candidates = [path]
    if os.path.isdir(path):
        candidates = sorted(os.path.join(path, n) for n in os.listdir(path) if n.endswith(".dcm"))
    max_series = 0
    found = None
    for f in candidates:
        ds = pydicom.dcmread(f, stop_before_pixels=True)
        found = found or ds
        max_series = max(max_series, int(ds.get("SeriesNumber", 0) or 0))
    if found is None:
        raise ValueError("no .dcm file found at %s" % path)
    return found, max_series


def _base_dataset(ctx, study_uid, charset, modality, spec, series_uid, series_number, frame_uid):
    ds = Dataset()
    ds.SpecificCharacterSet = charset
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"] if modality == "CT" else ["ORIGINAL", "PRIMARY", "M", "ND"]
    ds.SOPClassUID = CT_IMAGE_STORAGE if modality == "CT" else MR_IMAGE_STORAGE
    sdt = ctx["study_datetime"]
    series_dt = sdt + datetime.timedelta(minutes=2 + 3 * (series_number % 100))
    ds.InstanceCreationDate = _fmt_date(series_dt)
    ds.InstanceCreationTime = series_dt.strftime("%H%M%S")
    ds.StudyDate = _fmt_date(sdt)
    ds.StudyTime = sdt.strftime("%H%M%S")
    ds.SeriesDate = _fmt_date(series_dt)
    ds.SeriesTime = series_dt.strftime("%H%M%S")
    ds.AcquisitionDate = ds.SeriesDate
    ds.ContentDate = ds.SeriesDate
    ds.AccessionNumber = ctx["accession"]
    ds.Modality = modality
    ds.Manufacturer = "DICOM-Mail Testdata"
    ds.InstitutionName = ctx["institution"]
    ds.ReferringPhysicianName = ctx["referring"]
    ds.StationName = "TESTGEN01"
    ds.StudyDescription = ctx["study_description"]
    ds.SeriesDescription = spec["description"]
    ds.ManufacturerModelName = "Synthetic Phantom"
    ds.PatientName = ctx["patient_name"]
    ds.PatientID = ctx["patient_id"]
    ds.PatientBirthDate = ctx["birth_date"]
    ds.PatientSex = ctx["sex"]
    ds.PatientAge = ctx["age"]
    ds.BodyPartExamined = "CHEST"
    ds.SliceThickness = "%g" % spec["spacing"]
    if modality == "CT":
        ds.KVP = "120"
        ds.DataCollectionDiameter = "%g" % SCAN_DIAMETER_MM
        ds.ReconstructionDiameter = "%g" % ctx["fov"]
        ds.GantryDetectorTilt = "0"
        ds.TableHeight = "160"
        ds.RotationDirection = "CW"
        ds.ExposureTime = "500"
        ds.XRayTubeCurrent = "200"
        ds.Exposure = "100"
        ds.FilterType = "FLAT"
        ds.GeneratorPower = "24"
        ds.FocalSpots = "1.2"
        ds.ConvolutionKernel = spec["kernel"] or "B30f"
        ds.ScanOptions = "HELICAL MODE"
    else:
        ds.ScanningSequence = "SE"
        ds.SequenceVariant = "NONE"
        ds.ScanOptions = ""
        ds.MRAcquisitionType = "2D"
        ds.RepetitionTime = "500"
        ds.EchoTime = "15"
        ds.NumberOfAverages = "1"
        ds.ImagingFrequency = "63.87"
        ds.ImagedNucleus = "1H"
        ds.EchoNumbers = "1"
        ds.MagneticFieldStrength = "1.5"
        ds.SpacingBetweenSlices = "%g" % spec["spacing"]
        ds.EchoTrainLength = "1"
        ds.FlipAngle = "90"
    ds.PatientPosition = "HFS"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.StudyID = ctx["study_id"]
    ds.SeriesNumber = series_number
    ds.AcquisitionNumber = 1
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = frame_uid
    ds.PositionReferenceIndicator = ""
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ctx["rows"]
    ds.Columns = ctx["cols"]
    ds.PixelSpacing = ["%.6g" % ctx["spacing"], "%.6g" % ctx["spacing"]]
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = str(spec["window_center"])
    ds.WindowWidth = str(spec["window_width"])
    if modality == "CT":
        ds.RescaleIntercept = "-1024"
        ds.RescaleSlope = "1"
        ds.RescaleType = "HU"
    return ds


def _file_meta(sop_class, sop_instance):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_instance
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    return meta


def _write(ds, path, pixel_chunks=None, pixel_length=0):
    """Write |ds| as a Part-10 file. When |pixel_chunks| is given, Pixel Data is appended
    chunk by chunk after the header so a huge multi-frame never sits in memory whole."""
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.preamble = b"\0" * 128
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        pydicom.dcmwrite(f, ds, write_like_original=False)
        if pixel_chunks is not None:
            if pixel_length % 2 or pixel_length >= 0xFFFFFFFF:
                raise ValueError("pixel data length %d not representable" % pixel_length)
            # (7FE0,0010) OW, explicit VR little endian: tag, VR, 2 reserved bytes, 32-bit length.
            f.write(b"\xe0\x7f\x10\x00OW\x00\x00" + pixel_length.to_bytes(4, "little"))
            written = 0
            for chunk in pixel_chunks:
                f.write(chunk)
                written += len(chunk)
            if written != pixel_length:
                raise RuntimeError("wrote %d pixel bytes, announced %d" % (written, pixel_length))
    os.replace(tmp, path)


def generate_study(out_dir, seed=1, patient_name="Müller^Jürgen", series=None,
                   slices=DEFAULT_SLICES, rows=512, cols=512, multiframe_mb=0, study_uid=None,
                   modality="CT", patient_id=None, referring="Meier^Hans^^Dr.",
                   institution="Klinikum Süd", study_description=None, accession=None,
                   charset="ISO_IR 192", first_series_number=None, noise_sigma=12.0,
                   add_to=None):
    """Write a synthetic study into |out_dir| and return the file paths (in write order).

    series: number of series, or a list whose entries are a SeriesDescription (str) or a
            dict with any of description/spacing/kernel/window_center/window_width/slices.
    slices: slices per series (a series dict may override it).
    multiframe_mb: if > 0, add one Multi-frame Grayscale Word Secondary Capture instance,
            in its own series, whose file is larger than this many MiB.
    study_uid: put the series into this study instead of a seed-derived one.
    add_to: a study UID, or a DICOM file / directory of a previously generated study whose
            patient and study attributes are copied; new series are numbered after the
            existing ones (or from 101 when only a UID is known).
    Files are named s<SeriesNumber>_i<InstanceNumber>.dcm and s<SeriesNumber>_multiframe.dcm.
    """
    modality = modality.upper()
    if modality not in ("CT", "MR"):
        raise ValueError("modality must be CT or MR, got %r" % modality)
    if rows < 16 or cols < 16:
        raise ValueError("rows and cols must be >= 16")
    if patient_id is None:
        patient_id = "DMT%06d" % (_seed_int("patient", seed) % 10 ** 6)
    if study_description is None:
        study_description = "CT Thorax nativ" if modality == "CT" else "MRT Thorax Übersicht"
    fov = FOV_MM
    ctx = _study_context(seed, patient_name, patient_id, modality)
    ctx.update(patient_name=patient_name, patient_id=patient_id, referring=referring,
               institution=institution, study_description=study_description, rows=rows,
               cols=cols, fov=fov, spacing=fov / max(rows, cols))
    if accession is not None:
        ctx["accession"] = accession

    if add_to is not None:
        if os.path.exists(add_to):
            existing, max_series = _read_existing_study(add_to)
            study_uid = existing.StudyInstanceUID
            charset = existing.get("SpecificCharacterSet", charset) or charset
            if isinstance(charset, (list, tuple)) or charset not in CHARSET_CODECS:
                charset = "ISO_IR 192"
            ctx.update(patient_name=str(existing.PatientName), patient_id=existing.PatientID,
                       birth_date=existing.get("PatientBirthDate", ctx["birth_date"]),
                       sex=existing.get("PatientSex", ctx["sex"]),
                       age=existing.get("PatientAge", ctx["age"]),
                       accession=existing.get("AccessionNumber", ctx["accession"]),
                       study_id=existing.get("StudyID", ctx["study_id"]),
                       study_description=existing.get("StudyDescription", study_description),
                       referring=str(existing.get("ReferringPhysicianName", referring)),
                       institution=existing.get("InstitutionName", institution))
            if existing.get("StudyDate") and existing.get("StudyTime"):
                ctx["study_datetime"] = datetime.datetime.strptime(
                    existing.StudyDate + existing.StudyTime.split(".")[0][:6].ljust(6, "0"), "%Y%m%d%H%M%S")
            default_first = max_series + 1
        else:
            study_uid = add_to
            default_first = 101
        if first_series_number is None:
            first_series_number = default_first
    if first_series_number is None:
        first_series_number = 1

    _check_encodable(charset, {k: ctx[k] for k in ("patient_name", "patient_id", "referring",
                                                   "institution", "study_description")})
    specs = _series_specs(series, modality, DEFAULT_SERIES)
    for spec in specs:
        _check_encodable(charset, {"series description": spec["description"]})

    if study_uid is None:
        study_uid = _uid("study", seed, patient_id, patient_name, modality)
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(_seed_int("pixels", seed, study_uid, first_series_number)))
    phantom = Phantom(rows, cols, fov, SCAN_DIAMETER_MM, rng)
    make_slice = ct_slice if modality == "CT" else mr_slice
    frame_uid = _uid("frame", seed, study_uid, first_series_number)

    paths = []
    for index, spec in enumerate(specs):
        number = first_series_number + index
        count = int(spec["slices"] if spec["slices"] is not None else slices)
        if count < 1:
            raise ValueError("slices must be >= 1")
        series_uid = _uid("series", seed, study_uid, number, modality)
        ds = _base_dataset(ctx, study_uid, charset, modality, spec, series_uid, number, frame_uid)
        x0 = -(cols - 1) / 2.0 * ctx["spacing"]
        y0 = -(rows - 1) / 2.0 * ctx["spacing"]
        content_start = ctx["study_datetime"] + datetime.timedelta(minutes=2 + 3 * (number % 100))
        for i in range(count):
            t = i / (count - 1) if count > 1 else 0.5
            z = -50.0 - i * spec["spacing"]
            sop_uid = _uid("instance", seed, series_uid, i + 1)
            ds.file_meta = _file_meta(ds.SOPClassUID, sop_uid)
            ds.SOPInstanceUID = sop_uid
            ds.InstanceNumber = i + 1
            ds.ContentTime = (content_start + datetime.timedelta(milliseconds=250 * i)).strftime("%H%M%S.%f")[:10]
            ds.AcquisitionTime = ds.ContentTime
            ds.ImagePositionPatient = ["%.4f" % x0, "%.4f" % y0, "%.2f" % z]
            ds.SliceLocation = "%.2f" % z
            ds.PixelData = make_slice(phantom, rng, t, z, noise_sigma).tobytes()
            path = os.path.join(out_dir, "s%03d_i%05d.dcm" % (number, i + 1))
            _write(ds, path)
            paths.append(path)

    if multiframe_mb and multiframe_mb > 0:
        number = first_series_number + len(specs)
        paths.append(_write_multiframe(out_dir, ctx, seed, study_uid, charset, modality, number,
                                       frame_uid, phantom, rng, make_slice, noise_sigma, multiframe_mb))
    return paths


def _write_multiframe(out_dir, ctx, seed, study_uid, charset, modality, number, frame_uid,
                      phantom, rng, make_slice, noise_sigma, multiframe_mb):
    """One Multi-frame Grayscale Word SC instance whose file exceeds multiframe_mb MiB."""
    rows, cols = ctx["rows"], ctx["cols"]
    frame_bytes = rows * cols * 2
    frames = int(math.ceil(multiframe_mb * MIB / frame_bytes)) + 1
    spacing = 2.0
    spec = {"description": "Multiframe Sekundärerfassung", "spacing": spacing, "kernel": None,
            "window_center": 1064 if modality == "CT" else 600, "window_width": 400 if modality == "CT" else 1200}
    series_uid = _uid("series", seed, study_uid, number, "SC")
    ds = _base_dataset(ctx, study_uid, charset, modality, spec, series_uid, number, frame_uid)
    # Strip the CT/MR acquisition attributes; an SC object only describes the conversion.
    for keyword in ("KVP", "DataCollectionDiameter", "ReconstructionDiameter", "GantryDetectorTilt",
                    "TableHeight", "RotationDirection", "ExposureTime", "XRayTubeCurrent", "Exposure",
                    "FilterType", "GeneratorPower", "FocalSpots", "ConvolutionKernel", "ScanOptions",
                    "ScanningSequence", "SequenceVariant", "MRAcquisitionType", "RepetitionTime",
                    "EchoTime", "NumberOfAverages", "ImagingFrequency", "ImagedNucleus", "EchoNumbers",
                    "MagneticFieldStrength", "SpacingBetweenSlices", "EchoTrainLength", "FlipAngle",
                    "RescaleIntercept", "RescaleSlope", "RescaleType", "ImageOrientationPatient",
                    "FrameOfReferenceUID", "PositionReferenceIndicator", "AcquisitionNumber",
                    "AcquisitionDate", "PatientPosition", "SliceThickness"):
        if keyword in ds:
            delattr(ds, keyword)
    ds.SOPClassUID = MULTIFRAME_WORD_SC_STORAGE
    ds.Modality = "OT"
    ds.ImageType = ["DERIVED", "SECONDARY"]
    ds.ConversionType = "SYN"
    ds.BurnedInAnnotation = "NO"
    ds.PresentationLUTShape = "IDENTITY"
    # Rescale kept at identity (the Word SC IOD's traditional constraint): stored values.
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "US"
    ds.NumberOfFrames = frames
    ds.FrameIncrementPointer = pydicom.tag.Tag("SliceLocationVector")
    locations = [-50.0 - k * spacing for k in range(frames)]
    ds.SliceLocationVector = ["%.2f" % z for z in locations]
    ds.InstanceNumber = 1
    sop_uid = _uid("instance", seed, series_uid, 1)
    ds.SOPInstanceUID = sop_uid
    ds.file_meta = _file_meta(ds.SOPClassUID, sop_uid)
    ds.ContentTime = ds.SeriesTime

    def chunks():
        for k, z in enumerate(locations):
            yield make_slice(phantom, rng, k / max(1, frames - 1), z, noise_sigma).tobytes()

    path = os.path.join(out_dir, "s%03d_multiframe.dcm" % number)
    _write(ds, path, chunks(), frames * frame_bytes)
    return path


def describe_study(paths):
    """Summary of generated files: study UID, patient ID, series UIDs/counts, total bytes."""
    series = {}
    study_uids = set()
    patient_ids = set()
    total = 0
    for p in paths:
        total += os.path.getsize(p)
        ds = pydicom.dcmread(p, stop_before_pixels=True)
        study_uids.add(ds.StudyInstanceUID)
        patient_ids.add(ds.PatientID)
        s = series.setdefault(ds.SeriesInstanceUID, {"series_uid": ds.SeriesInstanceUID,
                                                     "series_number": int(ds.SeriesNumber),
                                                     "description": ds.get("SeriesDescription", ""),
                                                     "modality": ds.Modality, "instances": 0})
        s["instances"] += 1
    return {"study_uid": sorted(study_uids)[0] if len(study_uids) == 1 else sorted(study_uids),
            "patient_id": sorted(patient_ids)[0] if len(patient_ids) == 1 else sorted(patient_ids),
            "files": len(paths), "bytes": total,
            "series": sorted(series.values(), key=lambda s: s["series_number"])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=1)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--slices", type=int, default=None, help="slices per series (default %d)" % DEFAULT_SLICES)
    size.add_argument("--size-mb", type=float, default=None,
                      help="choose the slices per series so all series together are about this many MiB")
    parser.add_argument("--series", type=int, default=DEFAULT_SERIES, help="number of series")
    parser.add_argument("--multiframe-mb", type=float, default=0,
                        help="add one multi-frame SC instance larger than this many MiB")
    parser.add_argument("--rows", type=int, default=512)
    parser.add_argument("--cols", type=int, default=512)
    parser.add_argument("--modality", choices=["CT", "MR"], default="CT")
    parser.add_argument("--patient-name", default="Müller^Jürgen")
    parser.add_argument("--patient-id", default=None)
    parser.add_argument("--referring", default="Meier^Hans^^Dr.")
    parser.add_argument("--institution", default="Klinikum Süd")
    parser.add_argument("--study-description", default=None)
    parser.add_argument("--accession", default=None)
    parser.add_argument("--charset", choices=sorted(CHARSET_CODECS), default="ISO_IR 192")
    parser.add_argument("--noise-sigma", type=float, default=12.0)
    parser.add_argument("--study-uid", default=None, help="use this StudyInstanceUID")
    parser.add_argument("--add-to", default=None, metavar="STUDY_UID|PATH",
                        help="add new series to an existing study (UID, or a generated file/directory "
                             "whose patient and study attributes are copied)")
    parser.add_argument("--first-series-number", type=int, default=None)
    args = parser.parse_args(argv)

    slices = args.slices if args.slices is not None else DEFAULT_SLICES
    if args.size_mb is not None:
        slices = slices_for_size_mb(args.size_mb, args.series, args.rows, args.cols)
    started = time.monotonic()
    paths = generate_study(args.out_dir, seed=args.seed, patient_name=args.patient_name,
                           series=args.series, slices=slices, rows=args.rows, cols=args.cols,
                           multiframe_mb=args.multiframe_mb, study_uid=args.study_uid,
                           modality=args.modality, patient_id=args.patient_id, referring=args.referring,
                           institution=args.institution, study_description=args.study_description,
                           accession=args.accession, charset=args.charset,
                           first_series_number=args.first_series_number, noise_sigma=args.noise_sigma,
                           add_to=args.add_to)
    summary = describe_study(paths)
    summary["seconds"] = round(time.monotonic() - started, 2)
    summary["out_dir"] = os.path.abspath(args.out_dir)
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
