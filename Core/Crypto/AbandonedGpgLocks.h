// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace DicomMail
{
  // GnuPG guards its key ring and trust database with lock files
  // ("pubring.kbx.lock": the owner's pid and host name). A gpg that ends
  // normally or by SIGTERM removes its locks; one killed by SIGKILL leaves
  // them. gpg removes such a lock itself once the owner's pid is gone, but
  // not while the owner is a zombie that its parent (or init, for GPGME's
  // double-forked gpg) has not reaped: the pid still exists, and every later
  // gpg waits for the lock.
  namespace AbandonedGpgLocks
  {
    // Removes the "*.lock" files of "home" (and of its public-keys.d) that a
    // process of this host made which is gone or a zombie; leaves every other
    // lock alone. Returns the paths removed.
    std::vector<std::string> Remove(const std::string& home);

    // True if "pid" no longer runs: it does not exist or is a zombie.
    bool IsGone(pid_t pid);
  }
}
