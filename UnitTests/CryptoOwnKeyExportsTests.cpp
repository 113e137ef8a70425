// SPDX-License-Identifier: GPL-3.0-or-later
// OwnKeyExports (#15): our key, carried by every mail and MDN, is exported
// by gpg once per keyring state, not once per mail; a changed keyring
// (here: a renewed expiry) is exported again.
#include "Core/Crypto/GpgEngineWrapper.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/OwnKeyExports.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <thread>

using namespace DicomMail;

namespace
{
  // Lets the keyring's files age past KeyringStamp's racy window, so a
  // stamp may vouch for an export (a precondition, not a timing assert).
  void LetTheKeyringSettle()
  {
    std::this_thread::sleep_for(std::chrono::nanoseconds(KeyringStamp::kRacyNanoseconds) +
                                std::chrono::milliseconds(100));
  }

  // The process ids GpgEngineWrapper's script leaves for every gpg GPGME
  // started in "home"; removing them lets a test see whether another runs.
  size_t CountAndRemoveGpgPidFiles(const std::string& home)
  {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(home))
    {
      const std::string name = entry.path().filename().string();
      if (name.rfind(GpgEngineWrapper::kFilePrefix, 0) == 0 && entry.path().extension() == ".pid")
      {
        std::filesystem::remove(entry.path());
        count++;
      }
    }
    return count;
  }
}

TEST(CryptoOwnKeyExports, AnUnchangedKeyringIsExportedByGpgOnce)
{
  TemporaryGnupgHome site;
  OpenPgpContext gpg(site.GetHome());
  const std::string key = gpg.GenerateSiteKey("Site <site@example.test>", "ed25519");
  LetTheKeyringSettle();

  const std::string first = KeyTravel::ExportOwnKey(gpg, key);
  ASSERT_NE("", first);
  ASSERT_LT(0u, CountAndRemoveGpgPidFiles(site.GetPath())) << "the first export runs gpg";

  for (int mail = 0; mail < 3; mail++)
  {
    EXPECT_EQ(first, KeyTravel::ExportOwnKey(gpg, key));
  }
  EXPECT_EQ(0u, CountAndRemoveGpgPidFiles(site.GetPath())) << "no gpg per mail for an unchanged keyring";

  gpg.SetExpiry(key, 400 * 86400);
  LetTheKeyringSettle();
  const std::string renewed = KeyTravel::ExportOwnKey(gpg, key);
  EXPECT_LT(0u, CountAndRemoveGpgPidFiles(site.GetPath())) << "a changed keyring is exported again";
  EXPECT_NE(first, renewed);
}

TEST(CryptoOwnKeyExports, AKeyringChangedMomentsAgoIsNotRemembered)
{
  TemporaryGnupgHome site;
  OpenPgpContext gpg(site.GetHome());
  const std::string key = gpg.GenerateSiteKey("Site <site@example.test>", "ed25519");
  // No settling: gpg may still be rewriting the files within one clock tick.
  OwnKeyExports exports;
  int runs = 0;
  const auto exporter = [&runs]() {
    runs++;
    return std::string("exported");
  };
  exports.Get(site.GetPath(), key, exporter);
  exports.Get(site.GetPath(), key, exporter);
  EXPECT_EQ(2, runs);

  LetTheKeyringSettle();
  exports.Get(site.GetPath(), key, exporter);
  exports.Get(site.GetPath(), key, exporter);
  EXPECT_EQ(3, runs) << "settled: remembered";
  exports.Get(site.GetPath(), "another fingerprint", exporter);
  EXPECT_EQ(4, runs);
}

TEST(CryptoOwnKeyExports, AFailedExportIsTriedAgain)
{
  TemporaryGnupgHome site;
  OpenPgpContext gpg(site.GetHome());
  gpg.GenerateSiteKey("Site <site@example.test>", "ed25519");
  LetTheKeyringSettle();
  OwnKeyExports exports;
  int runs = 0;
  const auto failing = [&runs]() {
    runs++;
    return std::string();
  };
  exports.Get(site.GetPath(), "F", failing);
  exports.Get(site.GetPath(), "F", failing);
  EXPECT_EQ(2, runs);
}
