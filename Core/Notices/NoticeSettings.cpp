// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Notices/NoticeSettings.h"

#include "Core/Common/Error.h"
#include "Core/Config/ConfigReader.h"
#include "Core/Mime/MailboxFormatter.h"

#include <json/reader.h>
#include <json/writer.h>

#include <algorithm>
#include <memory>

namespace DicomMail
{
  namespace
  {
    const size_t kMaxUrlLength = 2000;
    const size_t kMaxRecipients = 20;

    const char* LanguageCode(NoticeLanguage language)
    {
      return language == NoticeLanguage::German ? "de" : "en";
    }

    Json::Value LanguagesToJson(const std::vector<NoticeLanguage>& languages)
    {
      Json::Value result = Json::arrayValue;
      for (NoticeLanguage language : languages)
      {
        result.append(LanguageCode(language));
      }
      return result;
    }

    Json::Value AddressesToJson(const std::vector<std::string>& addresses)
    {
      Json::Value result = Json::arrayValue;
      for (const std::string& address : addresses)
      {
        result.append(address);
      }
      return result;
    }

    // The link goes into a mail to people: a plain http(s) URL, nothing a
    // mail client could take for markup or a second line; "" for none.
    std::string CheckPageUrl(const std::string& url)
    {
      if (url.empty())
      {
        return "";   // no link: the notice names the page instead
      }
      const bool http = url.compare(0, 7, "http://") == 0;
      const bool https = url.compare(0, 8, "https://") == 0;
      if (!http && !https)
      {
        return "must start with http:// or https://";
      }
      if (url.size() > kMaxUrlLength)
      {
        return "is longer than " + std::to_string(kMaxUrlLength) + " characters";
      }
      const size_t host = url.find("://") + 3;
      if (host >= url.size() || url[host] == '/')
      {
        return "has no host";
      }
      for (char c : url)
      {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"')
        {
          return "must be printable ASCII without spaces, quotes or angle brackets";
        }
      }
      return "";
    }
  }

  const char* ToString(NoticeKind kind)
  {
    return kind == NoticeKind::Arrival ? "arrival" : kind == NoticeKind::Failure ? "failure" : "qa-alert";
  }

  NoticeKind ParseNoticeKind(const std::string& text)
  {
    if (text == "arrival")
    {
      return NoticeKind::Arrival;
    }
    if (text == "failure")
    {
      return NoticeKind::Failure;
    }
    if (text == "qa-alert")
    {
      return NoticeKind::QaAlert;
    }
    throw Error(ErrorKind::BadInput, "unknown kind of notice \"" + text + "\"");
  }

  bool NoticeSettings::IsEmpty() const
  {
    return !to && !onArrival && !onFailure && !pageUrl && !languages;
  }

  Json::Value NoticeSettings::ToJson() const
  {
    Json::Value result = Json::objectValue;
    if (to)
    {
      result["To"] = AddressesToJson(*to);
    }
    if (onArrival)
    {
      result["OnArrival"] = *onArrival;
    }
    if (onFailure)
    {
      result["OnFailure"] = *onFailure;
    }
    if (pageUrl)
    {
      result["PageUrl"] = *pageUrl;
    }
    if (languages)
    {
      result["Languages"] = LanguagesToJson(*languages);
    }
    return result;
  }

  std::string NoticeSettings::ToText() const
  {
    if (IsEmpty())
    {
      return "";
    }
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    builder["emitUTF8"] = true;
    return Json::writeString(builder, ToJson());
  }

  NoticeSettings NoticeSettings::FromText(const std::string& text)
  {
    if (text.empty())
    {
      return NoticeSettings();
    }
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value object;
    std::string errors;
    if (!reader->parse(text.data(), text.data() + text.size(), &object, &errors) || !object.isObject())
    {
      throw Error(ErrorKind::Storage, "a partner's stored \"Notices\" are not a JSON object");
    }
    try
    {
      return ParseNoticeSettings(object, "Notices");
    }
    catch (const Error& e)
    {
      throw Error(ErrorKind::Storage, std::string("a partner's stored \"Notices\" are invalid: ") + e.what());
    }
  }

