// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/TemporaryGnupgHome.h"

#include "Core/Common/Error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace DicomMail
{
  namespace
  {
    std::string MakeUniqueDirectory(const std::string& parent)
    {
      std::string pattern = parent + "/dmk-XXXXXX";
      std::vector<char> buffer(pattern.begin(), pattern.end());
      buffer.push_back('\0');
      if (mkdtemp(buffer.data()) == nullptr)   // mode 0700
      {
        throw Error(ErrorKind::Storage, "cannot create a temporary GnuPG home in " + parent + ": " +
                    strerror(errno));
      }
      return buffer.data();
    }

    void RemoveTree(const std::string& directory)
    {
      std::error_code ec;
      std::filesystem::remove_all(directory, ec);
    }
  }

  TemporaryGnupgHome::TemporaryGnupgHome(const std::string& parentDirectory,
                                         const GnupgHome::Options& options) :
    directory_(MakeUniqueDirectory(parentDirectory))
  {
    try
    {
      home_.reset(new GnupgHome(directory_, options));
    }
    catch (...)
    {
      RemoveTree(directory_);
      throw;
    }
  }

  TemporaryGnupgHome::~TemporaryGnupgHome()
  {
    home_.reset();   // stops the agent before its sockets disappear
    RemoveTree(directory_);
  }
}
