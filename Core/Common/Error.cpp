// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"

namespace DicomMail
{
  const char* ToString(ErrorKind kind)
  {
    switch (kind)
    {
      case ErrorKind::BadInput:      return "BadInput";
      case ErrorKind::NotFound:      return "NotFound";
      case ErrorKind::Configuration: return "Configuration";
      case ErrorKind::Crypto:        return "Crypto";
      case ErrorKind::Untrusted:     return "Untrusted";
      case ErrorKind::Transport:     return "Transport";
      case ErrorKind::Storage:       return "Storage";
      case ErrorKind::LimitExceeded: return "LimitExceeded";
      case ErrorKind::Internal:      return "Internal";
    }
    return "Unknown";
  }
}
