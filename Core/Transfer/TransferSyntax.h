// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  namespace TransferSyntax
  {
    const char* const kExplicitLittleEndian = "1.2.840.10008.1.2.1";
    const char* const kJpegLsLossless = "1.2.840.10008.1.2.4.80";
    const char* const kJpeg2000Lossless = "1.2.840.10008.1.2.4.90";

    // Implicit or explicit VR, little or big endian: pixel data stored as
    // is, which OpenPGP's zlib shrinks (CT and MR to about half). JPEG,
    // JPEG 2000, RLE, deflate and anything unknown: already compressed.
    bool IsUncompressed(const std::string& transferSyntaxUid);

    // Syntaxes whose decoded pixels equal the encoded ones by definition.
    // Anything else, unknown UIDs included, counts as lossy.
    bool IsLossless(const std::string& transferSyntaxUid);

    // The JPEG 2000 family (Part 1, Part 2, High-Throughput), for which
    // Orthanc's built-in DCMTK has no encoder: a plugin must provide one.
    bool IsJpeg2000(const std::string& transferSyntaxUid);

    // A UID as DICOM allows it: digits and dots, at most 64 characters.
    bool IsValidUid(const std::string& text);
  }
}
