// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // What a state-changing route accepts as its body.
  enum class RouteBody
  {
    Json,         // application/json
    ArmoredKey    // application/pgp-keys, or application/json {"PublicKey": "..."}
  };

  // The headers of one POST/PUT/DELETE that decide whether a browser could
  // have sent it on behalf of another site. Empty = header absent.
  struct CrossSiteFacts
  {
    std::string origin;          // Origin
    std::string host;            // Host
    std::string forwardedHost;   // X-Forwarded-Host (a reverse proxy in front of Orthanc)
    std::string contentType;     // Content-Type
    bool hasBody = false;
    // Orthanc 1.10 splits a multipart/form-data POST itself and calls the
    // route once per part, with only that part's headers (Content-
    // Disposition, no Origin, no Host) and swallows the answer: such a call
    // looks like Lua's unless this is checked.
    bool formPart = false;
  };

  struct CrossSiteVerdict
  {
    uint16_t status = 0;   // 0: allowed; else 403 or 415
    std::string message;

    bool IsAllowed() const
    {
      return status == 0;
    }
  };

  // Basic auth is sent by the admin's browser with any request, also one
  // another site's page makes it send. What such a page can send without a
  // CORS preflight (which Orthanc never grants) is a "simple" request: an
  // HTML form (application/x-www-form-urlencoded, multipart/form-data,
  // text/plain) or a fetch() without Content-Type, always with an Origin
  // header naming that site. So a state-changing request is refused when
  // its Origin names another host (403), or when its body has a form's type
  // or any type the route does not take (415). A body without Content-Type
  // is accepted only without Origin: Lua's RestApiPost() and scripts send
  // no Origin, and a browser always does.
  CrossSiteVerdict CheckCrossSite(const CrossSiteFacts& facts, RouteBody body);

  // "application/json; charset=utf-8" -> "application/json"
  std::string MediaTypeOf(const std::string& contentType);
}
