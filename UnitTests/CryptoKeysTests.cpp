// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/OpenPgpPackets.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <set>
#include <sys/wait.h>

using namespace DicomMail;

namespace
{
  Error CatchError(const std::function<void()>& action)
  {
    try
    {
      action();
    }
    catch (const Error& e)
    {
      return e;
    }
    ADD_FAILURE() << "no DicomMail::Error thrown";
    return Error(ErrorKind::Internal, "");
  }

  bool Contains(const std::string& text, const std::string& part)
  {
    return text.find(part) != std::string::npos;
  }

  // Runs the stock gpg CLI on a home; returns its exit code, stdout in "output".
  int RunGpg(const std::string& home, const std::string& arguments, std::string* output = nullptr)
  {
    const std::string command = "gpg --homedir " + home + " --batch --yes --no-tty --pinentry-mode loopback " +
      arguments + " 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
    {
      return -1;
    }
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    {
      text.append(buffer, n);
    }
    const int status = pclose(pipe);
    if (output != nullptr)
    {
      *output = text;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // Live (non-zombie) gpg-agent processes whose command line contains "part".
  std::set<int> FindAgents(const std::string& part)
  {
    std::set<int> pids;
    DIR* proc = opendir("/proc");
    if (proc == nullptr)
    {
      return pids;
    }
    while (struct dirent* entry = readdir(proc))
    {
      const int pid = atoi(entry->d_name);
      if (pid <= 0)
      {
        continue;
      }
      const std::string base = std::string("/proc/") + entry->d_name;
      std::ifstream cmdline(base + "/cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      for (char& c : args)
      {
        c = (c == '\0') ? ' ' : c;
      }
      std::ifstream stat(base + "/stat");
      std::string statLine;
      std::getline(stat, statLine);
      const size_t close = statLine.rfind(')');
      const bool zombie = close != std::string::npos && close + 2 < statLine.size() && statLine[close + 2] == 'Z';
      if (!zombie && args.find("gpg-agent") != std::string::npos && args.find(part) != std::string::npos)
      {
        pids.insert(pid);
      }
    }
    closedir(proc);
    return pids;
  }

  std::string FixedPassphrase(const std::string& passphrase)
  {
    return passphrase;
  }
}

TEST(CryptoKeys, GeneratesEd25519AndRsaKeys)
{
  TemporaryGnupgHome home;
  OpenPgpContext gpg(home.GetHome());

  const std::string ed = gpg.GenerateSiteKey("Site A <site-a@example.test>", "ed25519");
  const std::string rsa = gpg.GenerateSiteKey("Site R <site-r@example.test>", "rsa3072");
  EXPECT_TRUE(Fingerprint::IsValidFingerprint(ed));
  EXPECT_EQ(Fingerprint::Normalize(ed), ed);

  const KeyInfo a = gpg.GetKey(ed);
  EXPECT_EQ(ed, a.fingerprint);
  ASSERT_EQ(2u, a.algorithms.size());
  EXPECT_EQ("ed25519", a.algorithms[0]);
  EXPECT_EQ("cv25519", a.algorithms[1]);
  ASSERT_EQ(1u, a.userIds.size());
  EXPECT_EQ("Site A", a.userIds[0].name);
  EXPECT_EQ("site-a@example.test", a.userIds[0].email);
  EXPECT_TRUE(a.canSign);
  EXPECT_TRUE(a.canEncrypt);
  EXPECT_TRUE(a.canCertify);
  EXPECT_TRUE(a.hasSecret);
  EXPECT_EQ(0, a.expires);
  EXPECT_GT(a.created, 0);
  EXPECT_FALSE(a.expired || a.revoked || a.disabled || a.invalid);
  EXPECT_EQ(KeyValidity::Ultimate, a.validity);   // own keys are trusted ultimately

  const KeyInfo r = gpg.GetKey(Fingerprint::GroupInFours(rsa));
  ASSERT_EQ(2u, r.algorithms.size());
  EXPECT_EQ("rsa3072", r.algorithms[0]);
  EXPECT_EQ("rsa3072", r.algorithms[1]);
  EXPECT_TRUE(r.canEncrypt && r.canSign && r.hasSecret);

  const std::vector<KeyInfo> secret = gpg.ListKeys(true);
  EXPECT_EQ(2u, secret.size());
  EXPECT_EQ(2u, gpg.ListKeys(false).size());

  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { gpg.GenerateSiteKey("X <x@example.test>", "dsa1024"); }).GetKind());
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { gpg.GenerateSiteKey("X\n<x@example.test>", "ed25519"); }).GetKind());
  EXPECT_EQ(ErrorKind::NotFound, CatchError([&] { gpg.GetKey(std::string(40, 'A')); }).GetKind());
  EXPECT_FALSE(gpg.HasKey(std::string(40, 'A')));
  EXPECT_TRUE(gpg.HasKey(ed));
}

