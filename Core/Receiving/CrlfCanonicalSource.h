// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Reads another source with every bare LF turned into CRLF: the canonical
  // form an RFC 3156 signature covers, whatever line ends a mail store
  // gave back (Maildir files and some POP3 servers use LF).
  class CrlfCanonicalSource : public ByteSource
  {
  public:
    explicit CrlfCanonicalSource(ByteSource& inner);

    size_t Read(void* buffer, size_t size) override;

  private:
    ByteSource& inner_;
    std::vector<char> chunk_;
    std::string pending_;
    size_t pendingOffset_ = 0;
    bool lastWasCr_ = false;
  };
}
