// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgmeData.h"

#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgmeLibrary.h"

#include <cstdio>

namespace DicomMail
{
  GpgmeData::GpgmeData()
  {
    GpgmeLibrary::Initialize();
    CheckGpgme(gpgme_data_new(&data_), ErrorKind::Crypto, "cannot create a GPGME buffer");
  }

  GpgmeData::GpgmeData(const std::string& content)
  {
    GpgmeLibrary::Initialize();
    CheckGpgme(gpgme_data_new_from_mem(&data_, content.data(), content.size(), 1 /* copy */),
               ErrorKind::Crypto, "cannot create a GPGME buffer");
  }

  GpgmeData::~GpgmeData()
  {
    gpgme_data_release(data_);
  }

  std::string GpgmeData::ReadAll()
  {
    if (gpgme_data_seek(data_, 0, SEEK_SET) != 0)
    {
      throw Error(ErrorKind::Internal, "cannot rewind a GPGME memory buffer");
    }

    std::string content;
    char buffer[16384];
    for (;;)
    {
      const ssize_t n = gpgme_data_read(data_, buffer, sizeof(buffer));
      if (n < 0)
      {
        throw Error(ErrorKind::Internal, "cannot read a GPGME memory buffer");
      }
      if (n == 0)
      {
        return content;
      }
      content.append(buffer, static_cast<size_t>(n));
    }
  }
}