TEST(CryptoKeys, ExportImportRoundTripAndCertification)
{
  TemporaryGnupgHome homeA;
  TemporaryGnupgHome homeB;
  OpenPgpContext a(homeA.GetHome());
  OpenPgpContext b(homeB.GetHome());
  const std::string siteA = a.GenerateSiteKey("Site A <a@example.test>", "ed25519");
  const std::string siteB = b.GenerateSiteKey("Site B <b@example.test>", "ed25519");

  const std::string armored = a.ExportPublicKey(siteA, true);
  EXPECT_EQ(0u, armored.find("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  EXPECT_FALSE(OpenPgpPackets::ContainsSecretKey(armored));
  const std::string binary = a.ExportPublicKey(siteA, false);
  EXPECT_NE(0, static_cast<unsigned char>(binary[0]) & 0x80);

  ImportResult imported = b.ImportKeys(armored, OpenPgpContext::ImportPolicy::PublicOnly, "the posted key");
  EXPECT_EQ(1, imported.considered);
  EXPECT_EQ(1, imported.imported);
  EXPECT_EQ(0, imported.secretKeysRead);
  ASSERT_EQ(1u, imported.fingerprints.size());
  EXPECT_EQ(siteA, imported.fingerprints[0]);

  ImportResult again = b.ImportKeys(binary);
  EXPECT_EQ(1, again.unchanged);
  EXPECT_EQ(0, again.imported);

  KeyInfo before = b.GetKey(siteA);
  EXPECT_FALSE(before.hasSecret);
  EXPECT_FALSE(before.CertifiedBy(siteB));
  EXPECT_LT(before.validity, KeyValidity::Full);

  b.CertifyKey(siteA, siteB, false);
  KeyInfo after = b.GetKey(siteA);
  EXPECT_TRUE(after.CertifiedBy(siteB));
  EXPECT_FALSE(after.CertifiedBy(siteA));   // self-signatures do not count
  EXPECT_EQ(KeyValidity::Full, after.validity);
  b.CertifyKey(siteA, siteB, false);   // idempotent

  // The local certification does not travel with an export.
  const std::string reexported = b.ExportPublicKey(siteA, true);
  TemporaryGnupgHome homeC;
  OpenPgpContext c(homeC.GetHome());
  c.ImportKeys(reexported);
  EXPECT_FALSE(c.GetKey(siteA).CertifiedBy(siteB));

  // Deleting: a key with a secret part needs allowSecret.
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { b.DeleteKey(siteB, false); }).GetKind());
  b.DeleteKey(siteA, false);
  EXPECT_FALSE(b.HasKey(siteA));
  EXPECT_EQ(ErrorKind::NotFound, CatchError([&] { b.ExportPublicKey(siteA, true); }).GetKind());
}

// Key listings are cached per context (each one forks gpg); a change made
// through another context or by the gpg command must still be seen at once.
TEST(CryptoKeys, CachedKeyListingsFollowChangesMadeElsewhere)
{
  TemporaryGnupgHome homeA;
  TemporaryGnupgHome homeB;
  OpenPgpContext a(homeA.GetHome());
  OpenPgpContext reader(homeB.GetHome());
  OpenPgpContext writer(homeB.GetHome());
  const std::string siteA = a.GenerateSiteKey("Site A <a@example.test>", "ed25519");
  const std::string siteB = writer.GenerateSiteKey("Site B <b@example.test>", "ed25519");
  writer.ImportKeys(a.ExportPublicKey(siteA, true));

  EXPECT_FALSE(reader.GetKey(siteA).CertifiedBy(siteB));
  EXPECT_FALSE(reader.GetKey(siteA).CertifiedBy(siteB));   // now from the cache

  writer.CertifyKey(siteA, siteB, false);
  EXPECT_TRUE(reader.GetKey(siteA).CertifiedBy(siteB));

  ASSERT_EQ(0, RunGpg(homeB.GetHome().GetPath(), "--delete-keys " + siteA));
  EXPECT_FALSE(reader.HasKey(siteA));
  EXPECT_EQ(ErrorKind::NotFound, CatchError([&] { reader.GetKey(siteA); }).GetKind());
}

