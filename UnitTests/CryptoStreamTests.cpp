// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"
#include "UnitTests/TestSupport.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

using namespace DicomMail;
using TestSupport::TestSite;

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

  // Two sites that know and certified each other, plus a stranger whose key
  // site B has imported but not certified, and one it has never seen.
  class CryptoStream : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      sites_.emplace_back(new TestSite("Site A <a@example.test>"));
      sites_.emplace_back(new TestSite("Site B <b@example.test>"));
      sites_.emplace_back(new TestSite("Stranger <x@example.test>"));
      TestSite& a = *sites_[0];
      TestSite& b = *sites_[1];
      TestSite& x = *sites_[2];
      a.IntroduceTo(b, true);
      b.IntroduceTo(a, true);
      b.IntroduceTo(x, true);

      homeA_ = a.home.get();
      homeB_ = b.home.get();
      a_ = a.crypto.get();
      b_ = b.crypto.get();
      x_ = x.crypto.get();
      siteA_ = a.fingerprint;
      siteB_ = b.fingerprint;
      stranger_ = x.fingerprint;
    }

    void TearDown() override
    {
      sites_.clear();
    }

    std::string Encrypt(OpenPgpContext& from, const std::string& signer, const std::string& recipient,
                        const std::string& text, bool compress = true)
    {
      StringSource plain(text);
      StringSink cipher;
      EncryptDetails details = from.EncryptAndSign(plain, cipher, { recipient }, signer, compress, false,
                                                   "study.tar");
      EXPECT_EQ("SHA256", details.hashAlgorithm);
      EXPECT_EQ("AES256", details.cipherAlgorithm);
      EXPECT_EQ(signer, details.signerFingerprint);
      return cipher.GetContent();
    }

    VerifyResult Decrypt(OpenPgpContext& to, const std::string& cipher, std::string& plain)
    {
      StringSource in(cipher);
      StringSink out;
      VerifyResult result = to.DecryptAndVerify(in, out);
      plain = out.GetContent();
      return result;
    }

    std::vector<std::unique_ptr<TestSite> > sites_;
    TemporaryGnupgHome* homeA_ = nullptr;
    TemporaryGnupgHome* homeB_ = nullptr;
    OpenPgpContext* a_ = nullptr;
    OpenPgpContext* b_ = nullptr;
    OpenPgpContext* x_ = nullptr;
    std::string siteA_, siteB_, stranger_;
  };
}

TEST_F(CryptoStream, CertifiedSignerIsValid)
{
  const std::string text = "DICM payload\0with zero bytes" + std::string(100000, 'x');
  const std::string cipher = Encrypt(*a_, siteA_, siteB_, text);
  EXPECT_EQ(std::string::npos, cipher.find("DICM payload"));
  EXPECT_NE(0, static_cast<unsigned char>(cipher[0]) & 0x80);   // binary, not armored

  std::string plain;
  VerifyResult result = Decrypt(*b_, cipher, plain);
  EXPECT_EQ(text, plain);
  EXPECT_TRUE(result.decrypted);
  EXPECT_EQ("study.tar", result.fileName);
  EXPECT_EQ(0u, result.cipherAlgorithm.find("AES256"));
  EXPECT_FALSE(result.wrongKeyUsage);
  ASSERT_EQ(1u, result.signatures.size());
  const SignatureCheck& s = result.signatures[0];
  EXPECT_EQ(siteA_, s.fingerprint);
  EXPECT_EQ(siteA_, s.keyFingerprint);
  EXPECT_TRUE(s.valid);
  EXPECT_TRUE(s.good);
  EXPECT_FALSE(s.keyMissing);
  EXPECT_EQ("SHA256", s.hashAlgorithm);
  EXPECT_TRUE(Contains(s.DescribeSummary(), "valid")) << s.DescribeSummary();
  EXPECT_TRUE(result.HasValidSignatureBy(siteA_));
  EXPECT_FALSE(result.HasValidSignatureBy(siteB_));

  // Site A cannot read what it sent unless it encrypts to itself as well.
  std::string ignored;
  EXPECT_EQ(ErrorKind::Crypto, CatchError([&] { Decrypt(*a_, cipher, ignored); }).GetKind());
  StringSource plain2("to both");
  StringSink both;
  a_->EncryptAndSign(plain2, both, { siteB_ }, siteA_, true, true);
  Decrypt(*a_, both.GetContent(), ignored);
  EXPECT_EQ("to both", ignored);
}

