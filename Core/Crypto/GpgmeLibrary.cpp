// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgmeLibrary.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgmeError.h"

#include <clocale>
#include <gpgme.h>
#include <mutex>

namespace DicomMail
{
  namespace
  {
    const char* const kMinimumGpgmeVersion = "1.18.0";

    std::once_flag initializeOnce;

    gpgme_engine_info_t FindEngine(gpgme_protocol_t protocol, const char* name)
    {
      gpgme_engine_info_t info = nullptr;
      CheckGpgme(gpgme_get_engine_info(&info), ErrorKind::Configuration,
                 "cannot query the GnuPG engines");
      for (; info != nullptr; info = info->next)
      {
        if (info->protocol == protocol)
        {
          return info;
        }
      }
      throw Error(ErrorKind::Configuration, std::string("GPGME knows no ") + name +
                  " engine (is GnuPG installed?)");
    }

    void DoInitialize()
    {
      if (gpgme_check_version(kMinimumGpgmeVersion) == nullptr)
      {
        throw Error(ErrorKind::Configuration, std::string("GPGME ") + kMinimumGpgmeVersion +
                    " or later is needed, found " + gpgme_check_version(nullptr));
      }

      // Only reads the host's locale: the plugin must not change Orthanc's.
      const char* ctype = setlocale(LC_CTYPE, nullptr);
      if (ctype != nullptr)
      {
        gpgme_set_locale(nullptr, LC_CTYPE, ctype);
      }
#ifdef LC_MESSAGES
      const char* messages = setlocale(LC_MESSAGES, nullptr);
      if (messages != nullptr)
      {
        gpgme_set_locale(nullptr, LC_MESSAGES, messages);
      }
#endif

      CheckGpgme(gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP), ErrorKind::Configuration,
                 "the gpg engine is missing or too old for GPGME");
    }
  }

  void GpgmeLibrary::Initialize()
  {
    // call_once rethrows and lets a later call retry if initialization failed.
    std::call_once(initializeOnce, DoInitialize);
  }

  namespace
  {
    std::mutex defaultHomeMutex;
    std::string defaultHome;
  }

  void GpgmeLibrary::SetDefaultHome(const std::string& home)
  {
    Initialize();
    std::lock_guard<std::mutex> lock(defaultHomeMutex);
    CheckGpgme(gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str()), ErrorKind::Configuration,
               "cannot use the GnuPG home " + home);
    defaultHome = home;
  }

  bool GpgmeLibrary::IsDefaultHome(const std::string& home)
  {
    std::lock_guard<std::mutex> lock(defaultHomeMutex);
    return !defaultHome.empty() && defaultHome == home;
  }

  std::string GpgmeLibrary::GetGpgmeVersion()
  {
    Initialize();
    return gpgme_check_version(nullptr);
  }

  std::string GpgmeLibrary::GetGpgEngineVersion()
  {
    Initialize();
    gpgme_engine_info_t info = FindEngine(GPGME_PROTOCOL_OpenPGP, "gpg");
    return info->version != nullptr ? info->version : "";
  }

  std::string GpgmeLibrary::GetGpgEnginePath()
  {
    Initialize();
    gpgme_engine_info_t info = FindEngine(GPGME_PROTOCOL_OpenPGP, "gpg");
    return info->file_name != nullptr ? info->file_name : "";
  }

  std::string GpgmeLibrary::GetGpgconfPath()
  {
    Initialize();
    gpgme_engine_info_t info = FindEngine(GPGME_PROTOCOL_GPGCONF, "gpgconf");
    if (info->file_name == nullptr)
    {
      throw Error(ErrorKind::Configuration, "GPGME knows no path for gpgconf");
    }
    return info->file_name;
  }
}
