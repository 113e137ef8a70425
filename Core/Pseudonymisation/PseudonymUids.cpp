// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Pseudonymisation/PseudonymUids.h"

#include "Core/Transfer/Sha256.h"

#include <random>

namespace DicomMail
{
  namespace PseudonymUids
  {
    namespace
    {
      std::string RandomHex(size_t digits, bool upper)
      {
        // random_device reads the kernel's generator.
        std::random_device random;
        const char* const alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        std::string result;
        while (result.size() < digits)
        {
          unsigned int value = random();
          for (int i = 0; i < 8 && result.size() < digits; i++, value >>= 4)
          {
            result += alphabet[value & 0xF];
          }
        }
        return result;
      }
    }

    std::string Derive(const std::string& secret, const std::string& originalUid)
    {
      const std::string hex = Sha256::OfString(secret + "\n" + originalUid);
      unsigned __int128 value = 0;
      for (size_t i = 0; i < 32; i++)
      {
        const char c = hex[i];
        value = (value << 4) | static_cast<unsigned int>(c <= '9' ? c - '0' : c - 'a' + 10);
      }
      std::string digits;
      do
      {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
        value /= 10;
      } while (value != 0);
      return "2.25." + digits;   // at most 44 characters
    }

    std::string NewSecret()
    {
      return RandomHex(64, false);
    }

    std::string NewPseudonym()
    {
      return "DM-" + RandomHex(12, true);
    }
  }
}
