// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Who this site is, for the IMAP claims it leaves behind when it is killed
  // mid-poll: a random id kept in the state directory, combined with the
  // host name, so that the site finds its own claims again at start-up and
  // a restored backup on another machine does not take them for its own.
  namespace ImapClaimOwner
  {
    // 16 hexadecimal digits; the id file is created on first use.
    std::string Load(const std::string& stateDirectory);
  }
}
