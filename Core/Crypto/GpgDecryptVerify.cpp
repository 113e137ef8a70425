// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgDecryptVerify.h"

#include "Core/Crypto/DecryptVerifyStatus.h"
#include "Core/Crypto/GpgProcess.h"

namespace DicomMail
{
  std::vector<std::string> GpgDecryptVerify::BuildArguments(const Request& request)
  {
    std::vector<std::string> arguments = GpgProcess::SessionArguments(request.homePath);
    arguments.insert(arguments.end(), {
      // An unknown signer stays unknown: no key server is asked.
      "--no-auto-key-retrieve",
      "--decrypt",
      "--output", "-"
    });
    return arguments;
  }

  VerifyResult GpgDecryptVerify::Run(const Request& request, ByteSource& cipher, ByteSink& plain,
                                     const LoopbackPassphrase::Answer& passphrase)
  {
    GpgProcess process(request, BuildArguments(request));
    DecryptVerifyStatus status(process, passphrase);
    // gpg's exit code says little here: 1 or 2 also for a bad or unknown
    // signature, which is the caller's decision. The status lines decide.
    process.Exchange(cipher, plain, [&status](const std::string& keyword, const std::string& arguments)
    {
      status.Handle(keyword, arguments);
    });
    VerifyResult result = status.Conclude();
    plain.Flush();
    return result;
  }
}
