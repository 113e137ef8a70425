// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The only place (with the other Plugin/ files) that sees the Orthanc SDK.
// Thin C++ over the C API: RAII buffers, logging, internal REST calls.

#include <orthanc/OrthancCPlugin.h>

#include <json/value.h>

#include <cstdint>
#include <string>

namespace DicomMail
{
  namespace OrthancApi
  {
    void SetContext(OrthancPluginContext* context);
    OrthancPluginContext* GetContext();

    void LogInfo(const std::string& message);
    void LogWarning(const std::string& message);
    void LogError(const std::string& message);

    // Owns an OrthancPluginMemoryBuffer for its whole life.
    class MemoryBuffer
    {
    public:
      MemoryBuffer();
      ~MemoryBuffer();
      MemoryBuffer(const MemoryBuffer&) = delete;
      MemoryBuffer& operator=(const MemoryBuffer&) = delete;

      OrthancPluginMemoryBuffer* operator&()
      {
        return &buffer_;
      }

      const void* GetData() const
      {
        return buffer_.data;
      }

      size_t GetSize() const
      {
        return buffer_.size;
      }

      std::string ToString() const;
      void Clear();

    private:
      OrthancPluginMemoryBuffer buffer_;
    };

    // Owns a char* that Orthanc allocated.
    class OrthancString
    {
    public:
      explicit OrthancString(char* s) :
        s_(s)
      {
      }
      ~OrthancString();
      OrthancString(const OrthancString&) = delete;
      OrthancString& operator=(const OrthancString&) = delete;

      bool IsNull() const
      {
        return s_ == nullptr;
      }

      std::string ToString() const
      {
        return s_ == nullptr ? std::string() : std::string(s_);
      }

    private:
      char* s_;
    };

    struct RestAnswer
    {
      uint16_t status = 0;
      std::string body;
    };

    // Calls Orthanc's own REST API (with plugins), never throws for HTTP
    // errors: the caller looks at "status".
    RestAnswer Call(OrthancPluginHttpMethod method, const std::string& uri,
                    const void* body = nullptr, size_t bodySize = 0);

    // Convenience: throws Error(NotFound) on 404, Error(Internal) otherwise.
    Json::Value GetJson(const std::string& uri);
    Json::Value PostJson(const std::string& uri, const Json::Value& body);
    bool LookupJson(const std::string& uri, Json::Value& result);   // false on 404

    Json::Value ParseJson(const std::string& text);                 // throws Error(BadInput)
    std::string WriteJson(const Json::Value& value, bool pretty = true);
  }
}
