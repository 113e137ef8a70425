// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/BoundedStringSink.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  BoundedStringSink::BoundedStringSink(size_t maxBytes, const std::string& what) :
    maxBytes_(maxBytes),
    what_(what)
  {
  }

  void BoundedStringSink::Write(const void* data, size_t size)
  {
    if (size > maxBytes_ - content_.size())
    {
      throw Error(ErrorKind::LimitExceeded, what_ + " exceeds the limit of " + std::to_string(maxBytes_) +
                  " bytes");
    }
    content_.append(static_cast<const char*>(data), size);
  }
}
