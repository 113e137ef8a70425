// SPDX-License-Identifier: GPL-3.0-or-later
// Pseudonymised copies (#19): derived UIDs, the profile's request, the mapping kept at the sender.
#include "Core/Pseudonymisation/PseudonymProfile.h"
#include "Core/Pseudonymisation/PseudonymUids.h"
#include "Core/Store/PseudonymStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Transfer/TransferSyntax.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(PseudonymUids, DerivedUidsAreValidStableAndKeyed)
{
  const std::string a = PseudonymUids::Derive("secret-1", "1.2.826.0.1.3680043.8.498.1");
  EXPECT_EQ(0u, a.find("2.25."));
  EXPECT_TRUE(TransferSyntax::IsValidUid(a)) << a;
  EXPECT_LE(a.size(), 44u);
  EXPECT_EQ(a, PseudonymUids::Derive("secret-1", "1.2.826.0.1.3680043.8.498.1"));
  EXPECT_NE(a, PseudonymUids::Derive("secret-2", "1.2.826.0.1.3680043.8.498.1"));
  EXPECT_NE(a, PseudonymUids::Derive("secret-1", "1.2.826.0.1.3680043.8.498.2"));
  EXPECT_EQ(64u, PseudonymUids::NewSecret().size());
  EXPECT_NE(PseudonymUids::NewSecret(), PseudonymUids::NewSecret());
  const std::string pseudonym = PseudonymUids::NewPseudonym();
  EXPECT_EQ(15u, pseudonym.size());
  EXPECT_EQ(0u, pseudonym.find("DM-"));
}

TEST(PseudonymProfile, ReplacesIdentifiersRemapsPresentUidsKeepsStudyDates)
{
  Json::Value tags;
  tags["PatientID"] = "4711";
  tags["PatientName"] = "Doe^Jane";
  tags["StudyInstanceUID"] = "1.2.3.1";
  tags["SeriesInstanceUID"] = "1.2.3.2";
  tags["SOPInstanceUID"] = "1.2.3.3";
  tags["Modality"] = "CT";
  const PseudonymProfile::Request request = PseudonymProfile::Make(tags, "DM-ABC", "s");
  const Json::Value& replace = request.body["Replace"];
  EXPECT_EQ("DM-ABC", replace["PatientName"].asString());
  EXPECT_EQ("DM-ABC", replace["PatientID"].asString());
  EXPECT_EQ(PseudonymUids::Derive("s", "1.2.3.1"), replace["StudyInstanceUID"].asString());
  EXPECT_EQ(PseudonymUids::Derive("s", "1.2.3.3"), request.sopInstanceUid);
  EXPECT_EQ(replace["StudyInstanceUID"].asString(), request.studyInstanceUid);
  EXPECT_FALSE(replace.isMember("FrameOfReferenceUID"));   // absent: not added
  EXPECT_FALSE(request.body["KeepPrivateTags"].asBool());
  bool keepsStudyDate = false, keepsBirthDate = false;
  for (const Json::Value& kept : request.body["Keep"])
  {
    keepsStudyDate = keepsStudyDate || kept.asString() == "StudyDate";
    keepsBirthDate = keepsBirthDate || kept.asString() == "PatientBirthDate";
  }
  EXPECT_TRUE(keepsStudyDate);
  EXPECT_FALSE(keepsBirthDate);
  EXPECT_FALSE(request.mayHaveBurnedInText);
  tags["Modality"] = "US";
  EXPECT_TRUE(PseudonymProfile::Make(tags, "DM-ABC", "s").mayHaveBurnedInText);
  tags["Modality"] = "CR";
  tags["BurnedInAnnotation"] = "YES";
  EXPECT_TRUE(PseudonymProfile::Make(tags, "DM-ABC", "s").mayHaveBurnedInText);
}

TEST(StorePseudonym, OnePseudonymPerPartnerAndPatientWithItsStudies)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  PseudonymStore store(db);
  const PseudonymRecord first = store.GetOrCreate("clinic", "4711");
  EXPECT_EQ(first.pseudonym, store.GetOrCreate("clinic", "4711").pseudonym);
  EXPECT_EQ(first.secret, store.GetOrCreate("clinic", "4711").secret);
  EXPECT_NE(first.pseudonym, store.GetOrCreate("registry", "4711").pseudonym);
  EXPECT_NE(first.pseudonym, store.GetOrCreate("clinic", "4712").pseudonym);

  PseudonymStudy study;
  study.originalStudyUid = "1.2.3";
  study.studyUid = "2.25.9";
  study.setId = "set-1";
  store.RecordStudy(first.pseudonym, study);
  study.setId = "set-2";
  store.RecordStudy(first.pseudonym, study);   // sent again: the first transfer stays
  PseudonymRecord found;
  std::vector<PseudonymStudy> studies;
  ASSERT_TRUE(store.Find(first.pseudonym, found, studies));
  EXPECT_EQ("4711", found.patientId);
  EXPECT_EQ("clinic", found.partner);
  ASSERT_EQ(1u, studies.size());
  EXPECT_EQ("set-1", studies[0].setId);
  EXPECT_EQ("2.25.9", studies[0].studyUid);
  EXPECT_FALSE(store.Find("DM-NOBODY", found, studies));
}
