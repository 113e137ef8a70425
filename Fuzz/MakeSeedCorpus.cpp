// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the seed corpora of the fuzz targets into <output>/<target>/, built
// with the project's own writers so that the seeds are valid wire data:
//   MakeSeedCorpus Fuzz/corpus
// The files are kept in the repository, next to the regression inputs
// fuzzing found; run this again only when the wire format changes. Small;
// the payload bytes are fixed, MIME boundaries and Message-IDs are new at
// every run.
#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Common/ByteStream.h"
#include "Core/Common/Files.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Mime/PgpArmorWriter.h"
#include "Core/Transfer/Manifest.h"
#include "Core/Transfer/PartialSplitter.h"
#include "Fuzz/PartialReassemblerFuzzTarget.h"

#include <iostream>
#include <random>
#include <string>
#include <vector>

using namespace DicomMail;

namespace
{
  const char* const kSetId = "20261128.031502.9f3c1a7e";

  std::string PseudoRandomBytes(size_t count, unsigned int seed)
  {
    std::mt19937 rng(seed);
    std::string bytes(count, '\0');
    for (char& c : bytes)
    {
      c = static_cast<char>(rng() & 0xff);
    }
    return bytes;
  }

  MimeHeaders MakeHeaders(const std::vector<std::pair<std::string, std::string> >& fields)
  {
    MimeHeaders headers;
    for (const auto& field : fields)
    {
      headers.Add(field.first, field.second);
    }
    return headers;
  }

  std::string Armor(const std::string& binary, const std::string& type,
                    const PgpArmorWriter::Headers& headers = PgpArmorWriter::Headers())
  {
    StringSink text;
    PgpArmorWriter armor(text, type, headers);
    armor.Write(binary);
    armor.Finish();
    return text.GetContent();
  }

  MimeHeaders OuterHeaders(const std::string& part, const std::string& total)
  {
    return MakeHeaders({ { "From", "Orthanc <orthanc@site-a.example>" },
                         { "To", "dicom@site-b.example" },
                         { "Date", "Sat, 28 Nov 2026 03:15:02 +0000" },
                         { "Subject", "DICOM-eMail" },
                         { "Message-ID", "<0123456789abcdef@site-a.example>" },
                         { "MIME-Version", "1.0" },
                         { "X-TELEMEDICINE-SETID", kSetId },
                         { "X-TELEMEDICINE-SETPART", part },
                         { "X-TELEMEDICINE-SETTOTAL", total },
                         { "Disposition-Notification-To", "orthanc@site-a.example" } });
  }

  // docs/wire-format.md §2: what goes over the wire.
  std::string MakeEncryptedMail(size_t ciphertextSize)
  {
    StringSink mail;
    MimeWriter writer(mail);
    ContentType encrypted("multipart", "encrypted");
    encrypted.SetParameter("protocol", "application/pgp-encrypted");
    encrypted.SetParameter("boundary", "=_DM_0123456789abcdef");
    writer.BeginMultipart(OuterHeaders("1", "2"), encrypted);
    writer.BeginLeaf(MakeHeaders({ { "Content-Type", "application/pgp-encrypted" } }), TransferEncoding::SevenBit)
      .Write(std::string("Version: 1\r\n"));
    writer.EndLeaf();
    writer.BeginLeaf(MakeHeaders({ { "Content-Type", "application/octet-stream; name=\"encrypted.asc\"" } }),
                     TransferEncoding::SevenBit)
      .Write(Armor(PseudoRandomBytes(ciphertextSize, 1), "MESSAGE"));
    writer.EndLeaf();
    writer.EndMultipart();
    writer.Finish();
    return mail.GetContent();
  }

  Manifest MakeManifest()
  {
    Manifest manifest;
    manifest.setId = kSetId;
    manifest.part = 1;
    manifest.total = 2;
    manifest.setInstances = 3;
    manifest.setBytes = 1500;
    ManifestInstance first;
    first.sopInstanceUid = "1.2.826.0.1.3680043.8.498.1";
    first.sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    first.size = 500;
    first.name = "IM000001.dcm";
    manifest.instances.push_back(first);
    ManifestInstance second = first;
    second.sopInstanceUid = "1.2.826.0.1.3680043.8.498.2";
    second.sha256 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    second.name = "IM000002.dcm";
    manifest.instances.push_back(second);
    return manifest;
  }

