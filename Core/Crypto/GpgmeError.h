// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"

#include <gpgme.h>
#include <string>

namespace DicomMail
{
  // "Bad passphrase (gpg-agent)": gpgme_strerror plus the component that failed.
  std::string DescribeGpgmeError(gpgme_error_t error);

  // Throws Error(kind, "<what>: <description>") unless "error" is success.
  void CheckGpgme(gpgme_error_t error, ErrorKind kind, const std::string& what);
}
