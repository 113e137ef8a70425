// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared pieces of the Receiving* tests: real GnuPG homes for the sites
// involved, a fake trust policy and importer, and builders of hostile mails
// (arbitrary entities signed and encrypted with OpenPgpContext and wrapped
// in the RFC 3156 envelope).

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"
#include "Core/Mime/Base64.h"
#include "Core/Mime/PgpArmorWriter.h"
#include "Core/Receiving/IInstanceImporter.h"
#include "Core/Receiving/ITrustPolicy.h"
#include "Core/Sending/IInstanceSource.h"
#include "Core/Transfer/Sha256.h"
#include "UnitTests/TestSupport.h"

#include <filesystem>
#include <map>
#include <memory>
#include <stdlib.h>
#include <string>
#include <utility>
#include <vector>

namespace ReceivingTest
{
  using namespace DicomMail;

  const char* const kCtSmall = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";
  const char* const kMrSmall = "/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm";

  const char* const kHospital = "hospital@site-a.test";   // the sender
  const char* const kReferrer = "referrer@site-b.test";   // the receiver
  const char* const kClinic = "clinic@site-c.test";       // another partner of the receiver
  const char* const kStranger = "stranger@site-x.test";   // a key the receiver never saw
  const char* const kNewcomer = "newcomer@site-n.test";   // imported by the receiver, not certified

  inline std::string ReadFile(const std::string& path)
  {
    return Files::ReadAll(path, 64 * 1024 * 1024);
  }

  using Site = TestSupport::TestSite;
  using TestSupport::ScratchDirectory;

  // The sites of all tests, generated once per process (key generation is
  // the slow part). The receiver trusts the hospital and the clinic,
  // has imported the newcomer's key without certifying it, and never saw
  // the stranger's. Everybody can encrypt to the receiver.
  class Sites
  {
  public:
    Site hospital{ std::string("Hospital <") + kHospital + ">" };
    Site referrer{ std::string("Referrer <") + kReferrer + ">" };
    Site clinic{ std::string("Clinic <") + kClinic + ">" };
    Site stranger{ std::string("Stranger <") + kStranger + ">" };
    Site newcomer{ std::string("Newcomer <") + kNewcomer + ">" };

    Sites()
    {
      hospital.IntroduceTo(referrer, true);
      clinic.IntroduceTo(referrer, true);
      newcomer.IntroduceTo(referrer, false);
      for (Site* s : { &hospital, &clinic, &stranger, &newcomer })
      {
        referrer.IntroduceTo(*s, true);
      }
      clinic.IntroduceTo(hospital, true);
    }

    static Sites& Get()
    {
      static Sites sites;
      return sites;
    }
  };

  // The receiver's partner directory: hospital and clinic.
  class MapTrustPolicy : public ITrustPolicy
  {
  public:
    void Add(const std::string& address, const std::string& partner, const std::string& fingerprint)
    {
      partners_[address] = std::make_pair(partner, fingerprint);
    }

    bool ExpectedSigner(const std::string& fromAddress, std::string& partnerName,
                        std::string& fingerprint) override
    {
      auto found = partners_.find(fromAddress);
      if (found == partners_.end())
      {
        return false;
      }
      partnerName = found->second.first;
      fingerprint = found->second.second;
      return true;
    }

  private:
    std::map<std::string, std::pair<std::string, std::string> > partners_;
  };

  // Keeps a copy of every file it is given; answers AlreadyStored for
  // hashes it was told about, Failed when told to. With "watchedDirectory"
  // set, notes which files were in it at each import.
  class RecordingImporter : public IInstanceImporter
  {
  public:
    struct Record
    {
      std::string content;
      ImportContext context;
      std::vector<std::string> filesThere;   // in watchedDirectory during the import
    };

    std::vector<Record> records;
    std::vector<std::string> alreadyStoredHashes;
    bool fail = false;
    std::string watchedDirectory;

