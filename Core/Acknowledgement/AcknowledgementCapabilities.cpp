// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementCapabilities.h"

#include "Core/Common/Error.h"
#include "Core/Common/Trim.h"
#include "Core/Store/UtcMillis.h"

#include <strings.h>

namespace DicomMail
{
  namespace AcknowledgementCapabilities
  {
    const char* const kField = "X-DICOM-Mail-Capabilities";
    const char* const kBinaryParts = "binary-parts";
    const char* const kCompletedField = "X-DICOM-Mail-Completed";

    int64_t ReadCompleted(const std::vector<std::string>& fieldValues)
    {
      if (fieldValues.size() != 1)
      {
        return 0;
      }
      try
      {
        const int64_t ms = UtcMillis::Parse(Trim(fieldValues.front()));
        return ms > 0 ? ms : 0;
      }
      catch (const Error&)
      {
        return 0;   // a time we cannot read is no time: the record says "not given"
      }
    }

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
