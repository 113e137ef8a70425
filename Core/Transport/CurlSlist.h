// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <curl/curl.h>

#include <string>

namespace DicomMail
{
  // Owns a curl_slist (e.g. the SMTP recipients). It must outlive the
  // transfer that uses it.
  class CurlSlist
  {
  public:
    CurlSlist() = default;
    ~CurlSlist();
    CurlSlist(const CurlSlist&) = delete;
    CurlSlist& operator=(const CurlSlist&) = delete;

    void Append(const std::string& item);

    curl_slist* Get() const
    {
      return list_;
    }

  private:
    curl_slist* list_ = nullptr;
  };
}
