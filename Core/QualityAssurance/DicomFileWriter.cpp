// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/DicomFileWriter.h"

#include "Core/Common/Error.h"

#include <cstring>

namespace DicomMail
{
  namespace
  {
    const char kExplicitVrLittleEndian[] = "1.2.840.10008.1.2.1";

    void Append16(std::string& out, uint16_t value)
    {
      out.push_back(static_cast<char>(value & 0xff));
      out.push_back(static_cast<char>(value >> 8));
    }

    void Append32(std::string& out, uint32_t value)
    {
      for (int shift = 0; shift < 32; shift += 8)
      {
        out.push_back(static_cast<char>((value >> shift) & 0xff));
      }
    }

    // The VRs whose length takes 4 bytes after 2 reserved ones (PS3.5 7.1.2).
    bool HasLongLength(const char vr[3])
    {
      for (const char* v : { "OB", "OW", "OF", "SQ", "UT", "UN" })
      {
        if (strcmp(vr, v) == 0)
        {
          return true;
        }
      }
      return false;
    }

    std::string Padded(const char vr[3], const std::string& value)
    {
      std::string padded = value;
      if (padded.size() % 2 != 0)
      {
        padded.push_back(strcmp(vr, "UI") == 0 ? '\0' : ' ');
      }
      return padded;
    }
  }

  void DicomFileWriter::AppendElement(std::string& out, uint16_t group, uint16_t element, const char vr[3],
                                      const std::string& value)
  {
    if (value.size() % 2 != 0 || value.size() > UINT32_MAX - 1)
    {
      throw Error(ErrorKind::Internal, "DICOM element value of odd length");
    }
    Append16(out, group);
    Append16(out, element);
    out.append(vr, 2);
    if (HasLongLength(vr))
    {
      Append16(out, 0);
      Append32(out, static_cast<uint32_t>(value.size()));
    }
    else
    {
      if (value.size() > 0xffff)
      {
        throw Error(ErrorKind::Internal, "DICOM element value too long for its VR");
      }
      Append16(out, static_cast<uint16_t>(value.size()));
    }
    out += value;
  }

  DicomFileWriter::DicomFileWriter(const std::string& sopClassUid, const std::string& sopInstanceUid,
                                   const std::string& implementationClassUid,
                                   const std::string& implementationVersion)
  {
    std::string meta;
    AppendElement(meta, 0x0002, 0x0001, "OB", std::string("\0\1", 2));
    AppendElement(meta, 0x0002, 0x0002, "UI", Padded("UI", sopClassUid));
    AppendElement(meta, 0x0002, 0x0003, "UI", Padded("UI", sopInstanceUid));
    AppendElement(meta, 0x0002, 0x0010, "UI", Padded("UI", kExplicitVrLittleEndian));
    AppendElement(meta, 0x0002, 0x0012, "UI", Padded("UI", implementationClassUid));
    AppendElement(meta, 0x0002, 0x0013, "SH", Padded("SH", implementationVersion));

    content_.assign(128, '\0');
    content_ += "DICM";
    std::string length;
    Append32(length, static_cast<uint32_t>(meta.size()));
    AppendElement(content_, 0x0002, 0x0000, "UL", length);
    content_ += meta;
  }

  void DicomFileWriter::AddText(uint16_t group, uint16_t element, const char vr[3], const std::string& value)
  {
    AppendElement(content_, group, element, vr, Padded(vr, value));
  }

  void DicomFileWriter::AddUnsignedShort(uint16_t group, uint16_t element, uint16_t value)
  {
    std::string bytes;
    Append16(bytes, value);
    AppendElement(content_, group, element, "US", bytes);
  }

  void DicomFileWriter::AddWords(uint16_t group, uint16_t element, const std::string& littleEndianBytes)
  {
    AppendElement(content_, group, element, "OW", littleEndianBytes);
  }
}
