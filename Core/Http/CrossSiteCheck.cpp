// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Http/CrossSiteCheck.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  namespace
  {
    std::string Lower(std::string s)
    {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      return s;
    }

    std::string Trim(const std::string& s)
    {
      const size_t first = s.find_first_not_of(" \t");
      if (first == std::string::npos)
      {
        return "";
      }
      return s.substr(first, s.find_last_not_of(" \t") - first + 1);
    }

    // Quoted back in a JSON error message: printable ASCII, bounded.
    std::string Shown(const std::string& text)
    {
      std::string result;
      for (unsigned char c : text.substr(0, 100))
      {
        result += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
      }
      return "\"" + result + "\"";
    }

    // "host:port" without the port its scheme implies, lower case.
    std::string Authority(const std::string& hostAndPort, const std::string& scheme)
    {
      std::string a = Lower(Trim(hostAndPort));
      const std::string implied = (scheme == "https" ? ":443" : ":80");
      if (a.size() > implied.size() && a.compare(a.size() - implied.size(), implied.size(), implied) == 0)
      {
        a.resize(a.size() - implied.size());
      }
      return a;
    }

    bool OriginMatches(const CrossSiteFacts& facts)
    {
      const std::string origin = Lower(Trim(facts.origin));
      const size_t separator = origin.find("://");
      if (separator == std::string::npos)
      {
        return false;   // e.g. "null" from a sandboxed frame or a file: page
      }
      const std::string scheme = origin.substr(0, separator);
      std::string rest = origin.substr(separator + 3);
      if (rest.empty() || rest.find('/') != std::string::npos)
      {
        return false;
      }
      const std::string authority = Authority(rest, scheme);
      // X-Forwarded-Host is a header a simple (preflight-free) request cannot
      // carry, so honouring it opens nothing to another site.
      for (const std::string& host : {facts.host, facts.forwardedHost})
      {
        if (!host.empty() && Authority(host.substr(0, host.find(',')), scheme) == authority)
        {
          return true;
        }
      }
      return false;
    }

    bool IsFormType(const std::string& mediaType)
    {
      return mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data" ||
        mediaType == "text/plain";
    }

    CrossSiteVerdict Refuse(uint16_t status, const std::string& message)
    {
      CrossSiteVerdict verdict;
      verdict.status = status;
      verdict.message = message;
      return verdict;
    }
  }

  std::string MediaTypeOf(const std::string& contentType)
  {
    return Lower(Trim(contentType.substr(0, contentType.find(';'))));
  }

  CrossSiteVerdict CheckCrossSite(const CrossSiteFacts& facts, RouteBody body)
  {
    if (facts.formPart)
    {
      return Refuse(415, "a part of a multipart/form-data body is what an HTML form of any web site can send and "
                    "is refused");
    }
    const bool hasOrigin = !facts.origin.empty();
    if (hasOrigin && !OriginMatches(facts))
    {
      return Refuse(403, "refused: the request comes from the page of another site (Origin " + Shown(facts.origin) +
                    "); the DICOM-Mail API changes state only for requests from this Orthanc's own pages or "
                    "from clients that send no Origin");
    }

    const char* const expected = (body == RouteBody::ArmoredKey ?
                                  "application/pgp-keys (an armored key) or application/json "
                                  "({\"PublicKey\": \"...\"})" :
                                  "application/json");
    const std::string mediaType = MediaTypeOf(facts.contentType);
    if (mediaType.empty())
    {
      if (facts.hasBody && hasOrigin)
      {
        return Refuse(415, std::string("a body without Content-Type is refused from a browser; send it as ") +
                      expected);
      }
      return CrossSiteVerdict();   // no body, or a script / Lua's RestApiPost()
    }
    if (IsFormType(mediaType))
    {
      return Refuse(415, "Content-Type " + Shown(mediaType) + " is what an HTML form of any web site can send "
                    "and is refused; send the body as " + expected +
                    " (curl: -H 'Content-Type: application/json')");
    }
    const bool accepted = (mediaType == "application/json" ||
                           (body == RouteBody::ArmoredKey && mediaType == "application/pgp-keys"));
    if (!accepted)
    {
      return Refuse(415, "Content-Type " + Shown(mediaType) + " is not accepted here; send " + expected);
    }
    return CrossSiteVerdict();
  }
}