  // docs/wire-format.md §3 with RFC 3156 §6.1 sign-then-encrypt: the decrypted
  // entity, multipart/signed around multipart/mixed, with a quoted-printable
  // text part as a mail client writes it.
  std::string MakeSignedMixedEntity()
  {
    std::string dicom(128, '\0');
    dicom += "DICM" + PseudoRandomBytes(60, 2);

    StringSink entity;
    MimeWriter writer(entity);
    ContentType signedType("multipart", "signed");
    signedType.SetParameter("micalg", "pgp-sha256");
    signedType.SetParameter("protocol", "application/pgp-signature");
    signedType.SetParameter("boundary", "S0");
    writer.BeginMultipart(MakeHeaders({ { "X-TELEMEDICINE-SETID", kSetId },
                                        { "X-TELEMEDICINE-SETPART", "1" },
                                        { "X-TELEMEDICINE-SETTOTAL", "2" } }), signedType);
    ContentType mixed("multipart", "mixed");
    mixed.SetParameter("boundary", "M1");
    writer.BeginMultipart(MimeHeaders(), mixed);
    writer.BeginLeaf(MakeHeaders({ { "Content-Type", "application/dicom; name=\"IM000001.dcm\"" },
                                   { "Content-Disposition", "attachment; filename=\"IM000001.dcm\"" } }),
                     TransferEncoding::Base64).Write(dicom);
    writer.EndLeaf();
    writer.BeginRawPart().Write(std::string(
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Befund: siehe Anhang =C3=BCber die Studie, eine sehr lange Zeile die umgebro=\r\n"
      "chen wird.\r\n"));
    writer.EndLeaf();
    writer.BeginLeaf(MakeHeaders({ { "Content-Type", "application/json; name=\"manifest.json\"" },
                                   { "X-DICOMMAIL-MANIFEST", "1" } }), TransferEncoding::SevenBit)
      .Write(MakeManifest().ToJson());
    writer.EndLeaf();
    writer.EndMultipart();
    writer.BeginLeaf(MakeHeaders({ { "Content-Type", "application/pgp-signature; name=\"signature.asc\"" } }),
                     TransferEncoding::SevenBit)
      .Write(Armor(PseudoRandomBytes(90, 3), "SIGNATURE"));
    writer.EndLeaf();
    writer.EndMultipart();
    writer.Finish();
    return entity.GetContent();
  }

  AcknowledgementContent MakeMdn(Disposition disposition)
  {
    AcknowledgementContent content;
    content.reportingUa = "pacs.site-b.example; Orthanc DICOM-Mail 0.1.0";
    content.finalRecipient = "dicom@site-b.example";
    content.originalMessageId = "<0123456789abcdef@site-a.example>";
    content.disposition = disposition;
    content.setId = kSetId;
    content.setPart = "1";
    return content;
  }

  // A whole MDN mail: outer headers, then the report (unsigned here; the
  // parser looks for the notification at any depth).
  std::string MakeMdnMail(Disposition disposition)
  {
    return "From: dicom@site-b.example\r\n"
      "To: orthanc@site-a.example\r\n"
      "Subject: DICOM-eMail acknowledgement\r\n"
      "MIME-Version: 1.0\r\n" + AcknowledgementBuilder::Build(MakeMdn(disposition));
  }

  std::vector<std::string> SplitMail(const std::string& mail, const std::string& directory, uint64_t limit)
  {
    TempFile file(directory, ".eml");
    Files::WriteAll(file.GetPath(), mail);

    class Append : public ByteSink
    {
    public:
      explicit Append(std::string& target) :
        target_(target)
      {
      }

      using ByteSink::Write;
      void Write(const void* data, size_t size) override
      {
        target_.append(static_cast<const char*>(data), size);
      }

    private:
      std::string& target_;
    };

    std::vector<std::string> fragments;
    PartialSplitter splitter(limit);
    splitter.Split(file.GetPath(), [&](unsigned int, unsigned int)
    {
      fragments.emplace_back();
      return std::unique_ptr<ByteSink>(new Append(fragments.back()));
    });
    return fragments;
  }

  std::string Join(const std::vector<std::string>& fragments)
  {
    std::string joined;
    for (size_t i = 0; i < fragments.size(); i++)
    {
      joined += (i == 0 ? "" : Fuzzing::kFragmentSeparator) + fragments[i];
    }
    return joined;
  }

