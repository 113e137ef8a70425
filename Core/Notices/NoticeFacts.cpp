// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Notices/NoticeFacts.h"

#include "Core/Store/UtcTime.h"

#include <cctype>

namespace DicomMail
{
  namespace
  {
    bool Contains(const std::string& text, const char* part)
    {
      return text.find(part) != std::string::npos;
    }

    // The first "5xx" standing alone after "refused mail N: " (MailUpload):
    // a reply code is three digits, and says nothing of the mail's content.
    std::string FindSmtpCode(const std::string& reason)
    {
      const size_t refused = reason.find("refused mail ");
      const size_t start = refused == std::string::npos ? std::string::npos : reason.find(": ", refused);
      if (start == std::string::npos)
      {
        return "";
      }
      for (size_t i = start; i + 3 <= reason.size(); i++)
      {
        const bool alone = (i == 0 || !isdigit(static_cast<unsigned char>(reason[i - 1]))) &&
          (i + 3 == reason.size() || !isdigit(static_cast<unsigned char>(reason[i + 3])));
        if (alone && reason[i] == '5' && isdigit(static_cast<unsigned char>(reason[i + 1])) &&
            isdigit(static_cast<unsigned char>(reason[i + 2])))
        {
          return reason.substr(i, 3);
        }
      }
      return "";
    }

    void TakeSettings(NoticeFacts& facts, const std::string& siteName, const EffectiveNotices& settings)
    {
      facts.siteName = siteName;
      facts.pageUrl = settings.pageUrl;
      facts.languages = settings.languages;
    }
  }

  NoticeFailureReason ClassifyFailure(const std::string& reason)
  {
    if (Contains(reason, "the mail server refused"))
    {
      return NoticeFailureReason::MailServerRefused;
    }
    if (Contains(reason, "could not be sent after"))
    {
      return NoticeFailureReason::MailServerUnreachable;
    }
    if (Contains(reason, "got no acknowledgement"))
    {
      return NoticeFailureReason::NoAcknowledgement;
    }
    if (Contains(reason, "refused by the partner") || Contains(reason, "the partner could not process"))
    {
      return NoticeFailureReason::PartnerRefused;
    }
    if (Contains(reason, "cannot encrypt: recipient key"))
    {
      return NoticeFailureReason::PartnerKeyUnusable;   // it became unusable while the job ran
    }
    if ((Contains(reason, "the key ") || Contains(reason, "has no key fingerprint")) &&
        (Contains(reason, "revoked") || Contains(reason, "expired") || Contains(reason, "not in the keyring") ||
         Contains(reason, "not certified") || Contains(reason, "disabled") || Contains(reason, "no usable") ||
         Contains(reason, "no key fingerprint")))
    {
      return NoticeFailureReason::PartnerKeyUnusable;
    }
    return NoticeFailureReason::Other;
  }

  NoticeFacts NoticeFacts::ForArrival(const InboxTransfer& transfer, unsigned int studies,
                                      const std::string& partnerName, const std::string& siteName,
                                      const EffectiveNotices& settings)
  {
    NoticeFacts facts;
    facts.kind = NoticeKind::Arrival;
    facts.setId = transfer.setId;
    facts.partnerName = partnerName;
    facts.at = transfer.completedAt;
    facts.studies = studies;
    facts.instances = transfer.instancesImported + transfer.instancesAlreadyStored;
    facts.withWarnings = transfer.state == InboxTransferState::CompleteWithWarnings;
    TakeSettings(facts, siteName, settings);
    return facts;
  }

  NoticeFacts NoticeFacts::ForFailure(const OutboxTransfer& transfer, const std::string& partnerName,
                                      const std::string& siteName, const EffectiveNotices& settings)
  {
    NoticeFacts facts;
    facts.kind = NoticeKind::Failure;
    facts.setId = transfer.setId;
    facts.partnerName = partnerName;
    facts.at = transfer.finished;
    facts.studies = static_cast<unsigned int>(transfer.studyInstanceUids.size());
    facts.instances = transfer.totalInstances;
    facts.failure = ClassifyFailure(transfer.reason);
    if (facts.failure == NoticeFailureReason::MailServerRefused)
    {
      facts.smtpCode = FindSmtpCode(transfer.reason);
    }
    TakeSettings(facts, siteName, settings);
    return facts;
  }

  QaAlertReason ClassifyQaFailure(const std::string& reason)
  {
    if (Contains(reason, "not acknowledged within") || Contains(reason, "after the deadline"))
    {
      return QaAlertReason::NoAnswerInTime;
    }
    if (Contains(reason, "with a warning"))
    {
      return QaAlertReason::Warning;
    }
    if (reason.compare(0, 12, "not started:") == 0)
    {
      return QaAlertReason::NotStarted;
    }
    return QaAlertReason::TransferFailed;
  }

  NoticeFacts NoticeFacts::ForQaAlert(const DailyTest& test, const std::string& partnerName,
                                      const std::string& siteName, const EffectiveNotices& settings)
  {
    NoticeFacts facts;
    facts.kind = NoticeKind::QaAlert;
    facts.setId = test.setId;
    facts.partnerName = partnerName;
    facts.at = UtcTime::FromUnix(test.startedMs / 1000);
    facts.instances = test.instances;
    facts.qaReason = ClassifyQaFailure(test.reason);
    facts.testDay = test.testDay;
    TakeSettings(facts, siteName, settings);
    return facts;
  }
}
