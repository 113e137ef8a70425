// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgVerify.h"

#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/VerifyStatus.h"

namespace DicomMail
{
  std::vector<std::string> GpgVerify::BuildArguments(const Request& request)
  {
    std::vector<std::string> arguments = GpgProcess::SessionArguments(request.homePath);
    arguments.insert(arguments.end(), {
      // An unknown signer stays unknown: no key server is asked.
      "--no-auto-key-retrieve",
      // "-&5": the signature is read from descriptor 5.
      "--enable-special-filenames",
      "--verify", "--",
      "-&" + std::to_string(GpgProcess::kExtraInputFd), "-"
    });
    return arguments;
  }

  VerifyResult GpgVerify::Run(const Request& request, const std::string& detachedSignature, ByteSource& signedData)
  {
    GpgProcess process(request, BuildArguments(request), &detachedSignature);
    VerifyStatus status(process);
    CountingSink nothing;   // gpg --verify writes no data
    // gpg's exit code is 1 or 2 for a bad or unknown signature alike: the
    // status lines decide.
    process.Exchange(signedData, nothing, [&status](const std::string& keyword, const std::string& arguments)
    {
      status.Handle(keyword, arguments);
    });
    return status.Conclude();
  }
}