TEST_F(CryptoStream, UnknownSignerIsKeyMissing)
{
  const std::string cipher = Encrypt(*x_, stranger_, siteB_, "from a stranger");
  b_->DeleteKey(siteA_, false);   // irrelevant key, to show nothing else matters

  std::string plain;
  VerifyResult result = Decrypt(*b_, cipher, plain);   // does not throw
  EXPECT_EQ("from a stranger", plain);
  ASSERT_EQ(1u, result.signatures.size());
  EXPECT_TRUE(result.signatures[0].keyMissing);
  EXPECT_FALSE(result.signatures[0].valid);
  EXPECT_EQ(stranger_, result.signatures[0].fingerprint);
  EXPECT_EQ("", result.signatures[0].keyFingerprint);
  EXPECT_FALSE(result.HasValidSignatureBy(stranger_));
}

TEST_F(CryptoStream, UncertifiedSignerIsNotValid)
{
  b_->ImportKeys(x_->ExportPublicKey(stranger_, true));
  const std::string cipher = Encrypt(*x_, stranger_, siteB_, "from a stranger");

  std::string plain;
  VerifyResult result = Decrypt(*b_, cipher, plain);
  ASSERT_EQ(1u, result.signatures.size());
  EXPECT_FALSE(result.signatures[0].keyMissing);
  EXPECT_TRUE(result.signatures[0].good);    // mathematically fine ...
  EXPECT_FALSE(result.signatures[0].valid);  // ... but by a key the site never certified
  EXPECT_EQ(stranger_, result.signatures[0].keyFingerprint);
  EXPECT_FALSE(result.HasValidSignatureBy(stranger_));

  b_->CertifyKey(stranger_, siteB_);
  EXPECT_TRUE(Decrypt(*b_, cipher, plain).HasValidSignatureBy(stranger_));
}

TEST_F(CryptoStream, TamperedCiphertextIsRefused)
{
  const std::string cipher = Encrypt(*a_, siteA_, siteB_, std::string(50000, 'p'), false);
  int refused = 0;
  // Flip one byte near the start, in the middle and near the end.
  for (size_t pos : { cipher.size() / 3, cipher.size() / 2, cipher.size() - 30 })
  {
    std::string tampered = cipher;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    std::string plain;
    Error e = CatchError([&] { Decrypt(*b_, tampered, plain); });
    EXPECT_EQ(ErrorKind::Crypto, e.GetKind()) << e.what();
    EXPECT_TRUE(Contains(e.what(), "cannot decrypt")) << e.what();
    refused++;
  }
  EXPECT_EQ(3, refused);

  std::string plain;
  Error garbage = CatchError([&] { Decrypt(*b_, "not OpenPGP at all", plain); });
  EXPECT_EQ(ErrorKind::Crypto, garbage.GetKind());
}

TEST_F(CryptoStream, MessageForAnotherKeyIsRefused)
{
  // A's message to B, given to the stranger.
  const std::string cipher = Encrypt(*a_, siteA_, siteB_, "for B only");
  std::string plain;
  Error e = CatchError([&] { Decrypt(*x_, cipher, plain); });
  EXPECT_EQ(ErrorKind::Crypto, e.GetKind());
  EXPECT_TRUE(Contains(e.what(), "no secret key")) << e.what();
  EXPECT_TRUE(plain.empty());
}

