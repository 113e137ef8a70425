// SPDX-License-Identifier: GPL-3.0-or-later
// What partners' signed acknowledgements taught us (#15), and the part
// encoding it leads to.
#include "Core/Common/Error.h"
#include "Core/Partners/PartEncodingChoice.h"
#include "Core/Store/PartnerCapabilityStore.h"
#include "Core/Store/Database.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  const char kKey[] = "0123456789ABCDEF0123456789ABCDEF01234567";
  const char kOtherKey[] = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";

  PartnerSettings MakePartner(const std::string& fingerprint)
  {
    PartnerSettings partner;
    partner.name = "referrer";
    partner.fingerprint = fingerprint;
    return partner;
  }

  PartnerCapability Learned(const std::string& fingerprint)
  {
    PartnerCapability learned;
    learned.readsBinaryParts = true;
    learned.since = "2026-12-07T05:00:00Z";
    learned.signerFingerprint = fingerprint;
    return learned;
  }

  class StorePartnerCapability : public StoreEngineTest
  {
  protected:
    std::unique_ptr<Database> opened_ = Open();
    Database& db_ = *opened_;
    PartnerCapabilityStore store_{db_};
  };
}

TEST_P(StorePartnerCapability, NeverHeardFromReadsNothing)
{
  PartnerCapabilityStore& store = store_;
  const PartnerCapability none = store.Get("referrer");
  EXPECT_FALSE(none.readsBinaryParts);
  EXPECT_EQ("", none.since);
}

class StorePartnerCapabilityFile : public StoreEngineTest
{
};

TEST_P(StorePartnerCapabilityFile, LearnKeepsTheFirstTimeAndSurvivesReopening)
{
  {
    std::unique_ptr<Database> dbOpened = Open();
    Database& db = *dbOpened;
    PartnerCapabilityStore store(db);
    store.Learn("referrer", kKey, true, "2026-12-07T05:00:00Z");
    store.Learn("referrer", kKey, true, "2026-12-07T06:00:00Z");
  }
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  PartnerCapabilityStore store(db);
  const PartnerCapability learned = store.Get("referrer");
  EXPECT_TRUE(learned.readsBinaryParts);
  EXPECT_EQ("2026-12-07T05:00:00Z", learned.since);
  EXPECT_EQ(kKey, learned.signerFingerprint);
  EXPECT_FALSE(store.Get("other").readsBinaryParts);
}

TEST_P(StorePartnerCapability, ANewSignerStartsANewSince)
{
  PartnerCapabilityStore& store = store_;
  store.Learn("referrer", kKey, true, "2026-12-07T05:00:00Z");
  store.Learn("referrer", kOtherKey, true, "2026-12-07T06:00:00Z");
  const PartnerCapability learned = store.Get("referrer");
  EXPECT_EQ(kOtherKey, learned.signerFingerprint);
  EXPECT_EQ("2026-12-07T06:00:00Z", learned.since);
}

TEST_P(StorePartnerCapability, AnAcknowledgementWithoutTheFieldForgets)
{
  PartnerCapabilityStore& store = store_;
  store.Learn("referrer", kKey, true, "2026-12-07T05:00:00Z");
  store.Learn("referrer", kKey, false, "2026-12-07T06:00:00Z");   // another gateway answers now
  EXPECT_FALSE(store.Get("referrer").readsBinaryParts);

  store.Learn("referrer", kKey, true, "2026-12-07T07:00:00Z");
  store.Forget("referrer");   // the partner was deleted
  EXPECT_FALSE(store.Get("referrer").readsBinaryParts);
}

TEST_P(StorePartnerCapability, RefusesAnEmptyPartnerOrSigner)
{
  PartnerCapabilityStore& store = store_;
  EXPECT_THROW(store.Learn("", kKey, true, "2026-12-07T05:00:00Z"), Error);
  EXPECT_THROW(store.Learn("referrer", "", true, "2026-12-07T05:00:00Z"), Error);
  EXPECT_THROW(store.Learn("referrer", kKey, true, "yesterday"), Error);
}

TEST(PartEncodingChoice, Base64UntilThePartnerSaidItReadsBinary)
{
  const Configuration defaults;
  EXPECT_FALSE(SendsBinaryParts(defaults, MakePartner(kKey), PartnerCapability()));
  EXPECT_TRUE(SendsBinaryParts(defaults, MakePartner(kKey), Learned(kKey)));
  // Said under another key than the partner's now: worth nothing.
  EXPECT_FALSE(SendsBinaryParts(defaults, MakePartner(kOtherKey), Learned(kKey)));
  EXPECT_FALSE(SendsBinaryParts(defaults, MakePartner(""), Learned(kKey)));
  // Fingerprints compare without regard to case.
  PartnerCapability lower = Learned(kKey);
  lower.signerFingerprint = "0123456789abcdef0123456789abcdef01234567";
  EXPECT_TRUE(PartnerReadsBinaryParts(MakePartner(kKey), lower));
}

TEST(PartEncodingChoice, AnExplicitSettingWins)
{
  Configuration base64;
  base64.dicomPartEncodingConfigured = true;
  base64.binaryDicomParts = false;
  EXPECT_FALSE(SendsBinaryParts(base64, MakePartner(kKey), Learned(kKey)));

  Configuration binary;
  binary.dicomPartEncodingConfigured = true;
  binary.binaryDicomParts = true;
  EXPECT_TRUE(SendsBinaryParts(binary, MakePartner(kKey), PartnerCapability()));
}

INSTANTIATE_STORE_ENGINES(StorePartnerCapability);
INSTANTIATE_STORE_ENGINES(StorePartnerCapabilityFile);
