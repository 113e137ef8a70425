// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Wipe.h"

namespace DicomMail
{
  void WipeString(std::string& s)
  {
    s.resize(s.capacity());
    // volatile: the compiler must not drop stores to memory about to be freed.
    volatile char* p = &s[0];
    for (size_t i = 0; i < s.size(); i++)
    {
      p[i] = 0;
    }
    s.clear();
  }
}
