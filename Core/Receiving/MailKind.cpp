// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/MailKind.h"

namespace DicomMail
{
  const char* ToString(MailKind kind)
  {
    switch (kind)
    {
      case MailKind::DicomMail:
        return "DicomMail";
      case MailKind::Partial:
        return "Partial";
      case MailKind::Acknowledgement:
        return "Acknowledgement";
      case MailKind::Other:
        return "Other";
      case MailKind::Malformed:
        return "Malformed";
    }
    return "Unknown";
  }
}