    ImportOutcome Import(const void* dicom, size_t size, const ImportContext& context) override
    {
      const std::string content(static_cast<const char*>(dicom), size);
      if (fail)
      {
        return ImportOutcome::Failed("Orthanc answered 507");
      }
      std::vector<std::string> filesThere;
      if (!watchedDirectory.empty())
      {
        for (const auto& entry : std::filesystem::directory_iterator(watchedDirectory))
        {
          filesThere.push_back(entry.path().filename().string());
        }
      }
      records.push_back(Record{ content, context, filesThere });
      for (const std::string& h : alreadyStoredHashes)
      {
        if (h == Sha256::OfString(content))
        {
          return ImportOutcome::AlreadyStored();
        }
      }
      return ImportOutcome::Stored();
    }
  };

  // Instances for MailComposer: the id is the file's path.
  class DiskInstanceSource : public IInstanceSource
  {
  public:
    std::unique_ptr<ByteSource> Open(const std::string& id) override
    {
      return std::unique_ptr<ByteSource>(new FileSource(id));
    }
  };

  // "size" zero bytes without holding them in memory.
  class ZeroSource : public ByteSource
  {
  public:
    ZeroSource(const std::string& prefix, uint64_t size) :
      prefix_(prefix),
      remaining_(size)
    {
    }

    size_t Read(void* buffer, size_t size) override
    {
      char* out = static_cast<char*>(buffer);
      size_t n = 0;
      while (n < size && prefixOffset_ < prefix_.size())
      {
        out[n++] = prefix_[prefixOffset_++];
      }
      const size_t zeros = static_cast<size_t>(std::min<uint64_t>(size - n, remaining_));
      std::fill(out + n, out + n + zeros, 0);
      remaining_ -= zeros;
      return n + zeros;
    }

  private:
    std::string prefix_;
    size_t prefixOffset_ = 0;
    uint64_t remaining_;
  };

  inline std::string Armor(const std::string& binary, const std::string& type = "MESSAGE")
  {
    StringSink out;
    PgpArmorWriter armor(out, type);
    armor.Write(binary);
    armor.Finish();
    return out.GetContent();
  }

  // Signs and encrypts an arbitrary entity (binary OpenPGP).
  inline std::string EncryptEntity(OpenPgpContext& crypto, const std::string& signer,
                                   const std::vector<std::string>& recipients, const std::string& entity,
                                   bool alsoToSelf = false)
  {
    StringSource plain(entity);
    StringSink cipher;
    crypto.EncryptAndSign(plain, cipher, recipients, signer, true, alsoToSelf);
    return cipher.GetContent();
  }

  // Encrypts without any signature, with the gpg command line of "home".
  inline std::string EncryptUnsigned(const std::string& home, const std::string& recipient,
                                     const std::string& entity, const ScratchDirectory& scratch)
  {
    const std::string in = scratch.File("unsigned.in");
    const std::string out = scratch.File("unsigned.out");
    Files::WriteAll(in, entity);
    const std::string command = "gpg --homedir '" + home + "' --batch --yes --quiet --trust-model always "
      "--encrypt --recipient " + recipient + " --output '" + out + "' '" + in + "' 2>/dev/null";
    if (system(command.c_str()) != 0)
    {
      throw Error(ErrorKind::Internal, "gpg --encrypt failed");
    }
    const std::string result = ReadFile(out);
    Files::Remove(in);
    Files::Remove(out);
    return result;
  }

