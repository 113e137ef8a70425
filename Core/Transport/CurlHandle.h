// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <curl/curl.h>

namespace DicomMail
{
  // Owns one CURL easy handle. The handle also owns the connections it opened:
  // they are reused by later transfers on the same handle and closed (with
  // QUIT/LOGOUT) when the handle goes. Never share one between threads.
  class CurlHandle
  {
  public:
    CurlHandle();
    ~CurlHandle();
    CurlHandle(const CurlHandle&) = delete;
    CurlHandle& operator=(const CurlHandle&) = delete;

    CURL* Get() const
    {
      return curl_;
    }

    // Closes the connections (politely) and starts over with a fresh handle.
    void Recreate();

  private:
    CURL* curl_;
  };
}
