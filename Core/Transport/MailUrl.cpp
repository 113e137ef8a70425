// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/MailUrl.h"

#include "Core/Common/Error.h"

#include <curl/curl.h>

#include <memory>

namespace DicomMail
{
  namespace
  {
    struct UrlDeleter
    {
      void operator()(CURLU* url) const
      {
        curl_url_cleanup(url);
      }
    };

    struct CurlStringDeleter
    {
      void operator()(char* s) const
      {
        curl_free(s);
      }
    };

    using CurlString = std::unique_ptr<char, CurlStringDeleter>;

    std::string GetPart(CURLU* url, CURLUPart part, unsigned int flags)
    {
      char* raw = nullptr;
      CURLUcode code = curl_url_get(url, part, &raw, flags);
      CurlString value(raw);
      if (code != CURLUE_OK || raw == nullptr)
      {
        return std::string();
      }
      return std::string(raw);
    }

    std::string Describe(const std::set<std::string>& schemes)
    {
      std::string result;
      for (const std::string& s : schemes)
      {
        result += (result.empty() ? "" : ", ") + s + "://";
      }
      return result;
    }
  }

  MailUrl::MailUrl(const std::string& url, const std::set<std::string>& allowedSchemes)
  {
    std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
    if (!parsed)
    {
      throw Error(ErrorKind::Internal, "curl_url failed (out of memory)");
    }

    // Only the scheme is shown in the message: the URL may hold credentials.
    CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
    if (code != CURLUE_OK)
    {
      throw Error(ErrorKind::Configuration, std::string("malformed mail server URL (") +
                  curl_url_strerror(code) + "); expected one of " + Describe(allowedSchemes) + " host[:port]");
    }

    scheme_ = GetPart(parsed.get(), CURLUPART_SCHEME, 0);
    if (allowedSchemes.count(scheme_) == 0)
    {
      throw Error(ErrorKind::Configuration, "mail server URL has scheme \"" + scheme_ +
                  "\", expected one of " + Describe(allowedSchemes));
    }

    const std::string host = GetPart(parsed.get(), CURLUPART_HOST, 0);
    const std::string port = GetPart(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (host.empty())
    {
      throw Error(ErrorKind::Configuration, "mail server URL has no host");
    }

    base_ = scheme_ + "://" + host + (port.empty() ? "" : ":" + port);

    path_ = GetPart(parsed.get(), CURLUPART_PATH, 0);
    while (!path_.empty() && path_[0] == '/')
    {
      path_.erase(0, 1);
    }
  }

  bool MailUrl::IsImplicitTls() const
  {
    return !scheme_.empty() && scheme_.back() == 's';
  }

  std::string MailUrl::Escape(const std::string& segment)
  {
    static const char hex[] = "0123456789ABCDEF";
    std::string result;
    result.reserve(segment.size());
    for (unsigned char c : segment)
    {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '.' || c == '_' || c == '~')
      {
        result += static_cast<char>(c);
      }
      else
      {
        result += '%';
        result += hex[c >> 4];
        result += hex[c & 0x0f];
      }
    }
    return result;
  }
}
