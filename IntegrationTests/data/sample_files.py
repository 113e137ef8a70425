# SPDX-License-Identifier: GPL-3.0-or-later
"""Paths of the DICOM test files shipped with Debian's pydicom (python3-pydicom), for tests.

Only files that exist on this machine are listed; the getters raise FileNotFoundError
naming the missing file instead of returning None, so a test can never silently run
without its input. Run this module to print what was found.

Beware of shared UIDs: the MR_small* variants all carry the same SOPInstanceUID (one
object in several transfer syntaxes), as do chrFren/chrFrenMulti and
chrJapMulti/chrJapMultiExplicitIR6. Orthanc stores such a pair as ONE instance; use
UNIQUE_CHARSET_FILES when every file must become its own instance.

What Orthanc 1.10.1 (Debian) makes of the charset files' PatientName, compared with
patient_name() below (measured by uploading them to /instances):
- equal for chrArab, chrFren, chrGerm, chrGreek, chrH31, chrHbrw, chrI2, chrJapMulti,
  chrKoreanMulti, chrRuss;
- chrX1, chrX2: Orthanc keeps the trailing empty component group ("...=王^小東="),
  pydicom drops it: compare with rstrip("=");
- chrH32 (ISO 2022 IR 13 + IR 87): Orthanc returns the JIS X 0208 groups undecoded
  (";3ED^B@O:=..."), so a comparison with pydicom's decoding fails for Orthanc's own
  reasons; compare the stored bytes instead.
"""

import os

import pydicom
from pydicom.data import get_charset_files, get_testdata_file

# Files of pydicom's test_files directory that are handy here, by purpose.
_TESTDATA_NAMES = {
    # Small valid images, Explicit VR Little Endian.
    "CT_small": "CT_small.dcm",
    "MR_small": "MR_small.dcm",
    # Same MR object (same SOPInstanceUID as MR_small) in other transfer syntaxes.
    "MR_small_implicit": "MR_small_implicit.dcm",      # 1.2.840.10008.1.2
    "MR_small_bigendian": "MR_small_bigendian.dcm",    # 1.2.840.10008.1.2.2
    "MR_small_RLE": "MR_small_RLE.dcm",                # 1.2.840.10008.1.2.5
    "MR_small_jp2klossless": "MR_small_jp2klossless.dcm",  # 1.2.840.10008.1.2.4.90
    "MR_small_jpeg_ls_lossless": "MR_small_jpeg_ls_lossless.dcm",  # 1.2.840.10008.1.2.4.80
    "JPEG_lossy": "JPEG-lossy.dcm",                    # 1.2.840.10008.1.2.4.51, NM
    "deflated": "image_dfl.dcm",                       # 1.2.840.10008.1.2.1.99
    # Non-image objects.
    "SR": "test-SR.dcm",
    "RT_plan": "rtplan.dcm",
    "RT_dose_multiframe": "rtdose.dcm",                # 15 frames
    "ECG_waveform": "waveform_ecg.dcm",
    # Broken input, for rejection tests.
    "no_meta": "no_meta.dcm",                          # no preamble / DICM / file meta
    "MR_truncated": "MR_truncated.dcm",                # pixel data cut short
}

# Character-set files (pydicom's charset_files) with non-ASCII patient names.
_CHARSET_NAMES = [
    "chrArab.dcm",        # ISO_IR 127, Arabic
    "chrFren.dcm",        # ISO_IR 100, Buc^Jérôme
    "chrFrenMulti.dcm",   # ISO_IR 100, same UIDs as chrFren, multi-valued PN/LO
    "chrGerm.dcm",        # ISO_IR 100, Äneas^Rüdiger
    "chrGreek.dcm",       # ISO_IR 126, Greek
    "chrH31.dcm",         # ISO 2022 IR 87, Japanese ideographic/phonetic
    "chrH32.dcm",         # ISO 2022 IR 13 + IR 87, Japanese with half-width katakana
    "chrHbrw.dcm",        # ISO_IR 138, Hebrew
    "chrI2.dcm",          # ISO 2022 IR 149, Korean
    "chrJapMulti.dcm",    # ISO 2022 IR 87, CR image
    "chrJapMultiExplicitIR6.dcm",  # same UIDs as chrJapMulti
    "chrKoreanMulti.dcm",  # ISO 2022 IR 149, CR image
    "chrRuss.dcm",        # ISO_IR 144, Cyrillic
    "chrX1.dcm",          # ISO_IR 192 (UTF-8), Chinese
    "chrX2.dcm",          # GB18030, Chinese
]
_CHARSET_DUPLICATES = {"chrFrenMulti.dcm", "chrJapMultiExplicitIR6.dcm"}


def _find_charset_file(name):
    found = get_charset_files(name)
    return found[0] if found else None


def _existing(mapping):
    return {key: path for key, path in mapping.items() if path and os.path.isfile(path)}


TESTDATA_FILES = _existing({key: get_testdata_file(name) for key, name in _TESTDATA_NAMES.items()})
CHARSET_FILES = _existing({name[:-4]: _find_charset_file(name) for name in _CHARSET_NAMES})
UNIQUE_CHARSET_FILES = {key: path for key, path in CHARSET_FILES.items()
                        if key + ".dcm" not in _CHARSET_DUPLICATES}


def testdata_file(key):
    """Path of one of TESTDATA_FILES by key (e.g. "CT_small"); raises if it is missing."""
    path = TESTDATA_FILES.get(key)
    if path is None:
        raise FileNotFoundError("pydicom test file %r (%s) is not installed"
                                % (key, _TESTDATA_NAMES.get(key, "unknown key")))
    return path


def ct_small():
    return testdata_file("CT_small")


def mr_small():
    return testdata_file("MR_small")


def charset_file(key):
    """Path of a character-set file by key (e.g. "chrGerm"); raises if it is missing."""
    path = CHARSET_FILES.get(key)
    if path is None:
        raise FileNotFoundError("pydicom charset file %s.dcm is not installed" % key)
    return path


def patient_name(path):
    """PatientName of |path| decoded by pydicom with the file's SpecificCharacterSet, as
    str ("Family^Given=Ideographic=Phonetic"); the reference to compare Orthanc's
    decoding or a round trip against."""
    return str(pydicom.dcmread(path, stop_before_pixels=True).PatientName)


def main():
    for key, path in sorted(TESTDATA_FILES.items()):
        print("%-26s %s" % (key, path))
    for key, path in sorted(CHARSET_FILES.items()):
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        print("%-26s %s  %s  %s" % (key, path, ds.get("SpecificCharacterSet"), ds.PatientName))
    missing = sorted(set(_TESTDATA_NAMES) - set(TESTDATA_FILES)) + \
        sorted(n[:-4] for n in _CHARSET_NAMES if n[:-4] not in CHARSET_FILES)
    if missing:
        print("missing:", ", ".join(missing))


if __name__ == "__main__":
    main()
