// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/KeyStateCache.h"

#include <string>

namespace DicomMail
{
  // A private GnuPG home directory (keyrings, trust database, agent sockets).
  // The constructor creates it with mode 0700 and writes gpg.conf and
  // gpg-agent.conf; the destructor stops the home's gpg-agent, which would
  // otherwise outlive the process. Keep one GnupgHome per path per process.
  class GnupgHome
  {
  public:
    // gpg-agent puts its sockets ("S.gpg-agent.browser" is the longest)
    // inside the home when /run/user/<uid> is missing; sun_path holds 108
    // bytes, which leaves this many characters for the home's path.
    static const size_t kMaxPathLength = 86;

    struct Options
    {
      // zlib level used when compression is on: level 6 (gpg's default)
      // runs at ~9 MB/s on CT data, level 1 at ~46 MB/s for almost the same size.
      int compressLevel = 1;
      // Longest a gpg, gpgconf or GPGME operation may go without progress
      // before it is stopped (configuration "GpgTimeout").
      unsigned int gpgTimeoutSeconds = 600;
      // The gpg GPGME and GpgProcess run; "" for GPGME's own (tests put a
      // stand-in here).
      std::string gpgProgram;
    };

    explicit GnupgHome(const std::string& path);
    GnupgHome(const std::string& path, const Options& options);
    ~GnupgHome();
    GnupgHome(const GnupgHome&) = delete;
    GnupgHome& operator=(const GnupgHome&) = delete;

    // The absolute path.
    const std::string& GetPath() const
    {
      return path_;
    }

    const Options& GetOptions() const
    {
      return options_;
    }

    // Path of the agent's main socket (inside the home, or under /run/user).
    std::string GetAgentSocketPath() const;

    // "gpgconf --homedir H --kill gpg-agent". Harmless when none runs; gpg
    // starts a new one on the next operation that needs it. (dirmngr is
    // never started: contexts work offline.)
    void StopAgent() const;

    // The states of this home's keys, shared by its OpenPGP contexts.
    KeyStateCache& GetKeyStates() const
    {
      return keyStates_;
    }

  private:
    void Prepare();
    void WriteConfiguration() const;

    std::string path_;
    Options options_;
    mutable KeyStateCache keyStates_;
  };
}
