// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <spawn.h>

namespace DicomMail
{
  // Owns a posix_spawn_file_actions_t. Child processes are started with
  // posix_spawn rather than fork: Orthanc is a large multi-threaded process,
  // and fork would copy its page tables and make every page it writes next
  // fault once (copy-on-write).
  class SpawnActions
  {
  public:
    SpawnActions()
    {
      posix_spawn_file_actions_init(&actions_);
    }

    ~SpawnActions()
    {
      posix_spawn_file_actions_destroy(&actions_);
    }

    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;

    posix_spawn_file_actions_t* Get()
    {
      return &actions_;
    }

  private:
    posix_spawn_file_actions_t actions_;
  };
}
