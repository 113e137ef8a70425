// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace DicomMail
{
  // Estimates the size of a final, encrypted and armored mail from the sizes
  // of the DICOM files it carries, so that mails can be planned before any is
  // built. Every term rounds up: without compression the result is an upper
  // bound, and OpenPGP compression only shrinks the data (its worst-case
  // growth on incompressible data is inside the per-mille term).
  //
  //   DICOM part  = part headers + base64 (4/3, CRLF every 76 characters),
  //                 or + the file itself with binary parts
  //   entity      = entity headers + parts + manifest part (base + per instance)
  //   OpenPGP     = entity + fixed overhead (session keys, signature) + per mille
  //   mail        = outer headers + armor (base64, CRLF every 76 characters)
  class EncodedSizeModel
  {
  public:
    struct Parameters
    {
      uint64_t partHeaderBytes = 250;           // boundary + headers of one DICOM part
      uint64_t entityHeaderBytes = 512;         // inner X-TELEMEDICINE-* + multipart headers
      uint64_t manifestBaseBytes = 200 + 250;   // JSON totals + the manifest part's headers
      uint64_t manifestPerInstanceBytes = 200;  // one JSON entry
      // Generous on purpose: with RSA-4096 keys, a key packet per recipient
      // (the partner and our own copy) plus the signature exceed 1.5 KB.
      uint64_t openPgpFixedBytes = 4096;
      uint64_t openPgpPerMille = 1;             // packet framing, deflate worst case
      uint64_t outerHeaderBytes = 2048;         // outer headers, multipart/encrypted frame, armor lines
      bool binaryParts = false;                 // DICOM parts unencoded instead of base64
      // What a compressible part (an uncompressed transfer syntax) is
      // planned to keep of its encoded size when OpenPGP compresses: 100
      // plans as if nothing shrank, which bounds every mail; 75 still
      // leaves a margin over the ~50% of CT and MR and needs a third fewer
      // mails. A mail that comes out larger anyway is sent as
      // message/partial, so a wrong guess costs mails, not correctness.
      unsigned int compressiblePercent = 100;
    };

    EncodedSizeModel();
    explicit EncodedSizeModel(const Parameters& parameters);

    const Parameters& GetParameters() const
    {
      return parameters_;
    }

    // Bytes one DICOM file of "size" bytes adds to the plaintext entity
    // (scaled by compressiblePercent for a compressible one).
    uint64_t EncodedPartBytes(uint64_t size, bool compressible = false) const;

    // The mail estimate from the sum of EncodedPartBytes() of "count" parts;
    // lets a planner add instances one by one.
    uint64_t EstimateFromParts(uint64_t encodedPartBytes, size_t count) const;

    // Estimated size of the final mail carrying files of these sizes.
    uint64_t EstimateMailSize(const std::vector<uint64_t>& sizes) const;

    // The largest DICOM file that fits alone in a mail of "maxMailSize".
    // Throws Error(Configuration) if not even an empty file fits, i.e. the
    // limit cannot hold the headers.
    uint64_t MaxPayloadFor(uint64_t maxMailSize) const;

    // Larger files are refused, which keeps all arithmetic far from overflow.
    static constexpr uint64_t kMaxInstanceSize = uint64_t(1) << 50;

    // Base64 with CRLF after every full or final line of "lineLength" characters.
    static uint64_t Base64Bytes(uint64_t size, uint64_t lineLength);

  private:
    Parameters parameters_;
  };
}
