// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgSignEncrypt.h"

#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/SignEncryptStatus.h"

#include <string>
#include <vector>

namespace DicomMail
{
  std::vector<std::string> GpgSignEncrypt::BuildArguments(const Request& request)
  {
    std::vector<std::string> arguments = GpgProcess::SessionArguments(request.homePath);
    arguments.insert(arguments.end(), {
      // Only the recipients asked for, whatever gpg.conf says.
      "--no-encrypt-to",
      "--sign", "--encrypt",
      "--local-user", request.signerFingerprint
    });
    for (const std::string& recipient : request.recipientFingerprints)
    {
      arguments.push_back("--recipient");
      arguments.push_back(recipient);
    }
    if (!request.compress)
    {
      arguments.push_back("--compress-algo");
      arguments.push_back("none");
    }
    if (!request.fileName.empty())
    {
      arguments.push_back("--set-filename");
      arguments.push_back(request.fileName);
    }
    arguments.push_back("--output");
    arguments.push_back("-");
    return arguments;
  }

  EncryptDetails GpgSignEncrypt::Run(const Request& request, ByteSource& plain, ByteSink& cipher,
                                     const PassphraseAnswer& passphrase)
  {
    GpgProcess process(request, BuildArguments(request));
    SignEncryptStatus status(process, passphrase, "cannot sign and encrypt", true);
    const int exitCode = process.Exchange(plain, cipher, [&status](const std::string& keyword,
                                                                   const std::string& arguments)
    {
      status.Handle(keyword, arguments);
    });
    EncryptDetails details = status.Conclude(exitCode);
    details.signerFingerprint = request.signerFingerprint;
    cipher.Flush();
    return details;
  }
}
