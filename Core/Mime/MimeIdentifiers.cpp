// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/MimeIdentifiers.h"

#include "Core/Common/Error.h"

#include <cerrno>
#include <cstring>
#include <sys/random.h>
#include <vector>

namespace DicomMail
{
  namespace MimeIdentifiers
  {
    std::string RandomHex(size_t bytes)
    {
      std::vector<unsigned char> random(bytes);
      size_t filled = 0;
      while (filled < bytes)
      {
        const ssize_t n = getrandom(random.data() + filled, bytes - filled, 0);
        if (n < 0)
        {
          if (errno == EINTR)
          {
            continue;
          }
          throw Error(ErrorKind::Internal, std::string("getrandom() failed: ") + strerror(errno));
        }
        filled += static_cast<size_t>(n);
      }

      static const char digits[] = "0123456789abcdef";
      std::string hex;
      hex.reserve(2 * bytes);
      for (unsigned char c : random)
      {
        hex += digits[c >> 4];
        hex += digits[c & 15];
      }
      return hex;
    }

    std::string GenerateBoundary()
    {
      return "=_DM_" + RandomHex(16);
    }

    std::string GenerateMessageId(const std::string& domain)
    {
      bool valid = !domain.empty() && domain.size() <= 253 && domain.front() != '.' &&
        domain.back() != '.' && domain.front() != '-';
      for (char c : domain)
      {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
        {
          valid = false;
        }
      }
      if (!valid)
      {
        throw Error(ErrorKind::BadInput, "invalid domain for a Message-ID: \"" + domain.substr(0, 80) + "\"");
      }
      return "<" + RandomHex(16) + "@" + domain + ">";
    }
  }
}
