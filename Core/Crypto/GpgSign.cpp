// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgSign.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/SignEncryptStatus.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  std::vector<std::string> GpgSign::BuildArguments(const Request& request)
  {
    std::vector<std::string> arguments = GpgProcess::SessionArguments(request.homePath);
    arguments.push_back(request.detached ? "--detach-sign" : "--sign");
    if (request.armored)
    {
      arguments.push_back("--armor");
    }
    arguments.insert(arguments.end(), { "--local-user", request.signerFingerprint, "--output", "-" });
    return arguments;
  }

  SignDetails GpgSign::Run(const Request& request, ByteSource& data, ByteSink& signature,
                           const LoopbackPassphrase::Answer& passphrase)
  {
    GpgProcess process(request, BuildArguments(request));
    SignEncryptStatus status(process, passphrase,
                             "cannot sign with the key " + Fingerprint::GroupInFours(request.signerFingerprint), false);
    const int exitCode = process.Exchange(data, signature, [&status](const std::string& keyword,
                                                                     const std::string& arguments)
    {
      status.Handle(keyword, arguments);
    });
    const EncryptDetails signed_ = status.Conclude(exitCode);
    signature.Flush();

    SignDetails details;
    details.hashAlgorithm = signed_.hashAlgorithm;
    details.micalg = "pgp-" + details.hashAlgorithm;   // RFC 3156 §5: lower case
    std::transform(details.micalg.begin(), details.micalg.end(), details.micalg.begin(),
                   [](unsigned char c) { return static_cast<char>(tolower(c)); });
    details.signerFingerprint = request.signerFingerprint;
    return details;
  }
}
