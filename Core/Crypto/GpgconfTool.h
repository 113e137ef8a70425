// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // Runs "gpgconf --homedir <home> <arguments...>" without a shell and waits
  // for it. Used to launch, reload and stop the gpg-agent of a home.
  class GpgconfTool
  {
  public:
    // Returns what gpgconf printed (stdout and stderr); throws
    // Error(Configuration) when it cannot run or exits with a failure.
    static std::string Run(const std::string& home, const std::vector<std::string>& arguments);
  };
}
