// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // Runs "gpgconf --homedir <home> <arguments...>" without a shell, through
  // the launcher of gpg (GpgProcess): the same closed descriptors, signal
  // mask and deadline. Used to launch, reload and stop the gpg-agent of a
  // home, which can hang with the agent.
  class GpgconfTool
  {
  public:
    // Returns what gpgconf printed on stdout; throws Error(Configuration)
    // when it cannot run or exits with a failure, Error(Internal) when it
    // made no progress for "timeoutSeconds" (it is then stopped).
    static std::string Run(const std::string& home,
                           unsigned int timeoutSeconds,
                           const std::vector<std::string>& arguments);
  };
}
