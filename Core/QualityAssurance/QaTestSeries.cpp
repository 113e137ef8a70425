// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaTestSeries.h"

#include "Core/QualityAssurance/DicomFileWriter.h"
#include "Core/Transfer/Sha256.h"

namespace DicomMail
{
  namespace QaTestSeries
  {
    namespace
    {
      // A UUID-derived root (PS3.5 B.2) of the DICOM-Mail project's QA series.
      const std::string kRoot = "2.25.271706740546840698937681353201976473663";
      const char kCtImageStorage[] = "1.2.840.10008.5.1.4.1.1.2";
      const unsigned int kSlices = 3;
      const unsigned int kSize = 64;

      // Fixed: they are what a receiver checks. Change the series, change them
      // (and say so in the changelog: older sites will refuse the new series).
      const char* const kSha256[kSlices] =
      {
        "83c94b2bcafdfee904777d40238120a7199832e26c12354a2795c5279fae4c54",
        "8f8eb76938d18fb1d2e17cfe171cdce769ef3491981ed80ebd150682e1b51390",
        "d24bccc12290bb786c83aae78ced80122945a4508510e6b28e956e73667c0b26",
      };

      std::string InstanceUid(unsigned int slice)
      {
        return kRoot + ".3." + std::to_string(slice + 1);
      }

      // A pattern to judge a display by: a checkerboard of 8-pixel squares
      // at -400 and +400 HU, a ramp of grey in the bottom quarter, and
      // the slice number as a bright square in the top left corner.
      std::string Pixels(unsigned int slice)
      {
        std::string bytes;
        bytes.reserve(kSize * kSize * 2);
        for (unsigned int y = 0; y < kSize; y++)
        {
          for (unsigned int x = 0; x < kSize; x++)
          {
            unsigned int value;
            if (y >= kSize * 3 / 4)
            {
              value = x * 4095 / (kSize - 1);
            }
            else if (y < 4 && x < 4 * (slice + 1))
            {
              value = 4095;
            }
            else
            {
              value = ((x / 8 + y / 8) % 2 == 0) ? 1024 + 400 : 1024 - 400;
            }
            bytes.push_back(static_cast<char>(value & 0xff));
            bytes.push_back(static_cast<char>(value >> 8));
          }
        }
        return bytes;
      }

      std::string MakeInstance(unsigned int slice)
      {
        DicomFileWriter w(kCtImageStorage, InstanceUid(slice), kRoot + ".9", "DICOMMAIL_QA1");
        w.AddText(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\AXIAL");
        w.AddText(0x0008, 0x0016, "UI", kCtImageStorage);
        w.AddText(0x0008, 0x0018, "UI", InstanceUid(slice));
        w.AddText(0x0008, 0x0020, "DA", "20260101");
        w.AddText(0x0008, 0x0030, "TM", "000000");
        w.AddText(0x0008, 0x0050, "SH", "");
        w.AddText(0x0008, 0x0060, "CS", "CT");
        w.AddText(0x0008, 0x0070, "LO", "DICOM-Mail for Orthanc");
        w.AddText(0x0008, 0x1030, "LO", "DICOM-Mail QA test series (DIN 6868-159)");
        w.AddText(0x0008, 0x103E, "LO", "Daily function test");
        w.AddText(0x0010, 0x0010, "PN", "DICOMMAIL^QATEST");
        w.AddText(0x0010, 0x0020, "LO", "DICOMMAIL-QA");
        w.AddText(0x0010, 0x0030, "DA", "");
        w.AddText(0x0010, 0x0040, "CS", "O");
        w.AddText(0x0018, 0x0050, "DS", "5");
        w.AddText(0x0020, 0x000D, "UI", StudyInstanceUid());
        w.AddText(0x0020, 0x000E, "UI", kRoot + ".2");
        w.AddText(0x0020, 0x0010, "SH", "QA");
        w.AddText(0x0020, 0x0011, "IS", "1");
        w.AddText(0x0020, 0x0013, "IS", std::to_string(slice + 1));
        w.AddText(0x0020, 0x0032, "DS", "0\\0\\" + std::to_string(slice * 5));
        w.AddText(0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
        w.AddUnsignedShort(0x0028, 0x0002, 1);
        w.AddText(0x0028, 0x0004, "CS", "MONOCHROME2");
        w.AddUnsignedShort(0x0028, 0x0010, kSize);
        w.AddUnsignedShort(0x0028, 0x0011, kSize);
        w.AddText(0x0028, 0x0030, "DS", "1\\1");
        w.AddUnsignedShort(0x0028, 0x0100, 16);
        w.AddUnsignedShort(0x0028, 0x0101, 12);
        w.AddUnsignedShort(0x0028, 0x0102, 11);
        w.AddUnsignedShort(0x0028, 0x0103, 0);
        w.AddText(0x0028, 0x1050, "DS", "0");     // HU, after the rescale
        w.AddText(0x0028, 0x1051, "DS", "1000");
        w.AddText(0x0028, 0x1052, "DS", "-1024");
        w.AddText(0x0028, 0x1053, "DS", "1");
        w.AddWords(0x7FE0, 0x0010, Pixels(slice));
        return w.GetContent();
      }

      std::string HashOf(const std::string& content)
      {
        Sha256 hash;
        hash.Write(content.data(), content.size());
        return hash.FinishHex();
      }
    }

    const std::string& StudyInstanceUid()
    {
      static const std::string uid = kRoot + ".1";
      return uid;
    }

    std::vector<Instance> Generate()
    {
      std::vector<Instance> series;
      for (unsigned int slice = 0; slice < kSlices; slice++)
      {
        Instance instance;
        instance.sopInstanceUid = InstanceUid(slice);
        instance.content = MakeInstance(slice);
        instance.sha256 = HashOf(instance.content);
        series.push_back(instance);
      }
      return series;
    }

    bool ExpectedSha256(const std::string& sopInstanceUid, std::string& sha256)
    {
      for (unsigned int slice = 0; slice < kSlices; slice++)
      {
        if (sopInstanceUid == InstanceUid(slice))
        {
          sha256 = kSha256[slice];
          return true;
        }
      }
      return false;
    }
  }
}
