// SPDX-License-Identifier: GPL-3.0-or-later
// Key rotations (#22): recorded, followed to the key in use by the partner
// directory, and our old keys listed for retirement when their overlap ends.
#include "Core/Common/Error.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/Store/Database.h"
#include "Core/Store/KeyRotationStore.h"
#include "Core/Store/PartnerStore.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  const char kA[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const char kB[] = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  const char kC[] = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

  KeyRotation Rotation(const std::string& owner, const std::string& from, const std::string& to, int64_t at)
  {
    KeyRotation r;
    r.owner = owner;
    r.oldFingerprint = from;
    r.newFingerprint = to;
    r.rotatedMs = at;
    r.untilMs = at + 1000;
    return r;
  }

  class StoreKeyRotation : public StoreEngineTest
  {
  protected:
    std::unique_ptr<Database> opened_ = Open();
    Database& db_ = *opened_;
    KeyRotationStore store_{db_};
  };
}

TEST_P(StoreKeyRotation, RotationsAreFollowedToTheKeyInUse)
{
  store_.Record(Rotation("referrer", kA, kB, 100));
  store_.Record(Rotation("referrer", kB, kC, 200));
  store_.Record(Rotation("other", kC, kA, 300));
  const std::vector<KeyRotation> own = store_.List("referrer");
  ASSERT_EQ(2u, own.size());
  KeyRotation previous;
  EXPECT_EQ(kC, KeyRotationStore::Resolve(own, kA, previous));
  EXPECT_EQ(kB, previous.oldFingerprint);
  EXPECT_EQ(1200, previous.untilMs);
  EXPECT_EQ(kC, KeyRotationStore::Resolve(own, kC, previous));
  EXPECT_EQ("", previous.oldFingerprint);
  EXPECT_EQ(3u, store_.ListAll().size());

  // A cycle ends instead of looping.
  store_.Record(Rotation("referrer", kC, kA, 400));
  EXPECT_FALSE(KeyRotationStore::Resolve(store_.List("referrer"), kA, previous).empty());

  EXPECT_THROW(store_.Record(Rotation("referrer", kA, kA, 500)), Error);
  store_.Forget("referrer");
  EXPECT_TRUE(store_.List("referrer").empty());
  EXPECT_EQ(1u, store_.ListAll().size());
}

TEST_P(StoreKeyRotation, OurOldKeysAreDueForRetirementOnceTheirOverlapEnded)
{
  store_.Record(Rotation(KeyRotationStore::kSite, kA, kB, 100));
  store_.Record(Rotation("referrer", kB, kC, 100));   // a partner's is never retired by us
  EXPECT_TRUE(store_.ListDueForRetirement(1099).empty());
  const std::vector<KeyRotation> due = store_.ListDueForRetirement(1100);
  ASSERT_EQ(1u, due.size());
  EXPECT_EQ(kA, due[0].oldFingerprint);
  store_.MarkRetired(kA, 1500);
  EXPECT_TRUE(store_.ListDueForRetirement(5000).empty());
  EXPECT_EQ(1500, store_.List(KeyRotationStore::kSite)[0].retiredMs);
}

TEST_P(StoreKeyRotation, ThePartnerDirectoryAnswersTheRotatedKey)
{
  PartnerStore partners(db_);
  PartnerSettings configured;
  configured.name = "configured";
  configured.addresses.push_back("pacs@configured.example");
  configured.fingerprint = kA;
  configured.fromConfiguration = true;
  PartnerDirectory directory({ configured }, partners, 10000000);
  directory.SetRotations(&store_);
  store_.Record(Rotation("configured", kA, kB, 100));

  PartnerSettings found;
  ASSERT_TRUE(directory.Lookup("configured", found));
  EXPECT_EQ(kB, found.fingerprint);
  EXPECT_EQ(kA, found.previousFingerprint);
  EXPECT_EQ(1100, found.previousUntilMs);
  ASSERT_TRUE(directory.LookupByAddress("pacs@configured.example", found));
  EXPECT_EQ(kB, found.fingerprint);
  EXPECT_EQ(kA, PartnerDirectory::ToJson(found)["PreviousFingerprint"].asString());

  // A key the admin set anew is not one the rotation replaced.
  configured.fingerprint = kC;
  PartnerDirectory changed({ configured }, partners, 10000000);
  changed.SetRotations(&store_);
  ASSERT_TRUE(changed.Lookup("configured", found));
  EXPECT_EQ(kC, found.fingerprint);
  EXPECT_EQ("", found.previousFingerprint);
}

INSTANTIATE_STORE_ENGINES(StoreKeyRotation);
