// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Rest/RestRoute.h"

#include "Core/Common/Error.h"
#include "Core/Http/RequestValues.h"
#include "Core/Http/TransferFilterArguments.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  namespace
  {
    uint16_t StatusFor(ErrorKind kind)
    {
      switch (kind)
      {
        case ErrorKind::BadInput:
        case ErrorKind::Configuration:
        case ErrorKind::LimitExceeded:
          return 400;
        case ErrorKind::NotFound:
          return 404;
        case ErrorKind::Untrusted:
        case ErrorKind::Crypto:
          return 409;   // the request is fine, the key state forbids it
        case ErrorKind::Transport:
          return 502;
        default:
          return 500;
      }
    }
  }

  RestCall::RestCall(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) :
    output_(output),
    method_(request->method)
  {
    for (uint32_t i = 0; i < request->groupsCount; i++)
    {
      groups_.push_back(request->groups[i]);
    }
    for (uint32_t i = 0; i < request->getCount; i++)
    {
      arguments_[request->getKeys[i]] = request->getValues[i];
    }
    for (uint32_t i = 0; i < request->headersCount; i++)
    {
      std::string name = request->headersKeys[i];
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      headers_[name] = request->headersValues[i];
    }
    if (request->body != nullptr && request->bodySize > 0)
    {
      body_.assign(static_cast<const char*>(request->body), request->bodySize);
    }
  }

  const std::string& RestCall::GetGroup(size_t i) const
  {
    static const std::string empty;
    return i < groups_.size() ? groups_[i] : empty;
  }

  Json::Value RestCall::GetJsonBody() const
  {
    if (body_.empty())
    {
      throw Error(ErrorKind::BadInput, "the request has no body; a JSON object is expected");
    }
    Json::Value value = OrthancApi::ParseJson(body_);
    if (!value.isObject())
    {
      throw Error(ErrorKind::BadInput, "the body must be a JSON object");
    }
    return value;
  }

  std::string RestCall::GetArgument(const std::string& name, const std::string& defaultValue) const
  {
    auto found = arguments_.find(name);
    return found == arguments_.end() ? defaultValue : found->second;
  }

  unsigned int RestCall::GetCountArgument(const std::string& name, unsigned int defaultValue,
                                         unsigned int max) const
  {
    auto found = arguments_.find(name);
    return found == arguments_.end() ? defaultValue : RequestValues::ParseCount(name, found->second, max);
  }

  TransferFilter RestCall::GetTransferFilter(const std::set<std::string>& states) const
  {
    return ParseTransferFilter([this](const std::string& name) { return GetArgument(name, ""); }, states);
  }

  const std::string& RestCall::GetHeader(const std::string& lowerCaseName) const
  {
    static const std::string absent;
    auto found = headers_.find(lowerCaseName);
    return found == headers_.end() ? absent : found->second;
  }

  CrossSiteFacts RestCall::GetCrossSiteFacts() const
  {
    CrossSiteFacts facts;
    facts.origin = GetHeader("origin");
    facts.host = GetHeader("host");
    facts.forwardedHost = GetHeader("x-forwarded-host");
    facts.contentType = GetHeader("content-type");
    facts.formPart = !GetHeader("content-disposition").empty();
    facts.hasBody = !body_.empty();
    return facts;
  }

  void RestCall::AnswerJson(const Json::Value& value)
  {
    const std::string text = OrthancApi::WriteJson(value, true);
    OrthancPluginAnswerBuffer(OrthancApi::GetContext(), output_, text.data(),
                              static_cast<uint32_t>(text.size()), "application/json");
  }

  void RestCall::AnswerText(const std::string& text, const std::string& mime)
  {
    OrthancPluginAnswerBuffer(OrthancApi::GetContext(), output_, text.data(),
                              static_cast<uint32_t>(text.size()), mime.c_str());
  }

  void RestCall::AnswerError(uint16_t status, const std::string& message)
  {
    Json::Value body;
    body["HttpStatus"] = status;
    body["Message"] = message;
    const std::string text = OrthancApi::WriteJson(body, true);
    OrthancPluginSendHttpStatus(OrthancApi::GetContext(), output_, status, text.data(),
                                static_cast<uint32_t>(text.size()));
  }

  void RestCall::AnswerMethodNotAllowed(const std::string& allowed)
  {
    OrthancPluginSendMethodNotAllowed(OrthancApi::GetContext(), output_, allowed.c_str());
  }

  OrthancPluginErrorCode InvokeRestHandler(RestHandler handler, RouteBody body, OrthancPluginRestOutput* output,
                                           const char* url, const OrthancPluginHttpRequest* request)
  {
    RestCall call(output, request);
    try
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        const CrossSiteVerdict verdict = CheckCrossSite(call.GetCrossSiteFacts(), body);
        if (!verdict.IsAllowed())
        {
          OrthancApi::LogWarning(std::string(url) + ": " + verdict.message);
          call.AnswerError(verdict.status, verdict.message);
          return OrthancPluginErrorCode_Success;
        }
      }
      handler(call);
      return OrthancPluginErrorCode_Success;
    }
    catch (const Error& e)
    {
      const uint16_t status = StatusFor(e.GetKind());
      if (status >= 500)
      {
        OrthancApi::LogError(std::string(url) + ": " + e.what());
      }
      call.AnswerError(status, e.what());
      return OrthancPluginErrorCode_Success;
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string(url) + ": unexpected error: " + e.what());
      call.AnswerError(500, std::string("internal error: ") + e.what());
      return OrthancPluginErrorCode_Success;
    }
    catch (...)
    {
      OrthancApi::LogError(std::string(url) + ": unexpected error");
      return OrthancPluginErrorCode_InternalError;
    }
  }
}
