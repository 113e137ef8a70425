// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace DicomMail
{
  // A scratch directory for one test's database files, removed afterwards.
  class TempDirectory
  {
  public:
    TempDirectory()
    {
      char pattern[] = "/tmp/dicommail-store-XXXXXX";
      if (mkdtemp(pattern) == nullptr)
      {
        throw std::runtime_error("mkdtemp failed");
      }
      path_ = pattern;
    }

    ~TempDirectory()
    {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }

    std::string File(const std::string& name) const
    {
      return path_ + "/" + name;
    }

    const std::string& GetPath() const
    {
      return path_;
    }

  private:
    std::string path_;
  };
}
