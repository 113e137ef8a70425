// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // The addr-spec of a From / To / Disposition-Notification-To value.
  namespace MailAddress
  {
    // Accepts "a@b", "<a@b>", "Name <a@b>", "\"Doe, J.\" <a@b>" and
    // "a@b (comment)"; returns the address lower-cased (partners are matched
    // case-insensitively), or "" when the value holds no plausible
    // "local@domain" of printable ASCII. Only the first mailbox is read.
    std::string Extract(const std::string& headerValue);
  }
}