TEST_F(CryptoStream, UnsignedMessageHasNoSignatures)
{
  StringSource plain("unsigned");
  StringSink cipher;
  ASSERT_EQ(0, system(("printf unsigned | gpg --homedir " + homeA_->GetPath() +
                       " --batch --quiet --trust-model always -r " + siteB_ +
                       " --encrypt -o " + homeA_->GetPath() + "/u.gpg 2>/dev/null").c_str()));
  const std::string cipherText = Files::ReadAll(homeA_->GetPath() + "/u.gpg", 1000000);

  std::string out;
  VerifyResult result = Decrypt(*b_, cipherText, out);
  EXPECT_EQ("unsigned", out);
  EXPECT_TRUE(result.decrypted);
  EXPECT_TRUE(result.signatures.empty());
  EXPECT_FALSE(result.HasValidSignatureBy(siteA_));
}

TEST_F(CryptoStream, DetachedSignatureForMultipartSigned)
{
  const std::string body = "Content-Type: message/disposition-notification\r\n\r\nReporting-UA: test\r\n";
  StringSource data(body);
  StringSink signature;
  SignDetails details = a_->Sign(data, signature, siteA_);
  EXPECT_EQ("pgp-sha256", details.micalg);
  EXPECT_EQ(0u, signature.GetContent().find("-----BEGIN PGP SIGNATURE-----"));

  StringSource check(body);
  VerifyResult good = b_->Verify(signature.GetContent(), check);
  ASSERT_EQ(1u, good.signatures.size());
  EXPECT_TRUE(good.HasValidSignatureBy(siteA_));
  EXPECT_FALSE(good.decrypted);

  StringSource altered(body + "X");
  VerifyResult bad = b_->Verify(signature.GetContent(), altered);
  ASSERT_EQ(1u, bad.signatures.size());
  EXPECT_FALSE(bad.signatures[0].valid);
  EXPECT_FALSE(bad.signatures[0].good);
  EXPECT_TRUE(Contains(bad.signatures[0].statusText, "Bad signature")) << bad.signatures[0].statusText;

  StringSource again(body);
  EXPECT_EQ(ErrorKind::Crypto, CatchError([&] { b_->Verify("no signature here", again); }).GetKind());

  // The stranger does not know A: key missing, no exception.
  StringSource third(body);
  VerifyResult unknown = x_->Verify(signature.GetContent(), third);
  ASSERT_EQ(1u, unknown.signatures.size());
  EXPECT_TRUE(unknown.signatures[0].keyMissing);
}

TEST_F(CryptoStream, StreamErrorsPropagate)
{
  class FailingSink : public ByteSink
  {
  public:
    using ByteSink::Write;
    void Write(const void*, size_t) override
    {
      throw Error(ErrorKind::Storage, "disk full (test)");
    }
  };

  StringSource plain(std::string(1000000, 'a'));
  FailingSink sink;
  Error e = CatchError([&] { a_->EncryptAndSign(plain, sink, { siteB_ }, siteA_, false, false); });
  EXPECT_EQ(ErrorKind::Storage, e.GetKind());
  EXPECT_STREQ("disk full (test)", e.what());
}

