// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/CurlHandle.h"

#include "Core/Common/Error.h"
#include "Core/Transport/CurlGlobal.h"

namespace DicomMail
{
  namespace
  {
    CURL* CreateEasyHandle()
    {
      CurlGlobal::Initialize();
      CURL* curl = curl_easy_init();
      if (curl == nullptr)
      {
        throw Error(ErrorKind::Internal, "curl_easy_init failed");
      }
      return curl;
    }
  }

  CurlHandle::CurlHandle() :
    curl_(CreateEasyHandle())
  {
  }

  CurlHandle::~CurlHandle()
  {
    curl_easy_cleanup(curl_);
  }

  void CurlHandle::Recreate()
  {
    CURL* fresh = CreateEasyHandle();
    curl_easy_cleanup(curl_);
    curl_ = fresh;
  }
}
