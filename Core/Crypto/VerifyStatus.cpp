// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/VerifyStatus.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgStatusFields.h"
#include "Core/Crypto/GpgmeError.h"

namespace DicomMail
{
  namespace
  {
    const char kNoSignature[] = "no OpenPGP signature found in the signature part";
  }

  VerifyStatus::VerifyStatus(GpgProcess& process) :
    questions_(process, noPassphrase_, "cannot verify the signature")
  {
  }

  void VerifyStatus::Handle(const std::string& keyword, const std::string& arguments)
  {
    if (questions_.Handle(keyword, arguments) || signatures_.Handle(keyword, arguments))
    {
      return;
    }
    if (keyword == "NODATA")
    {
      noData_ = true;
    }
    else if ((keyword == "FAILURE" || keyword == "ERROR") && failure_ == 0)
    {
      failure_ = GpgStatusFields::ErrorCode(arguments);
    }
  }

  VerifyResult VerifyStatus::Conclude() const
  {
    VerifyResult result;
    result.signatures = signatures_.GetSignatures();
    if (result.signatures.empty())
    {
      if (noData_ || failure_ == 0 || gpgme_err_code(failure_) == GPG_ERR_NO_DATA)
      {
        throw Error(ErrorKind::Crypto, kNoSignature);
      }
      throw Error(ErrorKind::Crypto, "cannot verify the signature: " + DescribeGpgmeError(failure_));
    }
    return result;
  }
}
