// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/Fingerprint.h"

#include "Core/Common/Error.h"

#include <cctype>

namespace DicomMail
{
  namespace Fingerprint
  {
    namespace
    {
      const size_t kLength = 40;

      // Upper-case hex without spaces, or "" if anything else is in "text".
      std::string Compact(const std::string& text)
      {
        std::string result;
        for (char c : text)
        {
          if (c == ' ')
          {
            continue;
          }
          if (!isxdigit(static_cast<unsigned char>(c)))
          {
            return "";
          }
          result += static_cast<char>(toupper(static_cast<unsigned char>(c)));
        }
        return result;
      }
    }

    bool IsValidFingerprint(const std::string& text)
    {
      return Compact(text).size() == kLength;
    }

    std::string Normalize(const std::string& text)
    {
      std::string compact = Compact(text);
      if (compact.size() != kLength)
      {
        // Only a prefix: a caller may pass rubbish of any length.
        throw Error(ErrorKind::BadInput, "not an OpenPGP fingerprint (40 hexadecimal digits expected): \"" +
                    text.substr(0, 100) + "\"");
      }
      return compact;
    }

    std::string GroupInFours(const std::string& text)
    {
      const std::string compact = Normalize(text);
      std::string result;
      for (size_t i = 0; i < compact.size(); i += 4)
      {
        if (i > 0)
        {
          result += ' ';
        }
        result += compact.substr(i, 4);
      }
      return result;
    }

    std::string ToKeyId(const std::string& text)
    {
      return Normalize(text).substr(kLength - 16);
    }

    bool Matches(const std::string& fingerprintOrKeyId, const std::string& fingerprint)
    {
      const std::string a = Compact(fingerprintOrKeyId);
      const std::string b = Compact(fingerprint);
      if (b.size() != kLength)
      {
        return false;
      }
      if (a.size() == kLength)
      {
        return a == b;
      }
      return a.size() == 16 && b.compare(kLength - 16, 16, a) == 0;
    }
  }
}
