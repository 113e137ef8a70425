// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/GnupgHome.h"

#include <memory>
#include <string>

namespace DicomMail
{
  // A throw-away GnuPG home "<parent>/dmk-XXXXXX", e.g. to look at a posted
  // key without touching the site keyring, or for tests. The destructor
  // stops its agent and removes the directory with everything in it.
  class TemporaryGnupgHome
  {
  public:
    explicit TemporaryGnupgHome(const std::string& parentDirectory = "/tmp",
                                const GnupgHome::Options& options = GnupgHome::Options());
    ~TemporaryGnupgHome();
    TemporaryGnupgHome(const TemporaryGnupgHome&) = delete;
    TemporaryGnupgHome& operator=(const TemporaryGnupgHome&) = delete;

    const GnupgHome& GetHome() const
    {
      return *home_;
    }

    const std::string& GetPath() const
    {
      return home_->GetPath();
    }

  private:
    std::string directory_;
    std::unique_ptr<GnupgHome> home_;
  };
}
