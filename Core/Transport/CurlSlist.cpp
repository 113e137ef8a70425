// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/CurlSlist.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  CurlSlist::~CurlSlist()
  {
    curl_slist_free_all(list_);
  }

  void CurlSlist::Append(const std::string& item)
  {
    curl_slist* extended = curl_slist_append(list_, item.c_str());
    if (extended == nullptr)
    {
      throw Error(ErrorKind::Internal, "curl_slist_append failed (out of memory)");
    }
    list_ = extended;
  }
}
