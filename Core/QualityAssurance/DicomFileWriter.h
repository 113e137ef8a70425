// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Writes a DICOM Part 10 file in Explicit VR Little Endian, element by
  // element, enough for the built-in QA test series: no sequences, the
  // caller adds the elements in ascending tag order. Byte for byte the same
  // at every run, so the test series has a fixed SHA-256.
  class DicomFileWriter
  {
  public:
    // Starts with the 128-byte preamble, "DICM" and the file meta group.
    DicomFileWriter(const std::string& sopClassUid, const std::string& sopInstanceUid,
                    const std::string& implementationClassUid, const std::string& implementationVersion);

    // Text elements (AE, AS, CS, DA, DS, IS, LO, PN, SH, TM, UI, ...),
    // padded to an even length (UI with NUL, others with a space).
    void AddText(uint16_t group, uint16_t element, const char vr[3], const std::string& value);

    void AddUnsignedShort(uint16_t group, uint16_t element, uint16_t value);

    // OW: 16-bit words, little endian.
    void AddWords(uint16_t group, uint16_t element, const std::string& littleEndianBytes);

    const std::string& GetContent() const
    {
      return content_;
    }

  private:
    static void AppendElement(std::string& out, uint16_t group, uint16_t element, const char vr[3],
                              const std::string& value);

    std::string content_;
  };
}
