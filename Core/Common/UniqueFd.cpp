// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/UniqueFd.h"

#include <unistd.h>

namespace DicomMail
{
  UniqueFd::~UniqueFd()
  {
    Close();
  }

  UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept
  {
    if (this != &other)
    {
      Close();
      fd_ = other.Release();
    }
    return *this;
  }

  void UniqueFd::Close()
  {
    if (fd_ >= 0)
    {
      // Not retried on EINTR: on Linux the descriptor is released anyway.
      ::close(fd_);
      fd_ = -1;
    }
  }
}