  // Seeds are named "seed-*": FuzzRegressionTests expects them to be accepted.
  void Save(const std::string& directory, const std::string& name, const std::string& content)
  {
    const std::string file = name.compare(0, 11, "incomplete-") == 0 ? name : "seed-" + name;
    Files::MakeDirectories(directory, 0755);
    Files::WriteAll(directory + "/" + file, content);
    std::cout << directory << "/" << file << " (" << content.size() << " bytes)" << std::endl;
  }
}

int main(int argc, char** argv)
{
  if (argc != 2)
  {
    std::cerr << "Usage: " << argv[0] << " <corpus directory>" << std::endl;
    return 2;
  }
  const std::string root = argv[1];

  try
  {
    const std::string mime = root + "/FuzzMimeParser";
    Save(mime, "encrypted-mail.eml", MakeEncryptedMail(200));
    Save(mime, "signed-mixed-entity.eml", MakeSignedMixedEntity());
    Save(mime, "mdn-mail.eml", MakeMdnMail(Disposition::DisplayedWarning));
    Save(mime, "armor-with-headers.asc",
         Armor(PseudoRandomBytes(100, 4), "MESSAGE", { { "Comment", "seed" }, { "Version", "1" } }));
    Save(mime, "lf-rfc822-partial.eml",
         "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n"
         "Content-Type: multipart/mixed;\n boundary=\"L\"\n"
         "\n"
         "preamble\n"
         "--L   \n"
         "Content-Type: message/rfc822\n"
         "\n"
         "Subject: inner\n\nbody\n"
         "--L\n"
         "Content-Type: message/partial; id=\"abc@x\"; number=1; total=2\n"
         "\n"
         "Content-Type: text/plain\n\nhalf\n"
         "--L\n"
         "Content-Transfer-Encoding: base64\n"
         "\n"
         "aGVsbG8g\nd29ybGQ=\n"
         "--L--\n"
         "epilogue\n");

    const std::string partial = root + "/FuzzPartialReassembler";
    const std::vector<std::string> fragments = SplitMail(MakeEncryptedMail(1500), root, 1500);
    Save(partial, "in-order.txt", Join(fragments));
    std::vector<std::string> shuffled(fragments.rbegin(), fragments.rend());
    shuffled.push_back(fragments.front());   // a duplicate
    Save(partial, "reversed-with-duplicate.txt", Join(shuffled));
    // Valid but never complete: kept as a regression input, not as a seed.
    Save(partial, "incomplete-last-fragment-only.txt", fragments.back());

    const std::string manifest = root + "/FuzzManifest";
    Save(manifest, "two-instances.json", MakeManifest().ToJson());
    Save(manifest, "pretty-extra-key.json",
         "{\n  \"SetId\": \"20261128.031502.9f3c1a7e\",\n  \"Part\": 2,\n  \"Total\": 2,\n"
         "  \"SetInstances\": 1,\n  \"SetBytes\": 10,\n  \"Future\": [null, true, 1.5e3],\n"
         "  \"Instances\": [{\"SOPInstanceUID\": \"1.2.3\", \"Size\": 10, \"Name\": \"IM000003.dcm\",\n"
         "    \"SHA256\": \"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\"}]\n}\n");

    const std::string mdn = root + "/FuzzMdnParser";
    Save(mdn, "displayed.eml", MakeMdnMail(Disposition::Displayed));
    Save(mdn, "deleted-error.eml", AcknowledgementBuilder::Build(MakeMdn(Disposition::DeletedError)));
    Save(mdn, "deleted.eml", MakeMdnMail(Disposition::Deleted));
    Save(mdn, "fields-only.txt",
         "Reporting-UA: pacs.site-b.example; Orthanc DICOM-Mail 0.1.0\r\n"
         "Final-Recipient: rfc822; <dicom@site-b.example>\r\n"
         "Original-Message-ID: <0123456789abcdef@site-a.example>\r\n"
         "Disposition: manual-action/MDN-sent-manually;\r\n displayed/warning\r\n");
    return 0;
  }
  catch (const std::exception& e)
  {
    std::cerr << "MakeSeedCorpus: " << e.what() << std::endl;
    return 1;
  }
}
