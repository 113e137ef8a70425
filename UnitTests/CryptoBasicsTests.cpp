// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GnupgHome.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/OpenPgpPackets.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <functional>
#include <gtest/gtest.h>
#include <iostream>
#include <sys/stat.h>

using namespace DicomMail;

namespace
{
  const std::string kFpr = "0123456789ABCDEF0123456789ABCDEF01234567";

  ErrorKind KindOf(const std::function<void()>& action, std::string* message = nullptr)
  {
    try
    {
      action();
    }
    catch (const Error& e)
    {
      if (message != nullptr)
      {
        *message = e.what();
      }
      return e.GetKind();
    }
    ADD_FAILURE() << "no DicomMail::Error thrown";
    return ErrorKind::Internal;
  }
}

TEST(CryptoFingerprint, AcceptsCaseAndSpaces)
{
  EXPECT_TRUE(Fingerprint::IsValidFingerprint(kFpr));
  EXPECT_TRUE(Fingerprint::IsValidFingerprint("0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567"));
  EXPECT_FALSE(Fingerprint::IsValidFingerprint(kFpr.substr(1)));
  EXPECT_FALSE(Fingerprint::IsValidFingerprint(kFpr + "0"));
  EXPECT_FALSE(Fingerprint::IsValidFingerprint("G123456789ABCDEF0123456789ABCDEF01234567"));
  EXPECT_FALSE(Fingerprint::IsValidFingerprint("0x23456789ABCDEF0123456789ABCDEF01234567"));
  EXPECT_FALSE(Fingerprint::IsValidFingerprint(""));

  EXPECT_EQ(kFpr, Fingerprint::Normalize("0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567"));
  EXPECT_EQ("0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567", Fingerprint::GroupInFours(kFpr));
  EXPECT_EQ("89ABCDEF01234567", Fingerprint::ToKeyId(kFpr));

  EXPECT_TRUE(Fingerprint::Matches("89abcdef01234567", kFpr));
  EXPECT_TRUE(Fingerprint::Matches(kFpr, "0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(Fingerprint::Matches("99ABCDEF01234567", kFpr));
  EXPECT_FALSE(Fingerprint::Matches("", kFpr));

  std::string message;
  EXPECT_EQ(ErrorKind::BadInput, KindOf([] { Fingerprint::Normalize("not a key"); }, &message));
  EXPECT_NE(std::string::npos, message.find("not a key"));
}

TEST(CryptoLibrary, ReportsVersions)
{
  GpgmeLibrary::Initialize();
  GpgmeLibrary::Initialize();   // idempotent
  const std::string gpgme = GpgmeLibrary::GetGpgmeVersion();
  const std::string gpg = GpgmeLibrary::GetGpgEngineVersion();
  std::cout << "GPGME " << gpgme << ", gpg " << gpg << " (" << GpgmeLibrary::GetGpgEnginePath() << ")\n";
  EXPECT_EQ("1.", gpgme.substr(0, 2));
  EXPECT_EQ("2.", gpg.substr(0, 2));
  EXPECT_TRUE(Files::Exists(GpgmeLibrary::GetGpgconfPath()));
}

TEST(CryptoHome, CreatesPrivateDirectoryAndConfiguration)
{
  TemporaryGnupgHome parent;
  const std::string path = parent.GetPath() + "/nested/gpg";
  std::string home;
  {
    GnupgHome::Options options;
    options.compressLevel = 3;
    GnupgHome h(path, options);
    home = h.GetPath();
    EXPECT_EQ(path, home);

    struct stat s;
    ASSERT_EQ(0, stat(home.c_str(), &s));
    EXPECT_EQ(0700u, s.st_mode & 0777);

    const std::string gpgConf = Files::ReadAll(home + "/gpg.conf", 100000);
    EXPECT_NE(std::string::npos, gpgConf.find("\ncompress-level 3\n"));
    EXPECT_NE(std::string::npos, gpgConf.find("personal-compress-preferences ZLIB"));

    const std::string agentConf = Files::ReadAll(home + "/gpg-agent.conf", 100000);
    EXPECT_NE(std::string::npos, agentConf.find("allow-loopback-pinentry"));
    EXPECT_NE(std::string::npos, agentConf.find("default-cache-ttl 0"));
    EXPECT_NE(std::string::npos, agentConf.find("max-cache-ttl 0"));

    EXPECT_EQ(0u, h.GetAgentSocketPath().find("/"));
  }

  // The default level is 1 (fast zlib).
  GnupgHome again(path);
  EXPECT_NE(std::string::npos, Files::ReadAll(home + "/gpg.conf", 100000).find("\ncompress-level 1\n"));
}

TEST(CryptoHome, RefusesPathsTooLongForAgentSockets)
{
  TemporaryGnupgHome parent;
  std::string ok = parent.GetPath() + "/";
  ok += std::string(GnupgHome::kMaxPathLength - ok.size(), 'a');
  ASSERT_EQ(86u, ok.size());
  EXPECT_NO_THROW(GnupgHome h(ok));

  std::string message;
  EXPECT_EQ(ErrorKind::Configuration, KindOf([&] { GnupgHome h(ok + "b"); }, &message));
  EXPECT_NE(std::string::npos, message.find("gpg-agent")) << message;
  EXPECT_NE(std::string::npos, message.find("87 characters")) << message;
  EXPECT_FALSE(Files::Exists(ok + "b"));

  GnupgHome::Options bad;
  bad.compressLevel = 10;
  EXPECT_EQ(ErrorKind::Configuration, KindOf([&] { GnupgHome h(parent.GetPath() + "/z", bad); }));
}

TEST(CryptoHome, TemporaryHomeIsRemoved)
{
  std::string path;
  {
    TemporaryGnupgHome home;
    path = home.GetPath();
    EXPECT_EQ(0u, path.find("/tmp/dmk-"));
    EXPECT_TRUE(Files::Exists(path + "/gpg.conf"));
  }
  EXPECT_FALSE(Files::Exists(path));
}

TEST(CryptoPackets, ClassifiesKeyBlocks)
{
  // Hand-made packets: a v4 Ed25519 public key (tag 6) and secret keys (tag 5)
  // with S2K usage 0 (clear) and 254 (protected).
  const std::string oid = std::string("\x09\x2b\x06\x01\x04\x01\xda\x47\x0f\x01", 10);
  const std::string point = std::string("\x01\x07", 2) + std::string(33, '\x40');
  const std::string publicBody = std::string("\x04\x60\x00\x00\x00\x16", 6) + oid + point;

  auto packet = [](int tag, const std::string& body)
  {
    return std::string(1, static_cast<char>(0xc0 | tag)) + std::string(1, static_cast<char>(body.size())) + body;
  };
  const std::string publicKey = packet(6, publicBody);
  const std::string clearSecret = packet(5, publicBody + std::string("\x00\x01\x02", 3));
  const std::string protectedSecret = packet(5, publicBody + std::string("\xfe\x09\x03", 3));
  // Old-format header of a secret subkey (tag 7, one-octet length).
  const std::string oldSubkey = std::string(1, static_cast<char>(0x80 | (7 << 2))) +
    std::string(1, static_cast<char>(publicBody.size() + 1)) + publicBody + std::string("\xff", 1);

  EXPECT_FALSE(OpenPgpPackets::ContainsSecretKey(publicKey));
  EXPECT_TRUE(OpenPgpPackets::ContainsSecretKey(publicKey + clearSecret));
  EXPECT_TRUE(OpenPgpPackets::ContainsSecretKey(publicKey + oldSubkey));
  EXPECT_FALSE(OpenPgpPackets::AreSecretKeysProtected(publicKey));
  EXPECT_FALSE(OpenPgpPackets::AreSecretKeysProtected(clearSecret));
  EXPECT_TRUE(OpenPgpPackets::AreSecretKeysProtected(protectedSecret));
  EXPECT_TRUE(OpenPgpPackets::AreSecretKeysProtected(protectedSecret + oldSubkey));
  EXPECT_FALSE(OpenPgpPackets::AreSecretKeysProtected(protectedSecret + clearSecret));

  EXPECT_FALSE(OpenPgpPackets::ContainsSecretKey("hello world"));
  EXPECT_TRUE(OpenPgpPackets::ContainsSecretKey("-----BEGIN PGP PRIVATE KEY BLOCK-----\n"));
  EXPECT_EQ("", OpenPgpPackets::ToBinary("plain text"));
}
