// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgmeContext.h"

#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgmeLibrary.h"

namespace DicomMail
{
  GpgmeContext::GpgmeContext(const std::string& homeDirectory,
                             gpgme_protocol_t protocol,
                             const char* engineFile)
  {
    GpgmeLibrary::Initialize();
    CheckGpgme(gpgme_new(&context_), ErrorKind::Crypto, "cannot create a GPGME context");

    try
    {
      CheckGpgme(gpgme_set_protocol(context_, protocol), ErrorKind::Crypto,
                 "cannot select the GPGME protocol");
      // Per context, never through GNUPGHOME: that would change Orthanc's
      // environment. The process-wide default home needs no call.
      if (protocol != GPGME_PROTOCOL_OpenPGP || engineFile != nullptr ||
          !GpgmeLibrary::IsDefaultHome(homeDirectory))
      {
        CheckGpgme(gpgme_ctx_set_engine_info(context_, protocol, engineFile, homeDirectory.c_str()),
                   ErrorKind::Configuration, "cannot use the GnuPG home " + homeDirectory);
      }
    }
    catch (...)
    {
      gpgme_release(context_);
      throw;
    }
  }

  GpgmeContext::~GpgmeContext()
  {
    gpgme_release(context_);
  }
}
