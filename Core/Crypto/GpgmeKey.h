// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gpgme.h>
#include <utility>

namespace DicomMail
{
  // Owns one reference to a gpgme_key_t (released with gpgme_key_unref).
  class GpgmeKey
  {
  public:
    GpgmeKey() = default;

    // Takes over a reference the caller already holds.
    explicit GpgmeKey(gpgme_key_t adopted) :
      key_(adopted)
    {
    }

    ~GpgmeKey()
    {
      Reset();
    }

    GpgmeKey(const GpgmeKey& other) :
      key_(other.key_)
    {
      if (key_ != nullptr)
      {
        gpgme_key_ref(key_);
      }
    }

    GpgmeKey& operator=(const GpgmeKey& other)
    {
      GpgmeKey copy(other);
      std::swap(key_, copy.key_);
      return *this;
    }

    GpgmeKey(GpgmeKey&& other) noexcept :
      key_(other.key_)
    {
      other.key_ = nullptr;
    }

    GpgmeKey& operator=(GpgmeKey&& other) noexcept
    {
      std::swap(key_, other.key_);
      return *this;
    }

    gpgme_key_t Get() const
    {
      return key_;
    }

    // For C functions that hand out a new reference, e.g. gpgme_get_key.
    gpgme_key_t* ResetAndGetAddress()
    {
      Reset();
      return &key_;
    }

    void Reset()
    {
      if (key_ != nullptr)
      {
        gpgme_key_unref(key_);
        key_ = nullptr;
      }
    }

  private:
    gpgme_key_t key_ = nullptr;
  };
}
