// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/ReceivedPart.h"

#include "Core/Transfer/DicomFileName.h"

namespace DicomMail
{
  std::string ReceivedPart::Describe() const
  {
    if (DicomFileName::IsSafeDicomName(name))
    {
      return name;
    }
    return "part " + std::to_string(index);
  }
}