  // Outer headers of a DICOM-Mail (CRLF, no Content-Type); empty values are left out.
  inline std::string OuterHeaders(const std::string& from, const std::string& setId = "20260101.120000.0badcafe",
                                  const std::string& part = "1", const std::string& total = "1",
                                  const std::string& messageId = "<test-1@site-a.test>")
  {
    std::string h = "From: \"Sender\" <" + from + ">\r\n"
      "To: <" + std::string(kReferrer) + ">\r\n"
      "Date: Thu, 01 Jan 2026 12:00:00 +0000\r\n"
      "Subject: DICOM-eMail\r\n"
      "MIME-Version: 1.0\r\n";
    if (!messageId.empty())
    {
      h += "Message-ID: " + messageId + "\r\n";
    }
    if (!setId.empty())
    {
      h += "X-TELEMEDICINE-SETID: " + setId + "\r\n";
    }
    if (!part.empty())
    {
      h += "X-TELEMEDICINE-SETPART: " + part + "\r\n";
    }
    if (!total.empty())
    {
      h += "X-TELEMEDICINE-SETTOTAL: " + total + "\r\n";
    }
    h += "Disposition-Notification-To: <" + from + ">\r\n";
    return h;
  }

  // The RFC 3156 envelope around an OpenPGP payload (armored or binary).
  inline std::string Envelope(const std::string& outerHeaders, const std::string& payload)
  {
    return outerHeaders +
      "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"outer\"\r\n"
      "\r\n"
      "--outer\r\n"
      "Content-Type: application/pgp-encrypted\r\n"
      "\r\n"
      "Version: 1\r\n"
      "--outer\r\n"
      "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
      "\r\n" +
      payload +
      "\r\n--outer--\r\n";
  }

  // One leaf of a test entity.
  struct TestPart
  {
    std::string headers;   // CRLF-terminated header lines
    std::string body;      // as written on the wire
  };

  inline TestPart DicomPart(const std::string& content, const std::string& name)
  {
    return TestPart{ "Content-Type: application/dicom; name=\"" + name + "\"\r\n"
                     "Content-Transfer-Encoding: base64\r\n"
                     "Content-Disposition: attachment; filename=\"" + name + "\"\r\n",
                     Base64::Encode(content, 76) };
  }

  // One manifest entry's JSON.
  inline std::string ManifestEntry(const std::string& uid, const std::string& content, const std::string& name,
                                   const std::string& sha256 = "")
  {
    return "{\"SOPInstanceUID\": \"" + uid + "\", \"SHA256\": \"" +
      (sha256.empty() ? Sha256::OfString(content) : sha256) + "\", \"Size\": " +
      std::to_string(content.size()) + ", \"Name\": \"" + name + "\"}";
  }

  inline TestPart ManifestPart(const std::string& setId, unsigned int part, unsigned int total,
                               const std::vector<std::string>& entries, uint64_t setBytes)
  {
    std::string list;
    for (const std::string& e : entries)
    {
      list += (list.empty() ? "" : ", ") + e;
    }
    return TestPart{ "Content-Type: application/json; name=\"manifest.json\"\r\nX-DICOMMAIL-MANIFEST: 1\r\n",
                     "{\"SetId\": \"" + setId + "\", \"Part\": " + std::to_string(part) + ", \"Total\": " +
                     std::to_string(total) + ", \"SetInstances\": " + std::to_string(entries.size()) +
                     ", \"SetBytes\": " + std::to_string(setBytes) + ", \"Instances\": [" + list + "]}\r\n" };
  }

  // A multipart/mixed entity with "innerHeaders" (CRLF lines) on top.
  inline std::string MixedEntity(const std::string& innerHeaders, const std::vector<TestPart>& parts)
  {
    std::string e = innerHeaders + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n";
    for (const TestPart& p : parts)
    {
      e += "--inner\r\n" + p.headers + "\r\n" + p.body + "\r\n";
    }
    return e + "--inner--\r\n";
  }

  inline std::string InnerSetHeaders(const std::string& setId, const std::string& part, const std::string& total)
  {
    return "X-TELEMEDICINE-SETID: " + setId + "\r\nX-TELEMEDICINE-SETPART: " + part +
      "\r\nX-TELEMEDICINE-SETTOTAL: " + total + "\r\n";
  }

  inline bool Contains(const std::string& text, const std::string& part)
  {
    return text.find(part) != std::string::npos;
  }
}
