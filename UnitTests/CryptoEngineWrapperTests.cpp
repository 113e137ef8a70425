// SPDX-License-Identifier: GPL-3.0-or-later
// The gpg wrapper script of each OpenPGP context, and what happens when it
// cannot be executed (#15: a key imported and certified a moment before was
// reported "not in the keyring" by a send job).
#include "Core/Common/Error.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace DicomMail;

namespace
{
  std::vector<std::string> WrapperScripts(const std::string& directory)
  {
    std::vector<std::string> paths;
    DIR* dir = opendir(directory.c_str());
    while (dir != nullptr)
    {
      struct dirent* entry = readdir(dir);
      if (entry == nullptr)
      {
        break;
      }
      const std::string name = entry->d_name;
      if (name.compare(0, 7, "dm-gpg-") == 0 && name.size() > 3 && name.compare(name.size() - 3, 3, ".sh") == 0)
      {
        paths.push_back(directory + "/" + name);
      }
    }
    if (dir != nullptr)
    {
      closedir(dir);
    }
    return paths;
  }
}

// GPGME reports a gpg that could not be executed as an empty listing: the key
// would read as absent. It must be an error instead.
TEST(CryptoEngineWrapper, AListingWhoseGpgCannotStartIsAnErrorNotAMissingKey)
{
  TemporaryGnupgHome home;
  std::string fingerprint;
  {
    OpenPgpContext maker(home.GetHome());
    fingerprint = maker.GenerateSiteKey("Site <site@example.test>", "ed25519");
  }
  OpenPgpContext crypto(home.GetHome());
  EXPECT_TRUE(WrapperScripts(home.GetHome().GetPath()).empty());   // made at the first GPGME operation
  EXPECT_FALSE(crypto.HasKey("0123456789ABCDEF0123456789ABCDEF01234567"));
  const std::vector<std::string> scripts = WrapperScripts(home.GetHome().GetPath());
  ASSERT_EQ(1u, scripts.size());

  // A write descriptor held elsewhere makes exec fail with ETXTBSY.
  const int held = open(scripts[0].c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  try
  {
    crypto.HasKey(fingerprint);
    ADD_FAILURE() << "the key was looked up although gpg could not start";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Crypto, e.GetKind()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("gpg did not start")) << e.what();
  }
  EXPECT_THROW(crypto.ListKeys(false), Error);
  close(held);

  EXPECT_TRUE(crypto.HasKey(fingerprint));
  EXPECT_EQ(1u, crypto.ListKeys(false).size());
}
