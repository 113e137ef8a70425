// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Receiving/ITrustPolicy.h"
#include "Core/Receiving/ProcessResult.h"

#include <string>

namespace DicomMail
{
  // Whether a processed DICOM-Mail is answered, to whom and with what
  // (docs/wire-format.md §5). A site-signed MDN is a statement by this site, so
  // it goes only to a partner whose signature we accepted, only to an
  // address registered for that partner, and says nothing the sender wrote:
  //
  //   - no MDN for a mail that was not authenticated (unsigned, unknown
  //     signer, bad signature, quarantined, unreadable): no backscatter;
  //     a quarantined mail is answered when a retry imports it;
  //   - no MDN when the mail asked for none (no Disposition-Notification-To);
  //   - to Disposition-Notification-To when that address belongs to the
  //     same partner, else to the mail's From, the registered address the
  //     signature was accepted for;
  //   - the detail is our own first reason, printable ASCII, capped.
  class AcknowledgementPolicy
  {
  public:
    struct Decision
    {
      std::string recipient;
      AcknowledgementContent content;
      bool redirected = false;   // Disposition-Notification-To was not the partner's
    };

    // "siteAddress" is our From and Final-Recipient; without a signing key
    // ("siteFingerprint" empty) nothing can be answered.
    AcknowledgementPolicy(ITrustPolicy& trust, const std::string& siteAddress, const std::string& siteFingerprint);

    // False for no MDN.
    bool Decide(const ProcessResult& result, Decision& decision) const;

    // Longest detail sentence written into an MDN.
    static constexpr size_t kMaxDetail = 200;

  private:
    std::string RecipientFor(const ProcessResult& result, bool& redirected) const;

    ITrustPolicy& trust_;
    std::string siteAddress_;
    std::string siteFingerprint_;
  };
}