  bool EffectiveNotices::Wants(NoticeKind kind) const
  {
    return !to.empty() && (kind == NoticeKind::Arrival ? onArrival : kind == NoticeKind::Failure && onFailure);
  }

  Json::Value EffectiveNotices::ToJson() const
  {
    Json::Value result = Json::objectValue;
    result["To"] = AddressesToJson(to);
    result["OnArrival"] = onArrival;
    result["OnFailure"] = onFailure;
    result["PageUrl"] = pageUrl.empty() ? Json::Value() : Json::Value(pageUrl);
    result["Languages"] = LanguagesToJson(languages);
    return result;
  }

  EffectiveNotices EffectiveNotices::Resolve(const NoticeSettings& site, const NoticeSettings& partner)
  {
    EffectiveNotices result;
    for (const NoticeSettings* layer : {&site, &partner})
    {
      if (layer->to)
      {
        result.to = *layer->to;
      }
      result.onArrival = layer->onArrival.value_or(result.onArrival);
      result.onFailure = layer->onFailure.value_or(result.onFailure);
      result.pageUrl = layer->pageUrl.value_or(result.pageUrl);
      if (layer->languages)
      {
        result.languages = *layer->languages;
      }
    }
    return result;
  }

  NoticeSettings ParseNoticeSettings(const Json::Value& object, const std::string& path, unsigned int* maxAttempts)
  {
    ConfigReader reader(object, path);
    NoticeSettings settings;
    if (reader.Has("To"))
    {
      const std::vector<std::string> to = reader.GetStringList("To");
      if (to.size() > kMaxRecipients)
      {
        reader.Fail("To", "at most " + std::to_string(kMaxRecipients) + " addresses");
      }
      for (const std::string& address : to)
      {
        const std::string problem = MailboxFormatter::CheckAddress(address);
        if (!problem.empty())
        {
          reader.Fail("To", "\"" + address + "\" " + problem);
        }
      }
      settings.to = to;
    }
    if (reader.Has("OnArrival"))
    {
      settings.onArrival = reader.GetBool("OnArrival", true);
    }
    if (reader.Has("OnFailure"))
    {
      settings.onFailure = reader.GetBool("OnFailure", true);
    }
    if (reader.Has("PageUrl"))
    {
      const std::string url = reader.GetString("PageUrl", "");
      const std::string problem = CheckPageUrl(url);
      if (!problem.empty())
      {
        reader.Fail("PageUrl", problem);
      }
      settings.pageUrl = url;
    }
    if (reader.Has("Languages"))
    {
      std::vector<NoticeLanguage> languages;
      for (const std::string& code : reader.GetStringList("Languages"))
      {
        if (code != "de" && code != "en")
        {
          reader.Fail("Languages", "\"" + code + "\" is not \"de\" or \"en\"");
        }
        const NoticeLanguage language = code == "de" ? NoticeLanguage::German : NoticeLanguage::English;
        if (std::find(languages.begin(), languages.end(), language) != languages.end())
        {
          reader.Fail("Languages", "\"" + code + "\" is named twice");
        }
        languages.push_back(language);
      }
      if (languages.empty())
      {
        reader.Fail("Languages", "must name \"de\", \"en\" or both");
      }
      settings.languages = languages;
    }
    if (maxAttempts != nullptr)
    {
      *maxAttempts = static_cast<unsigned int>(reader.GetInteger("MaxAttempts", *maxAttempts, 1, 100));
    }
    reader.CheckNoUnknownKeys();
    return settings;
  }

  NoticeSettings ParseNoticeSettingsFromRequest(const Json::Value& object)
  {
    try
    {
      return ParseNoticeSettings(object, "Notices");
    }
    catch (const Error& e)
    {
      if (e.GetKind() != ErrorKind::Configuration)
      {
        throw;
      }
      // The reader's words are those of the configuration file.
      std::string message = e.what();
      const std::string prefix = "Invalid configuration ";
      if (message.compare(0, prefix.size(), prefix) == 0)
      {
        message = "invalid " + message.substr(prefix.size());
      }
      throw Error(ErrorKind::BadInput, message);
    }
  }
}
