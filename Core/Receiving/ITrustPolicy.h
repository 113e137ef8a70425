// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Which partner, and which key, a From address belongs to. The plugin
  // answers from its partner directory; tests use a map.
  class ITrustPolicy
  {
  public:
    virtual ~ITrustPolicy() = default;

    // "fromAddress" is a lower-case addr-spec. Returns false for an unknown
    // sender; otherwise fills the partner's name and the primary
    // fingerprint (40 hex digits) of the key its mail must be signed with.
    virtual bool ExpectedSigner(const std::string& fromAddress,
                                std::string& partnerName,
                                std::string& fingerprint) = 0;

    // The key the partner rotated away from whose signatures still count
    // now (#22), "" when none.
    virtual std::string PreviousSigner(const std::string& /* partnerName */)
    {
      return "";
    }
  };
}
