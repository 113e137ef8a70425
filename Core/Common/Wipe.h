// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Overwrites every byte a string may still hold (its whole capacity), then
  // empties it: for copies of passphrases before their memory is released.
  void WipeString(std::string& s);
}
