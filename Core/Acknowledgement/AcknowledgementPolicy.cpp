// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementPolicy.h"

namespace DicomMail
{
  namespace
  {
    // MDN text must be printable ASCII (it is a header-like field).
    std::string Printable(const std::string& text, size_t limit)
    {
      std::string result;
      for (char c : text.substr(0, limit))
      {
        result.push_back((c >= 0x20 && c < 0x7f) ? c : '?');
      }
      return result;
    }
  }

  AcknowledgementPolicy::AcknowledgementPolicy(ITrustPolicy& trust, const std::string& siteAddress,
                                               const std::string& siteFingerprint) :
    trust_(trust),
    siteAddress_(siteAddress),
    siteFingerprint_(siteFingerprint)
  {
  }

  std::string AcknowledgementPolicy::RecipientFor(const ProcessResult& result, bool& redirected) const
  {
    redirected = false;
    const std::string& asked = result.dispositionNotificationTo;
    std::string partner, fingerprint;
    if (trust_.ExpectedSigner(asked, partner, fingerprint) && partner == result.partner)
    {
      return asked;
    }
    // Anyone on the path can rewrite Disposition-Notification-To; the From
    // is the partner's address the signature was accepted for.
    redirected = true;
    if (!trust_.ExpectedSigner(result.fromAddress, partner, fingerprint) || partner != result.partner)
    {
      return "";
    }
    return result.fromAddress;
  }

  bool AcknowledgementPolicy::Decide(const ProcessResult& result, Decision& decision) const
  {
    if (!result.authenticated || result.partner.empty() || result.localFailure ||
        siteFingerprint_.empty() || result.dispositionNotificationTo.empty() ||
        result.messageId.empty() || result.setId.empty() || result.part == 0)
    {
      return false;
    }
    decision = Decision();
    decision.recipient = RecipientFor(result, decision.redirected);
    if (decision.recipient.empty())
    {
      return false;
    }
    AcknowledgementContent& content = decision.content;
    content.reportingUa = siteAddress_.substr(siteAddress_.find('@') + 1) + "; Orthanc DICOM-Mail " DICOM_MAIL_VERSION;
    content.finalRecipient = siteAddress_;
    content.originalMessageId = result.messageId;
    content.disposition = result.disposition;
    // Inside the signed report: the sender accepts it only for the mail
    // with these numbers (AcknowledgementMatch).
    content.setId = result.setId;
    content.setPart = std::to_string(result.part);
    content.completedMs = result.completedMs;
    if (!result.reasons.empty())
    {
      content.detail = Printable(result.reasons.front(), kMaxDetail);
    }
    return true;
  }
}
