// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/TransferSyntax.h"

#include <set>

namespace DicomMail
{
  namespace TransferSyntax
  {
    bool IsUncompressed(const std::string& uid)
    {
      return (uid == "1.2.840.10008.1.2" ||     // implicit VR little endian
              uid == "1.2.840.10008.1.2.1" ||   // explicit VR little endian
              uid == "1.2.840.10008.1.2.2");    // explicit VR big endian (retired)
    }

    bool IsLossless(const std::string& uid)
    {
      static const std::set<std::string> lossless = {
        "1.2.840.10008.1.2.1.99",    // deflated explicit VR little endian
        "1.2.840.10008.1.2.4.57",    // JPEG lossless, process 14
        "1.2.840.10008.1.2.4.70",    // JPEG lossless, first-order prediction
        "1.2.840.10008.1.2.4.80",    // JPEG-LS lossless
        "1.2.840.10008.1.2.4.90",    // JPEG 2000 lossless only
        "1.2.840.10008.1.2.4.92",    // JPEG 2000 Part 2 multi-component, lossless only
        "1.2.840.10008.1.2.4.201",   // HTJ2K lossless
        "1.2.840.10008.1.2.4.202",   // HTJ2K lossless RPCL
        "1.2.840.10008.1.2.5"        // RLE lossless
      };
      return IsUncompressed(uid) || lossless.count(uid) > 0;
    }

    bool IsJpeg2000(const std::string& uid)
    {
      static const std::set<std::string> jpeg2000 = {
        "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92",
        "1.2.840.10008.1.2.4.93", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
        "1.2.840.10008.1.2.4.203"
      };
      return jpeg2000.count(uid) > 0;
    }

    bool IsValidUid(const std::string& text)
    {
      if (text.empty() || text.size() > 64 || text.front() == '.' || text.back() == '.')
      {
        return false;
      }
      for (size_t i = 0; i < text.size(); i++)
      {
        const char c = text[i];
        if (c == '.' ? text[i + 1] == '.' : (c < '0' || c > '9'))
        {
          return false;
        }
      }
      return true;
    }
  }
}
