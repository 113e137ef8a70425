// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/Sha256.h"

#include "Core/Common/Error.h"

#include <gcrypt.h>

#include <mutex>

namespace DicomMail
{
  namespace
  {
    // The oldest release whose gcry_md_* behaviour we rely on (Debian 12 has 1.10).
    const char* const kMinimumGcryptVersion = "1.8.0";
  }

  struct Sha256::Handle
  {
    gcry_md_hd_t md = nullptr;

    ~Handle()
    {
      if (md != nullptr)
      {
        gcry_md_close(md);
      }
    }
  };

  void Sha256::InitializeLibrary()
  {
    static std::once_flag once;
    std::call_once(once, []
    {
      if (gcry_check_version(kMinimumGcryptVersion) == nullptr)
      {
        throw Error(ErrorKind::Internal, std::string("libgcrypt ") + kMinimumGcryptVersion +
                    " or newer is required, found " + gcry_check_version(nullptr));
      }

      // Another library of the process may have initialised libgcrypt
      // already; its choices then stand. We only hash public data, so no
      // secure memory is needed.
      if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
      {
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
      }
    });
  }

  Sha256::Sha256() :
    handle_(new Handle)
  {
    InitializeLibrary();
    const gcry_error_t error = gcry_md_open(&handle_->md, GCRY_MD_SHA256, 0);
    if (error != 0)
    {
      throw Error(ErrorKind::Internal, std::string("Cannot start a SHA-256 computation: ") +
                  gcry_strerror(error));
    }
  }

  Sha256::~Sha256() = default;

  void Sha256::Write(const void* data, size_t size)
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "SHA-256: data written after the digest was read");
    }
    if (size > 0)
    {
      gcry_md_write(handle_->md, data, size);
    }
  }

  std::string Sha256::FinishHex()
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "SHA-256: the digest was already read");
    }
    finished_ = true;

    const unsigned char* digest = gcry_md_read(handle_->md, GCRY_MD_SHA256);
    if (digest == nullptr)
    {
      throw Error(ErrorKind::Internal, "SHA-256: cannot read the digest");
    }

    static const char kHex[] = "0123456789abcdef";
    const unsigned int length = gcry_md_get_algo_dlen(GCRY_MD_SHA256);
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; i++)
    {
      hex.push_back(kHex[digest[i] >> 4]);
      hex.push_back(kHex[digest[i] & 0x0f]);
    }
    return hex;
  }

  std::string Sha256::OfString(const std::string& data)
  {
    Sha256 hasher;
    hasher.Write(data);
    return hasher.FinishHex();
  }

  std::string Sha256::OfSource(ByteSource& source)
  {
    Sha256 hasher;
    CopyStream(source, hasher, 64 * 1024);
    return hasher.FinishHex();
  }
}