TEST_F(CryptoStream, ParallelContextsOnOneHome)
{
  // One context per thread, all on the same homes (and agents).
  const int kThreads = 3;
  std::vector<int> ok(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
  {
    threads.emplace_back([&, t]
    {
      try
      {
        OpenPgpContext sender(homeA_->GetHome());
        OpenPgpContext receiver(homeB_->GetHome());
        for (int round = 0; round < 2; round++)
        {
          const std::string text = "thread " + std::to_string(t) + " round " + std::to_string(round) +
            std::string(200000, static_cast<char>('a' + t));
          StringSource plain(text);
          StringSink cipher;
          sender.EncryptAndSign(plain, cipher, { siteB_ }, siteA_, true, false);
          StringSource in(cipher.GetContent());
          StringSink out;
          VerifyResult r = receiver.DecryptAndVerify(in, out);
          if (out.GetContent() == text && r.HasValidSignatureBy(siteA_))
          {
            ok[t]++;
          }
        }
      }
      catch (const std::exception& e)
      {
        errors[t] = e.what();
      }
    });
  }
  for (std::thread& t : threads)
  {
    t.join();
  }
  for (int t = 0; t < kThreads; t++)
  {
    EXPECT_EQ(2, ok[t]) << errors[t];
  }
}

namespace
{
  // CT-like 16-bit samples: smooth structure plus noise, compressing to
  // roughly half, generated on the fly so nothing big sits in memory.
  class SyntheticSource : public ByteSource
  {
  public:
    explicit SyntheticSource(uint64_t size) :
      remaining_(size)
    {
    }

    size_t Read(void* buffer, size_t size) override
    {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(size & ~static_cast<size_t>(1), remaining_));
      uint8_t* out = static_cast<uint8_t*>(buffer);
      for (size_t i = 0; i + 1 < n; i += 2)
      {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        const int noise = static_cast<int>((state_ >> 59) & 0x0f) - 8;
        const int x = static_cast<int>(counter_ & 511);
        const int base = (x > 100 && x < 400) ? 1040 : 24;
        const uint16_t value = static_cast<uint16_t>(base + noise);
        out[i] = static_cast<uint8_t>(value & 0xff);
        out[i + 1] = static_cast<uint8_t>(value >> 8);
        counter_++;
      }
      remaining_ -= n;
      return n;
    }

  private:
    uint64_t remaining_;
    uint64_t state_ = 42;
    uint64_t counter_ = 0;
  };

  long ReadVmHwmKb()
  {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
    {
      if (line.compare(0, 6, "VmHWM:") == 0)
      {
        return atol(line.c_str() + 6);
      }
    }
    return -1;
  }

  double Seconds(std::chrono::steady_clock::time_point since)
  {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  }
}

TEST_F(CryptoStream, ThroughputAndBoundedMemory)
{
  const uint64_t kBig = 300ull * 1000 * 1000;
  const uint64_t kCompressed = 100ull * 1000 * 1000;

  const long hwmBefore = ReadVmHwmKb();
  ASSERT_GT(hwmBefore, 0);

  // 300 MB, binary, no compression, through callbacks.
  {
    SyntheticSource source(kBig);
    CountingSink sink;
    const auto start = std::chrono::steady_clock::now();
    a_->EncryptAndSign(source, sink, { siteB_ }, siteA_, false, false);
    const double s = Seconds(start);
    EXPECT_GT(sink.GetCount(), kBig);
    std::cout << "sign+encrypt binary, no compression: " << kBig / 1e6 << " MB in " << s << " s = "
              << kBig / 1e6 / s << " MB/s, output " << sink.GetCount() / 1e6 << " MB\n";
  }

  const long hwmAfter = ReadVmHwmKb();
  std::cout << "VmHWM before " << hwmBefore / 1024 << " MB, after " << hwmAfter / 1024 << " MB\n";
  EXPECT_LT(hwmAfter - hwmBefore, 50 * 1024) << "memory grew with the message size";

  // 100 MB, zlib level 1 (the home's default), to a file, then decrypted.
  TempFile encrypted(homeA_->GetPath());
  {
    SyntheticSource source(kCompressed);
    FileSink file(encrypted.GetPath());
    const auto start = std::chrono::steady_clock::now();
    a_->EncryptAndSign(source, file, { siteB_ }, siteA_, true, false);
    file.Close();
    const double s = Seconds(start);
    const uint64_t size = Files::GetSize(encrypted.GetPath());
    std::cout << "sign+encrypt binary, zlib level 1: " << kCompressed / 1e6 << " MB in " << s << " s = "
              << kCompressed / 1e6 / s << " MB/s, output " << size / 1e6 << " MB (ratio "
              << static_cast<double>(size) / kCompressed << ")\n";
    EXPECT_LT(size, kCompressed * 3 / 4);   // compression did happen
  }
  {
    FileSource file(encrypted.GetPath());
    CountingSink sink;
    const auto start = std::chrono::steady_clock::now();
    VerifyResult result = b_->DecryptAndVerify(file, sink);
    const double s = Seconds(start);
    EXPECT_EQ(kCompressed, sink.GetCount());
    EXPECT_TRUE(result.HasValidSignatureBy(siteA_));
    std::cout << "decrypt+verify of it: " << kCompressed / 1e6 / s << " MB/s of plaintext\n";
  }
  EXPECT_LT(ReadVmHwmKb() - hwmBefore, 50 * 1024);
}
