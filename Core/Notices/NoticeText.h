// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeFacts.h"

#include <string>

namespace DicomMail
{
  // A notice's words: one subject line and a plain text body, UTF-8, LF line
  // ends, in the configured languages in their order (German and English by
  // default, German first), separated by a line of dashes.
  struct NoticeMessage
  {
    std::string subject;
    std::string body;
  };

  namespace NoticeText
  {
    // Says only what NoticeFacts holds: counts, the partner's name, SetId,
    // time, the link and, for a failure, our own words for its reason.
    NoticeMessage Write(const NoticeFacts& facts);
  }
}
