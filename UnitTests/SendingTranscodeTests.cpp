// SPDX-License-Identifier: GPL-3.0-or-later
// A partner's TransferSyntax (#19): what may be chosen, which instances it
// changes, what the planner assumes, and what the outbox records of it.
#include "Core/Config/Configuration.h"
#include "Core/Common/Error.h"
#include "Core/Partners/TransferSyntaxChoice.h"
#include "Core/Sending/TranscodePolicy.h"
#include "Core/Store/InstanceNoteStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Transfer/TransferSyntax.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  const std::string kExplicit = "1.2.840.10008.1.2.1";
  const std::string kJpegLs = "1.2.840.10008.1.2.4.80";
  const std::string kJpegBaseline = "1.2.840.10008.1.2.4.50";

  std::string Choose(const std::string& text, bool allowLossy = false)
  {
    std::string uid = "unchanged", problem;
    return TransferSyntaxChoice::Parse(text, allowLossy, uid, problem) ? uid : "refused: " + problem;
  }
}

TEST(TransferSyntaxChoice, NamesAndUids)
{
  EXPECT_EQ("", Choose(""));
  EXPECT_EQ("", Choose("as-stored"));
  EXPECT_EQ(kJpegLs, Choose("jpeg-ls"));
  EXPECT_EQ("1.2.840.10008.1.2.4.90", Choose("jpeg2000"));
  EXPECT_EQ("1.2.840.10008.1.2.5", Choose("1.2.840.10008.1.2.5"));
  EXPECT_EQ(0u, Choose("JPEG-LS please").find("refused: must be"));
  EXPECT_EQ(0u, Choose("1.2..3").find("refused: must be"));
  EXPECT_EQ("as-stored", TransferSyntaxChoice::Describe(""));
  EXPECT_EQ(kJpegLs, TransferSyntaxChoice::Describe(kJpegLs));
}

TEST(TransferSyntaxChoice, LossyOnlyWhenExplicitlyAllowed)
{
  EXPECT_NE(std::string::npos, Choose(kJpegBaseline).find("AllowLossyTranscoding"));
  EXPECT_NE(std::string::npos, Choose("1.2.840.10008.1.2.4.81").find("AllowLossyTranscoding"));   // near-lossless
  EXPECT_NE(std::string::npos, Choose("1.2.840.10008.1.2.4.91").find("AllowLossyTranscoding"));
  EXPECT_NE(std::string::npos, Choose("1.2.3.4.5").find("AllowLossyTranscoding"));   // unknown counts as lossy
  EXPECT_EQ(kJpegBaseline, Choose(kJpegBaseline, true));
}

TEST(TransferSyntaxChoice, ConfigurationNamesTheKeyAndHonoursTheSwitch)
{
  Json::Value section;
  section["Partners"]["clinic"]["Addresses"].append("pacs@clinic.example");
  section["Partners"]["clinic"]["TransferSyntax"] = "jpeg-ls";
  EXPECT_EQ(kJpegLs, Configuration::Parse(section).partners.at(0).transferSyntax);

  section["Partners"]["clinic"]["TransferSyntax"] = kJpegBaseline;
  try
  {
    Configuration::Parse(section);
    FAIL() << "a lossy syntax was accepted without AllowLossyTranscoding";
  }
  catch (const Error& e)
  {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("DicomMail.Partners.clinic.TransferSyntax"));
  }
  section["AllowLossyTranscoding"] = true;
  EXPECT_EQ(kJpegBaseline, Configuration::Parse(section).partners.at(0).transferSyntax);
}

TEST(TranscodePolicy, OnlyWhatGainsIsTranscoded)
{
  std::string note;
  EXPECT_FALSE(TranscodePolicy::ShouldTranscode(kExplicit, "", note));
  EXPECT_EQ("", note);
  EXPECT_TRUE(TranscodePolicy::ShouldTranscode(kExplicit, kJpegLs, note));
  EXPECT_TRUE(TranscodePolicy::ShouldTranscode("1.2.840.10008.1.2", kJpegLs, note));
  EXPECT_FALSE(TranscodePolicy::ShouldTranscode(kJpegLs, kJpegLs, note));
  EXPECT_EQ(TranscodePolicy::kAlreadyInSyntax, note);
  EXPECT_FALSE(TranscodePolicy::ShouldTranscode(kJpegBaseline, kJpegLs, note));
  EXPECT_EQ(TranscodePolicy::kAlreadyCompressed, note);
  // A partner that reads no compression gets compressed files decoded.
  EXPECT_TRUE(TranscodePolicy::ShouldTranscode(kJpegLs, kExplicit, note));
}

TEST(TranscodePolicy, PlannedSizesAndSyntaxes)
{
  EXPECT_EQ(kJpegLs, TranscodePolicy::PlannedSyntax(kExplicit, kJpegLs));
  EXPECT_EQ(kJpegBaseline, TranscodePolicy::PlannedSyntax(kJpegBaseline, kJpegLs));
  EXPECT_EQ(600u, TranscodePolicy::PlannedSize(1000, kExplicit, kJpegLs));
  EXPECT_EQ(1000u, TranscodePolicy::PlannedSize(1000, kExplicit, ""));
  EXPECT_EQ(1000u, TranscodePolicy::PlannedSize(1000, kJpegBaseline, kJpegLs));
  EXPECT_EQ(3000u, TranscodePolicy::PlannedSize(1000, kJpegLs, kExplicit));
  EXPECT_TRUE(TransferSyntax::IsJpeg2000("1.2.840.10008.1.2.4.90"));
  EXPECT_FALSE(TransferSyntax::IsJpeg2000(kJpegLs));
}

TEST(StoreTranscoding, PartnerSyntaxMailCompressionAndNotesPersist)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  PartnerStore partners(db);
  PartnerRecord partner;
  partner.name = "clinic";
  partner.addresses = {"pacs@clinic.example"};
  partner.transferSyntax = kJpegLs;
  partners.Put(partner);
  PartnerRecord read;
  ASSERT_TRUE(partners.Get("clinic", read));
  EXPECT_EQ(kJpegLs, read.transferSyntax);

  OutboxStore outbox(db);
  OutboxTransfer transfer;
  transfer.setId = "set-1";
  transfer.partner = "clinic";
  transfer.recipient = "pacs@clinic.example";
  transfer.totalMails = 2;
  std::vector<OutboxMail> mails(2);
  mails[0].part = 1;
  mails[0].instances = {"a"};
  mails[0].compress = false;
  mails[1].part = 2;
  mails[1].instances = {"b"};
  outbox.CreateTransfer(transfer, mails);
  OutboxTransfer t;
  std::vector<OutboxMail> stored;
  ASSERT_TRUE(outbox.GetTransfer("set-1", t, stored));
  ASSERT_EQ(2u, stored.size());
  EXPECT_FALSE(stored[0].compress);
  EXPECT_TRUE(stored[1].compress);

  InstanceNoteStore notes(db);
  notes.Record("set-1", 1, {{"transcoded", 3}, {"as stored: no pixel data", 1}});
  notes.Record("set-1", 2, {{"transcoded", 2}});
  notes.Record("set-1", 2, {{"transcoded", 4}});   // composed again: replaces, does not add
  const InstanceNoteStore::Counts counts = notes.Get("set-1");
  EXPECT_EQ(7u, counts.at("transcoded"));
  EXPECT_EQ(1u, counts.at("as stored: no pixel data"));
  EXPECT_TRUE(notes.Get("set-2").empty());
  outbox.RemoveTransfer("set-1");
  EXPECT_TRUE(notes.Get("set-1").empty());   // go with their transfer
}
