// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  namespace TransferSyntax
  {
    // Implicit or explicit VR, little or big endian: pixel data stored as
    // is, which OpenPGP's zlib shrinks (CT and MR to about half). JPEG,
    // JPEG 2000, RLE, deflate and anything unknown: already compressed.
    bool IsUncompressed(const std::string& transferSyntaxUid);
  }
}
