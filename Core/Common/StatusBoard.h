// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <cstdint>
#include <ctime>
#include <map>
#include <mutex>
#include <string>

namespace DicomMail
{
  // The last result of each mail account (never contacted / ok / error), as
  // shown by /dicom-mail/status. Written by workers, read by REST handlers.
  class StatusBoard
  {
  public:
    // The outgoing account: the send jobs and the acknowledgement sender
    // both report to it.
    static constexpr const char* kSmtpAccount = "smtp";

    void Declare(const std::string& account, const std::string& kind, const std::string& url);
    void ReportSuccess(const std::string& account);
    void ReportError(const std::string& account, const std::string& message);
    // A mailbox's poll began; the next success or error ends it. The entry
    // then shows "PollingSince" (null between polls), "Polls" ended since
    // the start and "LastPollSeconds", so that a mailbox busy with a long
    // transfer is told from one that is not polled at all (#25).
    void ReportPollStarted(const std::string& account);
    // The mailbox's quota as last read ("Quota" in the account's entry:
    // used, limit, percent, when read); offered false: the server has none.
    void ReportQuota(const std::string& account, bool offered, uint64_t usedBytes, uint64_t limitBytes,
                     unsigned int percent);
    // An authenticated mail was found in "folder", not the first polled
    // one: the latest such finding, and how many since the start.
    void ReportFoundInSpamFolder(const std::string& account, const std::string& folder,
                                 const std::string& setId, const std::string& partner,
                                 const std::string& message);
    Json::Value ToJson() const;

  private:
    struct Entry
    {
      std::string kind;
      std::string url;
      std::string state = "never-contacted";
      std::string message;
      time_t lastContact = 0;
      time_t lastSuccess = 0;
      time_t pollingSince = 0;    // 0: no poll in progress
      uint64_t polls = 0;
      int64_t lastPollSeconds = -1;   // -1: none ended yet
      Json::Value quota;          // null until read
      Json::Value foundInSpam;    // null until a finding
    };

    // Under mutex_: a poll in progress ends with the account's result.
    static void EndPoll(Entry& entry, time_t now);

    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
  };

  std::string FormatUtc(time_t t);   // ISO 8601, "2026-11-28T04:15:02Z"
}
