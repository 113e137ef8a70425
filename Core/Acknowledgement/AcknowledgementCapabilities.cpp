// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementCapabilities.h"

#include <strings.h>

namespace DicomMail
{
  namespace AcknowledgementCapabilities
  {
    const char* const kField = "X-DICOM-Mail-Capabilities";
    const char* const kBinaryParts = "binary-parts";

    bool NamesBinaryParts(const std::vector<std::string>& fieldValues)
    {
      for (const std::string& value : fieldValues)
      {
        size_t position = 0;
        while (position < value.size())
        {
          const size_t start = value.find_first_not_of(", \t\r\n", position);
          if (start == std::string::npos)
          {
            break;
          }
          size_t end = value.find_first_of(", \t\r\n", start);
          if (end == std::string::npos)
          {
            end = value.size();
          }
          const std::string token = value.substr(start, end - start);
          if (strcasecmp(token.c_str(), kBinaryParts) == 0)
          {
            return true;
          }
          position = end;
        }
      }
      return false;
    }
  }
}
