// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <optional>
#include <string>
#include <vector>

namespace DicomMail
{
  // What a notice to people is about (docs/admin-guide.md, "Notices").
  enum class NoticeKind
  {
    Arrival,   // a received transfer is complete and imported
    Failure,   // a transfer we sent failed for good
    QaAlert    // a daily QA test failed (#17): to QualityAssurance.AlertAddress, whatever "Notices" says
  };

  const char* ToString(NoticeKind kind);
  NoticeKind ParseNoticeKind(const std::string& text);   // throws BadInput

  enum class NoticeLanguage
  {
    German,
    English
  };

  // One "Notices" object as written, at the site ("DicomMail.Notices") or
  // for a partner ("Partners.<id>.Notices", or over REST). A key left out
  // takes the site's value, then the default; so a partner may set only
  // "To" and keep the site's choices.
  struct NoticeSettings
  {
    std::optional<std::vector<std::string>> to;      // people's addresses; [] switches them off
    std::optional<bool> onArrival;
    std::optional<bool> onFailure;
    std::optional<std::string> pageUrl;              // the DICOM-Mail page as users reach it
    std::optional<std::vector<NoticeLanguage>> languages;

    bool IsEmpty() const;

    // The keys that were written, as the REST API shows them.
    Json::Value ToJson() const;

    // As a partner record keeps them: compact JSON, "" when empty; FromText
    // reads it back (Error(Storage) for text that is not such settings).
    std::string ToText() const;
    static NoticeSettings FromText(const std::string& text);
  };

  // The settings that hold for one partner: off unless some "To" is set.
  struct EffectiveNotices
  {
    std::vector<std::string> to;
    bool onArrival = true;
    bool onFailure = true;
    std::string pageUrl;
    std::vector<NoticeLanguage> languages{NoticeLanguage::German, NoticeLanguage::English};

    bool Wants(NoticeKind kind) const;
    Json::Value ToJson() const;

    // The partner's keys over the site's over the defaults.
    static EffectiveNotices Resolve(const NoticeSettings& site, const NoticeSettings& partner);
  };

  // Parses a "Notices" object: "path" names it in errors (Error(Configuration)
  // naming the key, as the rest of the configuration). Addresses must be
  // plain mail addresses, PageUrl an http(s) URL, Languages "de" and/or "en".
  // With "maxAttempts" (the site's object only), also reads "MaxAttempts":
  // how often one notice is tried before it is recorded failed.
  NoticeSettings ParseNoticeSettings(const Json::Value& object, const std::string& path,
                                     unsigned int* maxAttempts = nullptr);

  // The same for a REST body's "Notices": errors are Error(BadInput).
  NoticeSettings ParseNoticeSettingsFromRequest(const Json::Value& object);
}