TEST(CryptoKeys, RefusesGarbageAndSecretKeysOnThePublicPath)
{
  TemporaryGnupgHome homeA;
  TemporaryGnupgHome homeB;
  OpenPgpContext a(homeA.GetHome());
  OpenPgpContext b(homeB.GetHome());
  const std::string protectedKey = a.GenerateSiteKey("P <p@example.test>", "ed25519", "correct horse");
  a.SetPassphraseProvider(std::bind(FixedPassphrase, "correct horse"));
  const std::string secret = a.ExportSecretKey(protectedKey, "correct horse");
  EXPECT_EQ(0u, secret.find("-----BEGIN PGP PRIVATE KEY BLOCK-----"));

  Error garbage = CatchError([&] { b.ImportKeys("this is not a key", OpenPgpContext::ImportPolicy::PublicOnly,
                                                "the posted key"); });
  EXPECT_EQ(ErrorKind::BadInput, garbage.GetKind());
  EXPECT_TRUE(Contains(garbage.what(), "no OpenPGP key found in the posted key")) << garbage.what();
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { b.ImportKeys(""); }).GetKind());

  Error refused = CatchError([&] { b.ImportKeys(secret); });
  EXPECT_EQ(ErrorKind::BadInput, refused.GetKind());
  EXPECT_TRUE(Contains(refused.what(), "a secret key was posted")) << refused.what();

  // The same key relabelled as a public block and in binary form is caught
  // by the packet scan, too.
  std::string relabelled = secret;
  for (const char* marker : { "-----BEGIN PGP ", "-----END PGP " })
  {
    const size_t pos = relabelled.find(std::string(marker) + "PRIVATE KEY BLOCK");
    ASSERT_NE(std::string::npos, pos);
    relabelled.replace(pos + strlen(marker), 7, "PUBLIC");
  }
  EXPECT_FALSE(Contains(relabelled, "PRIVATE"));
  EXPECT_TRUE(OpenPgpPackets::ContainsSecretKey(relabelled));
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { b.ImportKeys(relabelled); }).GetKind());
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { b.ImportKeys(OpenPgpPackets::ToBinary(secret)); }).GetKind());

  EXPECT_TRUE(b.ListKeys(false).empty());
  EXPECT_TRUE(b.ListKeys(true).empty());

  // Where secrets are allowed, the exported key imports.
  ImportResult withSecret = b.ImportKeys(secret, OpenPgpContext::ImportPolicy::AllowSecret);
  EXPECT_EQ(1, withSecret.secretKeysRead);
  EXPECT_TRUE(b.GetKey(protectedKey).hasSecret);
}

TEST(CryptoKeys, EncryptionToUncertifiedKeyFailsClearly)
{
  TemporaryGnupgHome homeA;
  TemporaryGnupgHome homeB;
  OpenPgpContext a(homeA.GetHome());
  OpenPgpContext b(homeB.GetHome());
  const std::string siteA = a.GenerateSiteKey("Site A <a@example.test>", "ed25519");
  const std::string siteB = b.GenerateSiteKey("Site B <b@example.test>", "ed25519");
  a.ImportKeys(b.ExportPublicKey(siteB, true));

  StringSource plain("hello");
  StringSink cipher;
  Error e = CatchError([&] { a.EncryptAndSign(plain, cipher, { siteB }, siteA, false, false); });
  EXPECT_EQ(ErrorKind::Untrusted, e.GetKind()) << e.what();
  EXPECT_TRUE(Contains(e.what(), Fingerprint::GroupInFours(siteB))) << e.what();
  EXPECT_TRUE(Contains(e.what(), "not trusted")) << e.what();

  a.CertifyKey(siteB, siteA, false);
  StringSource plain2("hello");
  EXPECT_NO_THROW(a.EncryptAndSign(plain2, cipher, { siteB }, siteA, false, false));
  EXPECT_FALSE(cipher.GetContent().empty());

  // Unknown recipient: NotFound naming it.
  StringSource plain3("hello");
  Error unknown = CatchError([&] { a.EncryptAndSign(plain3, cipher, { std::string(40, 'B') }, siteA, false, false); });
  EXPECT_EQ(ErrorKind::NotFound, unknown.GetKind());
  EXPECT_TRUE(Contains(unknown.what(), "BBBB BBBB")) << unknown.what();
}

