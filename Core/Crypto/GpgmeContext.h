// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gpgme.h>
#include <string>

namespace DicomMail
{
  // Owns one gpgme_ctx_t bound to a GnuPG home. Not shareable between
  // threads: create one per operation or per thread.
  class GpgmeContext
  {
  public:
    // "engineFile" is the gpg binary (nullptr: GPGME's default) or, for
    // GPGME_PROTOCOL_ASSUAN, the socket to talk to.
    GpgmeContext(const std::string& homeDirectory,
                 gpgme_protocol_t protocol = GPGME_PROTOCOL_OpenPGP,
                 const char* engineFile = nullptr);
    ~GpgmeContext();
    GpgmeContext(const GpgmeContext&) = delete;
    GpgmeContext& operator=(const GpgmeContext&) = delete;

    gpgme_ctx_t Get() const
    {
      return context_;
    }

  private:
    gpgme_ctx_t context_ = nullptr;
  };
}
