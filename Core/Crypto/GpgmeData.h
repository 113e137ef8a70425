// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gpgme.h>
#include <string>

namespace DicomMail
{
  // Owns one gpgme_data_t: a small memory buffer (keys) for the key
  // management that still runs through GPGME; bulk data goes through
  // GpgProcess.
  class GpgmeData
  {
  public:
    // An empty memory buffer, to receive output.
    GpgmeData();

    // A memory buffer holding a copy of "content".
    explicit GpgmeData(const std::string& content);

    ~GpgmeData();
    GpgmeData(const GpgmeData&) = delete;
    GpgmeData& operator=(const GpgmeData&) = delete;

    gpgme_data_t Get() const
    {
      return data_;
    }

    // Whole content of a memory buffer (for small data only).
    std::string ReadAll();

  private:
    gpgme_data_t data_ = nullptr;
  };
}
