// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // What every gpg operation run through GpgProcess needs: which gpg, which
  // home, and how long gpg may go without progress (GpgTimeout). The
  // operations' requests extend it.
  struct GpgSession
  {
    std::string gpgPath;
    std::string homePath;
    unsigned int inactivityTimeoutSeconds = 600;   // see GpgProcess::SetInactivityTimeout
  };
}
