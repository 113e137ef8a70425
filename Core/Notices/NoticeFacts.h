// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeSettings.h"
#include "Core/Store/DailyTestStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Why a transfer failed, in words of ours: the outbox's reason may quote a
  // server's reply or an exception's text, so it never reaches a notice.
  enum class NoticeFailureReason
  {
    MailServerRefused,     // a permanent SMTP refusal (5xx)
    MailServerUnreachable, // temporary failures until Smtp.MaxRetries
    NoAcknowledgement,     // no MDN after MaxResends
    PartnerRefused,        // the partner's MDN said deleted
    PartnerKeyUnusable,    // missing, expired, revoked, not certified
    Other
  };

  // Classifies one of the outbox's reasons (Plugin/Jobs/SendJob,
  // Core/Sending/MailUpload, AcknowledgementTracker, PartnerKeyCheck write them).
  NoticeFailureReason ClassifyFailure(const std::string& outboxReason);

  // Why a daily QA test failed, in words of ours (its recorded reason may
  // name the test study's UID or quote a server).
  enum class QaAlertReason
  {
    NoAnswerInTime,   // not acknowledged within the schedule's AcknowledgementTimeout
    Warning,          // acknowledged with a warning: not every instance arrived intact
    NotStarted,       // the test could not be sent (the partner's key, the test study)
    TransferFailed    // the test transfer failed or was refused
  };

  QaAlertReason ClassifyQaFailure(const std::string& dailyTestReason);

  // Everything a notice may say, and nothing else: no patient, study or
  // instance identifiers, no free text from a record. Built only from
  // counts, the partner's display name, the SetId and times.
  struct NoticeFacts
  {
    NoticeKind kind = NoticeKind::Arrival;
    std::string setId;
    std::string partnerName;        // the partner's display name (the admin's words)
    std::string siteName;
    std::string at;                 // UtcTime: completed, or failed
    unsigned int studies = 0;
    unsigned int instances = 0;
    bool withWarnings = false;      // arrival: some instances failed or warned
    NoticeFailureReason failure = NoticeFailureReason::Other;
    std::string smtpCode;           // "550" for MailServerRefused when the reply had one, else ""
    QaAlertReason qaReason = QaAlertReason::TransferFailed;
    std::string testDay;            // QA alert: the site day the failed test counts for
    std::string pageUrl;            // "" when none is configured
    std::vector<NoticeLanguage> languages;

    // A received transfer that is complete ("studies": Orthanc studies it went into).
    static NoticeFacts ForArrival(const InboxTransfer& transfer, unsigned int studies,
                                  const std::string& partnerName, const std::string& siteName,
                                  const EffectiveNotices& settings);

    // A sent transfer that failed.
    static NoticeFacts ForFailure(const OutboxTransfer& transfer, const std::string& partnerName,
                                  const std::string& siteName, const EffectiveNotices& settings);

    // A daily QA test that failed (its instances: the test data set, no patient's).
    static NoticeFacts ForQaAlert(const DailyTest& test, const std::string& partnerName,
                                  const std::string& siteName, const EffectiveNotices& settings);
  };
}