TEST(CryptoKeys, PassphraseProtectedKey)
{
  TemporaryGnupgHome home;
  OpenPgpContext gpg(home.GetHome());
  const std::string fpr = gpg.GenerateSiteKey("Protected <p@example.test>", "ed25519", "right one");

  std::string lastHint;
  int asked = 0;
  std::string answer = "wrong one";
  gpg.SetPassphraseProvider([&](const std::string& hint)
  {
    asked++;
    lastHint = hint;
    return answer;
  });

  StringSource data1("signed text\r\n");
  StringSink signature1;
  Error wrong = CatchError([&] { gpg.Sign(data1, signature1, fpr, true, true); });
  EXPECT_EQ(ErrorKind::Crypto, wrong.GetKind());
  EXPECT_TRUE(Contains(wrong.what(), "wrong passphrase")) << wrong.what();
  EXPECT_TRUE(Contains(wrong.what(), Fingerprint::ToKeyId(fpr))) << wrong.what();
  EXPECT_GE(asked, 1);
  EXPECT_TRUE(Contains(lastHint, Fingerprint::ToKeyId(fpr))) << lastHint;

  // Right passphrase works; then wrong fails again (the agent caches nothing).
  answer = "right one";
  StringSource data2("signed text\r\n");
  StringSink signature2;
  SignDetails details = gpg.Sign(data2, signature2, fpr, true, true);
  EXPECT_EQ("pgp-sha256", details.micalg);
  EXPECT_EQ(0u, signature2.GetContent().find("-----BEGIN PGP SIGNATURE-----"));

  answer = "wrong one";
  StringSource data3("signed text\r\n");
  StringSink signature3;
  EXPECT_TRUE(Contains(CatchError([&] { gpg.Sign(data3, signature3, fpr, true, true); }).what(),
                       "wrong passphrase"));

  answer = "";
  StringSource data4("signed text\r\n");
  Error none = CatchError([&] { gpg.Sign(data4, signature3, fpr, true, true); });
  EXPECT_EQ(ErrorKind::Crypto, none.GetKind());
  EXPECT_TRUE(Contains(none.what(), "no passphrase")) << none.what();

  // Exporting the secret key needs its passphrase.
  EXPECT_EQ(ErrorKind::Crypto, CatchError([&] { gpg.ExportSecretKey(fpr, "nope"); }).GetKind());
  EXPECT_TRUE(OpenPgpPackets::AreSecretKeysProtected(gpg.ExportSecretKey(fpr, "right one")));

  // An unprotected key is never exported in clear.
  const std::string clear = gpg.GenerateSiteKey("Clear <c@example.test>", "ed25519");
  Error unprotected = CatchError([&] { gpg.ExportSecretKey(clear, "anything"); });
  EXPECT_EQ(ErrorKind::Crypto, unprotected.GetKind());
  EXPECT_TRUE(Contains(unprotected.what(), "not protected")) << unprotected.what();
}

TEST(CryptoKeys, EncryptAndSignWithAProtectedSiteKey)
{
  // The mail path signs in a gpg process of its own (GpgSignEncrypt) and
  // answers the passphrase question itself.
  TemporaryGnupgHome home;
  OpenPgpContext gpg(home.GetHome());
  const std::string site = gpg.GenerateSiteKey("Protected <p@example.test>", "ed25519", "right one");
  const std::string partner = gpg.GenerateSiteKey("Partner <q@example.test>", "ed25519");

  std::string answer = "wrong one";
  std::string lastHint;
  gpg.SetPassphraseProvider([&](const std::string& hint)
  {
    lastHint = hint;
    return answer;
  });
  auto encrypt = [&]
  {
    StringSource plain(std::string(300000, 'p'));
    StringSink cipher;
    gpg.EncryptAndSign(plain, cipher, { partner }, site, true, false);
    return cipher.GetContent();
  };

  Error wrong = CatchError([&] { encrypt(); });
  EXPECT_EQ(ErrorKind::Crypto, wrong.GetKind());
  EXPECT_TRUE(Contains(wrong.what(), "wrong passphrase for the key " + Fingerprint::ToKeyId(site))) << wrong.what();
  EXPECT_TRUE(Contains(lastHint, Fingerprint::ToKeyId(site))) << lastHint;

  answer = "";
  Error none = CatchError([&] { encrypt(); });
  EXPECT_EQ(ErrorKind::Crypto, none.GetKind());
  EXPECT_TRUE(Contains(none.what(), "no passphrase is available")) << none.what();

  answer = "right one";
  const std::string cipher = encrypt();
  StringSource in(cipher);
  StringSink out;
  VerifyResult result = gpg.DecryptAndVerify(in, out);
  EXPECT_EQ(std::string(300000, 'p'), out.GetContent());
  ASSERT_EQ(1u, result.signatures.size());
  EXPECT_TRUE(result.signatures[0].good);
}

