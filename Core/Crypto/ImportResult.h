// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  struct ImportResult
  {
    int considered = 0;                     // keys found in the data
    int imported = 0;                       // new keys
    int unchanged = 0;                      // keys already known as they are
    int secretKeysRead = 0;                 // secret keys found in the data
    std::vector<std::string> fingerprints;  // every key touched, 40 upper-case hex digits
  };
}
