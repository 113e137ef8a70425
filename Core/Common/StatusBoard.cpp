// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/StatusBoard.h"

namespace DicomMail
{
  std::string FormatUtc(time_t t)
  {
    struct tm tm;
    gmtime_r(&t, &tm);
    char buffer[32];
    strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
  }

  void StatusBoard::Declare(const std::string& account, const std::string& kind, const std::string& url)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entries_[account];
    e.kind = kind;
    e.url = url;
  }

  void StatusBoard::ReportSuccess(const std::string& account)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entries_[account];
    e.state = "ok";
    e.message.clear();
    e.lastContact = e.lastSuccess = time(nullptr);
    EndPoll(e, e.lastContact);
  }

  void StatusBoard::ReportError(const std::string& account, const std::string& message)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entries_[account];
    e.state = "error";
    e.message = message;
    e.lastContact = time(nullptr);
    EndPoll(e, e.lastContact);
  }

  void StatusBoard::ReportPollStarted(const std::string& account)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[account].pollingSince = time(nullptr);
  }

  void StatusBoard::EndPoll(Entry& entry, time_t now)
  {
    if (entry.pollingSince == 0)
    {
      return;   // the SMTP account, or a result outside a poll
    }
    entry.polls++;
    entry.lastPollSeconds = now >= entry.pollingSince ? now - entry.pollingSince : 0;
    entry.pollingSince = 0;
  }

  void StatusBoard::ReportQuota(const std::string& account, bool offered, uint64_t usedBytes,
                                uint64_t limitBytes, unsigned int percent)
  {
    Json::Value q;
    q["Offered"] = offered;
    q["ReadAt"] = FormatUtc(time(nullptr));
    if (offered && limitBytes > 0)
    {
      q["UsedBytes"] = static_cast<Json::UInt64>(usedBytes);
      q["LimitBytes"] = static_cast<Json::UInt64>(limitBytes);
      q["Percent"] = percent;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[account].quota = q;
  }

  void StatusBoard::ReportFoundInSpamFolder(const std::string& account, const std::string& folder,
                                            const std::string& setId, const std::string& partner,
                                            const std::string& message)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Json::Value& f = entries_[account].foundInSpam;
    const unsigned int count = f.isNull() ? 0 : f["Count"].asUInt();
    f["Folder"] = folder;
    f["SetId"] = setId;
    f["Partner"] = partner;
    f["At"] = FormatUtc(time(nullptr));
    f["Count"] = count + 1;
    f["Message"] = message;
  }

  Json::Value StatusBoard::ToJson() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Json::Value result = Json::arrayValue;
    for (const auto& item : entries_)
    {
      Json::Value v;
      v["Name"] = item.first;
      v["Kind"] = item.second.kind;
      v["Url"] = item.second.url;
      v["State"] = item.second.state;
      v["Message"] = item.second.message;
      v["LastContact"] = item.second.lastContact == 0 ? Json::Value() : Json::Value(FormatUtc(item.second.lastContact));
      v["LastSuccess"] = item.second.lastSuccess == 0 ? Json::Value() : Json::Value(FormatUtc(item.second.lastSuccess));
      if (item.second.kind == "incoming")
      {
        v["PollingSince"] = item.second.pollingSince == 0 ? Json::Value() :
          Json::Value(FormatUtc(item.second.pollingSince));
        v["Polls"] = static_cast<Json::UInt64>(item.second.polls);
        v["LastPollSeconds"] = item.second.lastPollSeconds < 0 ? Json::Value() :
          Json::Value(static_cast<Json::Int64>(item.second.lastPollSeconds));
      }
      if (!item.second.quota.isNull())
      {
        v["Quota"] = item.second.quota;
      }
      if (!item.second.foundInSpam.isNull())
      {
        v["FoundInSpamFolder"] = item.second.foundInSpam;
      }
      result.append(v);
    }
    return result;
  }
}