TEST(CryptoKeys, InteroperatesWithTheGpgCommandLine)
{
  TemporaryGnupgHome site;
  TemporaryGnupgHome cli;
  OpenPgpContext gpg(site.GetHome());
  const std::string siteFpr = gpg.GenerateSiteKey("Site <site@example.test>", "ed25519");

  // A key made by the stock gpg (default algorithm, unprotected).
  ASSERT_EQ(0, RunGpg(cli.GetPath(), "--passphrase '' --quick-gen-key 'Cli User <cli@example.test>' default default never"));
  std::string colons;
  ASSERT_EQ(0, RunGpg(cli.GetPath(), "--with-colons --list-keys", &colons));
  const size_t fprLine = colons.find("\nfpr:");
  ASSERT_NE(std::string::npos, fprLine);
  const std::string cliFpr = colons.substr(colons.find_first_not_of(':', fprLine + 5), 40);
  ASSERT_TRUE(Fingerprint::IsValidFingerprint(cliFpr)) << cliFpr;

  std::string cliExport;
  ASSERT_EQ(0, RunGpg(cli.GetPath(), "--armor --export " + cliFpr, &cliExport));
  ImportResult imported = gpg.ImportKeys(cliExport);
  ASSERT_EQ(1u, imported.fingerprints.size());
  EXPECT_EQ(cliFpr, imported.fingerprints[0]);
  gpg.CertifyKey(cliFpr, siteFpr);
  EXPECT_EQ(KeyValidity::Full, gpg.GetKey(cliFpr).validity);

  // The wrapper's export imports into the CLI, which then decrypts what the
  // wrapper encrypted and signed.
  const std::string siteExport = site.GetPath() + "/site.asc";
  Files::WriteAll(siteExport, gpg.ExportPublicKey(siteFpr, true));
  ASSERT_EQ(0, RunGpg(cli.GetPath(), "--import " + siteExport));
  std::string listed;
  ASSERT_EQ(0, RunGpg(cli.GetPath(), "--with-colons --list-keys " + siteFpr, &listed));
  EXPECT_TRUE(Contains(listed, siteFpr));

  StringSource plain("interop payload");
  StringSink cipher;
  gpg.EncryptAndSign(plain, cipher, { cliFpr }, siteFpr, true, false);
  const std::string cipherFile = site.GetPath() + "/msg.gpg";
  Files::WriteAll(cipherFile, cipher.GetContent());
  std::string decrypted;
  EXPECT_EQ(0, RunGpg(cli.GetPath(), "--decrypt " + cipherFile, &decrypted));
  EXPECT_EQ("interop payload", decrypted);
}

