// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <csignal>
#include <spawn.h>

namespace DicomMail
{
  // Owns a posix_spawnattr_t set up for helper processes: the child starts
  // with no blocked signals and SIGPIPE at its default, whatever the host's
  // threads use, so gpg dies if its reader goes away instead of spinning on
  // EPIPE.
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
