// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgmeError.h"

namespace DicomMail
{
  std::string DescribeGpgmeError(gpgme_error_t error)
  {
    // The _r variant: plain gpgme_strerror may use a static buffer.
    char buffer[256];
    if (gpgme_strerror_r(error, buffer, sizeof(buffer)) != 0)
    {
      buffer[sizeof(buffer) - 1] = '\0';
    }
    std::string text(buffer);

    const char* source = gpgme_strsource(error);
    if (source != nullptr && gpgme_err_source(error) != GPG_ERR_SOURCE_UNKNOWN)
    {
      text += std::string(" (") + source + ")";
    }
    return text;
  }

  void CheckGpgme(gpgme_error_t error, ErrorKind kind, const std::string& what)
  {
    if (gpgme_err_code(error) != GPG_ERR_NO_ERROR)
    {
      throw Error(kind, what + ": " + DescribeGpgmeError(error));
    }
  }
}
