// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Process-wide GPGME set-up. Initialize() must run once before any thread
  // uses GPGME (gpgme_check_version is not thread-safe on first call); later
  // calls are cheap no-ops. Note that GPGME sets SIGPIPE to SIG_IGN for the
  // whole process, Orthanc included.
  class GpgmeLibrary
  {
  public:
    // Throws Error(Configuration) when GPGME is older than 1.18 or no usable
    // gpg engine is installed.
    static void Initialize();

    static std::string GetGpgmeVersion();

    // Makes "home" the home of every new context (gpgme_set_engine_info):
    // contexts then copy the engine's details instead of asking gpg for
    // them, which saves a gpg process per context. For the plugin's single
    // home; call before threads use GPGME.
    static void SetDefaultHome(const std::string& home);
    static bool IsDefaultHome(const std::string& home);

    // Version of the gpg binary GPGME runs, e.g. "2.2.40".
    static std::string GetGpgEngineVersion();

    // Path of that binary, e.g. "/usr/bin/gpg".
    static std::string GetGpgEnginePath();

    // Path of the gpgconf binary that belongs to that gpg.
    static std::string GetGpgconfPath();
  };
}
