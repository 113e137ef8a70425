// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Http/CrossSiteCheck.h"
#include "Core/Store/TransferFilter.h"
#include "Plugin/OrthancApi.h"

#include <json/value.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // One incoming REST call, decoupled from the SDK's structures so handlers
  // read like ordinary C++.
  class RestCall
  {
  public:
    RestCall(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request);

    OrthancPluginHttpMethod GetMethod() const
    {
      return method_;
    }

    const std::string& GetGroup(size_t i) const;   // regex captures of the route
    const std::string& GetBody() const
    {
      return body_;
    }

    Json::Value GetJsonBody() const;                // throws Error(BadInput)
    std::string GetArgument(const std::string& name, const std::string& defaultValue) const;
    // ?name=<0..max>; anything else throws Error(BadInput) naming the value.
    unsigned int GetCountArgument(const std::string& name, unsigned int defaultValue,
                                  unsigned int max = 1000000) const;
    // ?partner=&state=&from=&to=&setid= of a transfer list (see
    // TransferFilterArguments.h); throws Error(BadInput) naming the argument.
    TransferFilter GetTransferFilter(const std::set<std::string>& states) const;

    // Orthanc hands headers over with lower-case names; "" if absent.
    const std::string& GetHeader(const std::string& lowerCaseName) const;
    CrossSiteFacts GetCrossSiteFacts() const;

    void AnswerJson(const Json::Value& value);
    void AnswerText(const std::string& text, const std::string& mime);
    void AnswerError(uint16_t status, const std::string& message);
    void AnswerMethodNotAllowed(const std::string& allowed);

  private:
    OrthancPluginRestOutput* output_;
    OrthancPluginHttpMethod method_;
    std::vector<std::string> groups_;
    std::map<std::string, std::string> arguments_;
    std::map<std::string, std::string> headers_;
    std::string body_;
  };

  typedef void (*RestHandler)(RestCall& call);

  // Runs a handler, turning every exception into an HTTP answer: nothing
  // thrown inside a route may reach Orthanc. POST, PUT and DELETE first pass
  // CheckCrossSite(): "body" says what the route takes.
  OrthancPluginErrorCode InvokeRestHandler(RestHandler handler, RouteBody body, OrthancPluginRestOutput* output,
                                           const char* url, const OrthancPluginHttpRequest* request);

  template <RestHandler Handler, RouteBody Body>
  OrthancPluginErrorCode RestCallback(OrthancPluginRestOutput* output, const char* url,
                                      const OrthancPluginHttpRequest* request)
  {
    return InvokeRestHandler(Handler, Body, output, url, request);
  }

  // Concurrent (NoLock) registration, as all official plugins do: handlers
  // must therefore be thread-safe.
  template <RestHandler Handler, RouteBody Body = RouteBody::Json>
  void RegisterRoute(const std::string& pattern)
  {
    OrthancPluginRegisterRestCallbackNoLock(OrthancApi::GetContext(), pattern.c_str(),
                                            RestCallback<Handler, Body>);
  }
}
