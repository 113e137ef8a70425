// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/CurlGlobal.h"

#include "Core/Common/Error.h"

#include <curl/curl.h>

#include <mutex>

namespace DicomMail
{
  namespace
  {
    std::mutex globalMutex;
    bool initialized = false;
  }

  void CurlGlobal::Initialize()
  {
    std::lock_guard<std::mutex> lock(globalMutex);
    if (!initialized)
    {
      CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
      if (code != CURLE_OK)
      {
        throw Error(ErrorKind::Internal, std::string("curl_global_init failed: ") + curl_easy_strerror(code));
      }
      initialized = true;
    }
  }

  void CurlGlobal::Finalize()
  {
    std::lock_guard<std::mutex> lock(globalMutex);
    if (initialized)
    {
      curl_global_cleanup();
      initialized = false;
    }
  }
}
