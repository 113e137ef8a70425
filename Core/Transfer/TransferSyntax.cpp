// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/TransferSyntax.h"

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
  }
}
