// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Fixtures every test folder uses: a scratch directory, and a site with its
// own GnuPG home, OpenPGP context and Ed25519 key; JSON written in a test.

#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <json/reader.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace TestSupport
{
  // A directory under /tmp, removed with everything in it.
  class ScratchDirectory
  {
  public:
    ScratchDirectory()
    {
      char pattern[] = "/tmp/dm-test-XXXXXX";
      if (mkdtemp(pattern) == nullptr)
      {
        throw std::runtime_error("mkdtemp failed");
      }
      path_ = pattern;
    }

    ~ScratchDirectory()
    {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }

    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    const std::string& GetPath() const
    {
      return path_;
    }

    std::string File(const std::string& name) const
    {
      return path_ + "/" + name;
    }

    // Names of the entries, sorted.
    std::vector<std::string> List() const
    {
      std::vector<std::string> names;
      for (const auto& entry : std::filesystem::directory_iterator(path_))
      {
        names.push_back(entry.path().filename().string());
      }
      std::sort(names.begin(), names.end());
      return names;
    }

  private:
    std::string path_;
  };

  // One site: its GnuPG home, a context on it, its key (key generation is
  // the slow part of these tests: make sites once per fixture or process).
  struct TestSite
  {
    std::unique_ptr<DicomMail::TemporaryGnupgHome> home;
    std::unique_ptr<DicomMail::OpenPgpContext> crypto;   // declared after home: goes first
    std::string fingerprint;

    explicit TestSite(const std::string& userId)
    {
      home.reset(new DicomMail::TemporaryGnupgHome);
      crypto.reset(new DicomMail::OpenPgpContext(home->GetHome()));
      fingerprint = crypto->GenerateSiteKey(userId, "ed25519");
    }

    // "other" learns this site's key, certified or not.
    void IntroduceTo(TestSite& other, bool certify)
    {
      other.crypto->ImportKeys(crypto->ExportPublicKey(fingerprint, true));
      if (certify)
      {
        other.crypto->CertifyKey(fingerprint, other.fingerprint);
      }
    }
  };

  // A test's JSON text as a value; throws on a typo in the test itself.
  inline Json::Value ParseJson(const std::string& text)
  {
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value value;
    std::string errors;
    if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors))
    {
      throw std::runtime_error("bad test JSON: " + errors);
    }
    return value;
  }
}
