// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace DicomMail
{
  // Owns one file descriptor and closes it once.
  class UniqueFd
  {
  public:
    UniqueFd() = default;

    explicit UniqueFd(int fd) :
      fd_(fd)
    {
    }

    ~UniqueFd();

    UniqueFd(UniqueFd&& other) noexcept :
      fd_(other.Release())
    {
    }

    UniqueFd& operator=(UniqueFd&& other) noexcept;

    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int Get() const
    {
      return fd_;
    }

    bool IsOpen() const
    {
      return fd_ >= 0;
    }

    int Release()
    {
      const int fd = fd_;
      fd_ = -1;
      return fd;
    }

    void Close();

  private:
    int fd_ = -1;
  };
}
