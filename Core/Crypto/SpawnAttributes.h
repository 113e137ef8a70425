// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <csignal>
#include <spawn.h>

namespace DicomMail
{
  // Owns a posix_spawnattr_t set up for helper processes: the child starts
  // with no blocked signals and SIGPIPE at its default, whatever the host's
  // thread blocks or ignores (Orthanc's threads and GPGME change both).
  // Nothing blocked means our SIGTERM reaches gpg, whose handler removes its
  // lock files before it leaves; gpg ignores SIGPIPE itself and ends with an
  // error when its reader goes away (checked: "gpg -d | head -c1" exits 2
  // with "Broken pipe", not by the signal), so the default does not make it
  // die holding a lock.
  class SpawnAttributes
  {
  public:
    SpawnAttributes()
    {
      posix_spawnattr_init(&attributes_);
      sigset_t none;
      sigemptyset(&none);
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      posix_spawnattr_setsigmask(&attributes_, &none);
      posix_spawnattr_setsigdefault(&attributes_, &pipe);
      posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }

    ~SpawnAttributes()
    {
      posix_spawnattr_destroy(&attributes_);
    }

    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;

    const posix_spawnattr_t* Get() const
    {
      return &attributes_;
    }

  private:
    posix_spawnattr_t attributes_;
  };
}
