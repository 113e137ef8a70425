// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/OrthancApi.h"

#include "Core/Common/Error.h"

#include <json/reader.h>
#include <json/writer.h>

#include <memory>

namespace DicomMail
{
  namespace OrthancApi
  {
    namespace
    {
      OrthancPluginContext* context_ = nullptr;
    }

    void SetContext(OrthancPluginContext* context)
    {
      context_ = context;
    }

    OrthancPluginContext* GetContext()
    {
      return context_;
    }

    void LogInfo(const std::string& message)
    {
      if (context_ != nullptr)
      {
        OrthancPluginLogInfo(context_, ("DICOM-Mail: " + message).c_str());
      }
    }

    void LogWarning(const std::string& message)
    {
      if (context_ != nullptr)
      {
        OrthancPluginLogWarning(context_, ("DICOM-Mail: " + message).c_str());
      }
    }

    void LogError(const std::string& message)
    {
      if (context_ != nullptr)
      {
        OrthancPluginLogError(context_, ("DICOM-Mail: " + message).c_str());
      }
    }

    MemoryBuffer::MemoryBuffer()
    {
      buffer_.data = nullptr;
      buffer_.size = 0;
    }

    MemoryBuffer::~MemoryBuffer()
    {
      Clear();
    }

    void MemoryBuffer::Clear()
    {
      if (buffer_.data != nullptr)
      {
        OrthancPluginFreeMemoryBuffer(context_, &buffer_);
        buffer_.data = nullptr;
        buffer_.size = 0;
      }
    }

    std::string MemoryBuffer::ToString() const
    {
      return buffer_.data == nullptr ? std::string() :
        std::string(static_cast<const char*>(buffer_.data), buffer_.size);
    }

    OrthancString::~OrthancString()
    {
      if (s_ != nullptr)
      {
        OrthancPluginFreeString(context_, s_);
      }
    }

    RestAnswer Call(OrthancPluginHttpMethod method, const std::string& uri, const void* body, size_t bodySize)
    {
      MemoryBuffer answerBody;
      MemoryBuffer answerHeaders;
      RestAnswer answer;
      const OrthancPluginErrorCode code = OrthancPluginCallRestApi(
        context_, &answerBody, &answerHeaders, &answer.status, method, uri.c_str(),
        0, nullptr, nullptr, body, static_cast<uint32_t>(bodySize), 1);
      if (code != OrthancPluginErrorCode_Success && answer.status == 0)
      {
        // Orthanc reports some failures only as an error code.
        answer.status = (code == OrthancPluginErrorCode_UnknownResource ||
                         code == OrthancPluginErrorCode_InexistentItem) ? 404 : 500;
        answer.body = OrthancPluginGetErrorDescription(context_, code);
        return answer;
      }
      answer.body = answerBody.ToString();
      return answer;
    }

    Json::Value ParseJson(const std::string& text)
    {
      Json::CharReaderBuilder builder;
      builder["collectComments"] = false;
      std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
      Json::Value value;
      std::string errors;
      if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors))
      {
        throw Error(ErrorKind::BadInput, "the body is not valid JSON: " + errors);
      }
      return value;
    }

    std::string WriteJson(const Json::Value& value, bool pretty)
    {
      Json::StreamWriterBuilder builder;
      builder["indentation"] = pretty ? "  " : "";
      builder["emitUTF8"] = true;
      return Json::writeString(builder, value);
    }

    bool LookupJson(const std::string& uri, Json::Value& result)
    {
      const RestAnswer answer = Call(OrthancPluginHttpMethod_Get, uri);
      if (answer.status == 404)
      {
        return false;
      }
      if (answer.status != 200)
      {
        throw Error(ErrorKind::Internal, "GET " + uri + " failed with HTTP " + std::to_string(answer.status));
      }
      result = ParseJson(answer.body);
      return true;
    }

    Json::Value GetJson(const std::string& uri)
    {
      Json::Value result;
      if (!LookupJson(uri, result))
      {
        throw Error(ErrorKind::NotFound, "no such resource: " + uri);
      }
      return result;
    }

    Json::Value PostJson(const std::string& uri, const Json::Value& body)
    {
      const std::string text = WriteJson(body, false);
      const RestAnswer answer = Call(OrthancPluginHttpMethod_Post, uri, text.data(), text.size());
      if (answer.status != 200)
      {
        throw Error(answer.status == 404 ? ErrorKind::NotFound : ErrorKind::Internal,
                    "POST " + uri + " failed with HTTP " + std::to_string(answer.status));
      }
      return ParseJson(answer.body);
    }
  }
}