TEST(CryptoKeys, IssuesKeyPairForPartner)
{
  TemporaryGnupgHome siteHome;
  TemporaryGnupgHome partnerHome;
  OpenPgpContext site(siteHome.GetHome());
  const std::string siteFpr = site.GenerateSiteKey("Site <site@example.test>", "ed25519");

  IssuedKeyPair pair = site.IssueKeyPair("Dr. Partner", "partner@example.test", "partner secret",
                                         "ed25519", siteFpr);
  EXPECT_TRUE(Fingerprint::IsValidFingerprint(pair.fingerprint));
  EXPECT_EQ(0u, pair.publicKeyArmored.find("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  EXPECT_EQ(0u, pair.secretKeyArmored.find("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
  EXPECT_TRUE(OpenPgpPackets::AreSecretKeysProtected(pair.secretKeyArmored));

  // The site keeps only the certified public part.
  KeyInfo kept = site.GetKey(pair.fingerprint);
  EXPECT_FALSE(kept.hasSecret);
  EXPECT_TRUE(kept.CertifiedBy(siteFpr));
  EXPECT_EQ(KeyValidity::Full, kept.validity);
  ASSERT_EQ(1u, kept.userIds.size());
  EXPECT_EQ("partner@example.test", kept.userIds[0].email);
  for (const KeyInfo& k : site.ListKeys(true))
  {
    EXPECT_NE(pair.fingerprint, k.fingerprint);
  }

  // The partner imports the secret key and uses it with the passphrase.
  OpenPgpContext partner(partnerHome.GetHome());
  partner.ImportKeys(pair.secretKeyArmored, OpenPgpContext::ImportPolicy::AllowSecret);
  EXPECT_TRUE(partner.GetKey(pair.fingerprint).hasSecret);
  partner.ImportKeys(site.ExportPublicKey(siteFpr, true));

  StringSource plain("from the site");
  StringSink cipher;
  site.EncryptAndSign(plain, cipher, { pair.fingerprint }, siteFpr, false, true);

  partner.SetPassphraseProvider([](const std::string&) { return std::string("not it"); });
  StringSource cipher1(cipher.GetContent());
  StringSink out1;
  Error wrong = CatchError([&] { partner.DecryptAndVerify(cipher1, out1); });
  EXPECT_TRUE(Contains(wrong.what(), "wrong passphrase")) << wrong.what();

  partner.SetPassphraseProvider([](const std::string&) { return std::string("partner secret"); });
  StringSource cipher2(cipher.GetContent());
  StringSink out2;
  VerifyResult result = partner.DecryptAndVerify(cipher2, out2);
  EXPECT_EQ("from the site", out2.GetContent());
  ASSERT_EQ(1u, result.signatures.size());
  EXPECT_EQ(siteFpr, result.signatures[0].fingerprint);

  // Invalid requests.
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { site.IssueKeyPair("A", "not-an-address", "x", "ed25519", siteFpr); }).GetKind());
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { site.IssueKeyPair("A", "a@example.test", "", "ed25519", siteFpr); }).GetKind());
  EXPECT_EQ(ErrorKind::BadInput, CatchError([&] { site.IssueKeyPair("A <x>", "a@example.test", "x", "ed25519", siteFpr); }).GetKind());
}

TEST(CryptoKeys, DeleteSecretKeyOnlyKeepsPublicPartAndCertification)
{
  TemporaryGnupgHome home;
  OpenPgpContext gpg(home.GetHome());
  const std::string siteFpr = gpg.GenerateSiteKey("Site <site@example.test>", "ed25519");
  const std::string other = gpg.GenerateSiteKey("Other <other@example.test>", "rsa3072");
  gpg.CertifyKey(other, siteFpr);   // ultimately trusted anyway: the signature is what we keep

  gpg.DeleteSecretKeyOnly(other);
  KeyInfo after = gpg.GetKey(other);
  EXPECT_FALSE(after.hasSecret);
  EXPECT_TRUE(after.CertifiedBy(siteFpr));
  EXPECT_TRUE(gpg.GetKey(siteFpr).hasSecret);
  EXPECT_EQ(ErrorKind::NotFound, CatchError([&] { gpg.DeleteSecretKeyOnly(other); }).GetKind());
}

TEST(CryptoKeys, NoAgentOutlivesItsHome)
{
  const size_t before = FindAgents("/tmp/dmk-").size();
  std::string path;
  {
    TemporaryGnupgHome home;
    path = home.GetPath();
    OpenPgpContext gpg(home.GetHome());
    gpg.GenerateSiteKey("Agent <agent@example.test>", "ed25519");
    EXPECT_EQ(1u, FindAgents(path).size()) << "gpg should have started one agent for " << path;

    home.GetHome().StopAgent();
    EXPECT_TRUE(FindAgents(path).empty());
    gpg.ListKeys(true);   // restarts it on demand
    EXPECT_EQ(1u, FindAgents(path).size());
  }
  EXPECT_TRUE(FindAgents(path).empty());
  EXPECT_LE(FindAgents("/tmp/dmk-").size(), before);
}
