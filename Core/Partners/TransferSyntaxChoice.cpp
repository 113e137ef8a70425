// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/TransferSyntaxChoice.h"

#include "Core/Transfer/TransferSyntax.h"

namespace DicomMail
{
  namespace TransferSyntaxChoice
  {
    namespace
    {
      const char* const kAsStored = "as-stored";
    }

    bool Parse(const std::string& text, bool allowLossy, std::string& uid, std::string& problem)
    {
      if (text.empty() || text == kAsStored)
      {
        uid.clear();
        return true;
      }
      std::string candidate = text;
      if (text == "jpeg-ls")
      {
        candidate = TransferSyntax::kJpegLsLossless;
      }
      else if (text == "jpeg2000")
      {
        candidate = TransferSyntax::kJpeg2000Lossless;
      }
      else if (!TransferSyntax::IsValidUid(text))
      {
        problem = "must be \"as-stored\", \"jpeg-ls\", \"jpeg2000\" or a transfer syntax UID, not \"" + text + "\"";
        return false;
      }
      if (!TransferSyntax::IsLossless(candidate) && !allowLossy)
      {
        problem = "\"" + text + "\" is not a lossless transfer syntax: lossy ones need \"AllowLossyTranscoding\": true";
        return false;
      }
      uid = candidate;
      return true;
    }

    std::string Describe(const std::string& uid)
    {
      return uid.empty() ? kAsStored : uid;
    }
  }
}
