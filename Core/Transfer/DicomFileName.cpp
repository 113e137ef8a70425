// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/DicomFileName.h"

#include "Core/Common/Error.h"

#include <cstdio>

namespace DicomMail
{
  namespace DicomFileName
  {
    std::string ForIndex(unsigned int index)
    {
      if (index == 0 || index > kMaxIndex)
      {
        throw Error(ErrorKind::LimitExceeded, "DICOM part number " + std::to_string(index) +
                    " is outside 1.." + std::to_string(kMaxIndex));
      }
      char buffer[32];
      snprintf(buffer, sizeof(buffer), "IM%06u.dcm", index);
      return buffer;
    }

    bool IsSafeDicomName(const std::string& name)
    {
      size_t stem = name.size();
      if (stem >= 4)
      {
        const std::string suffix = name.substr(stem - 4);
        if (suffix[0] == '.' &&
            (suffix[1] == 'd' || suffix[1] == 'D') &&
            (suffix[2] == 'c' || suffix[2] == 'C') &&
            (suffix[3] == 'm' || suffix[3] == 'M'))
        {
          stem -= 4;
        }
      }

      if (stem == 0 || stem > 8)
      {
        return false;
      }
      for (size_t i = 0; i < stem; i++)
      {
        const char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        {
          return false;
        }
      }
      return true;
    }
  }
}
