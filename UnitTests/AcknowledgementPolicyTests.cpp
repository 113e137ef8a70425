// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReceivingTestSupport.h"

#include "Core/Acknowledgement/AcknowledgementMatch.h"
#include "Core/Acknowledgement/AcknowledgementPolicy.h"

#include <gtest/gtest.h>

using namespace DicomMail;
using namespace ReceivingTest;

namespace
{
  const char* const kPartnerKey = "0123456789ABCDEF0123456789ABCDEF01234567";

  class AcknowledgementPolicyTest : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      trust_.Add(kHospital, "Hospital", kPartnerKey);
      trust_.Add("archive@site-a.test", "Hospital", kPartnerKey);
      trust_.Add(kClinic, "Clinic", "89ABCDEF0123456789ABCDEF0123456789ABCDEF");
      result_.authenticated = true;
      result_.outcome = ProcessOutcome::Imported;
      result_.disposition = Disposition::Displayed;
      result_.setId = "20260101.120000.0badcafe";
      result_.part = 2;
      result_.total = 3;
      result_.messageId = "<m-2@site-a.test>";
      result_.fromAddress = kHospital;
      result_.dispositionNotificationTo = kHospital;
      result_.partner = "Hospital";
      result_.signerFingerprint = kPartnerKey;
    }

    bool Decide(AcknowledgementPolicy::Decision& decision, const std::string& siteKey = "SITEKEY")
    {
      const AcknowledgementPolicy policy(trust_, kReferrer, siteKey);
      return policy.Decide(result_, decision);
    }

    MapTrustPolicy trust_;
    ProcessResult result_;
  };
}

TEST_F(AcknowledgementPolicyTest, AnswersTheVerifiedPartner)
{
  AcknowledgementPolicy::Decision d;
  ASSERT_TRUE(Decide(d));
  EXPECT_EQ(kHospital, d.recipient);
  EXPECT_FALSE(d.redirected);
  EXPECT_EQ("<m-2@site-a.test>", d.content.originalMessageId);
  EXPECT_EQ("20260101.120000.0badcafe", d.content.setId);
  EXPECT_EQ("2", d.content.setPart);
  EXPECT_EQ(kReferrer, d.content.finalRecipient);
  EXPECT_EQ(Disposition::Displayed, d.content.disposition);
}

TEST_F(AcknowledgementPolicyTest, NothingForUnauthenticatedMail)
{
  AcknowledgementPolicy::Decision d;
  result_.authenticated = false;   // unsigned, unknown signer, bad signature, quarantined
  result_.outcome = ProcessOutcome::Rejected;
  result_.disposition = Disposition::Deleted;
  EXPECT_FALSE(Decide(d));
  result_.outcome = ProcessOutcome::Quarantined;
  EXPECT_FALSE(Decide(d));
}

TEST_F(AcknowledgementPolicyTest, NothingWithoutRequestSiteKeyOrNumbers)
{
  AcknowledgementPolicy::Decision d;
  EXPECT_FALSE(Decide(d, ""));
  result_.dispositionNotificationTo.clear();
  EXPECT_FALSE(Decide(d));
  SetUp();
  result_.messageId.clear();
  EXPECT_FALSE(Decide(d));
  SetUp();
  result_.setId.clear();
  EXPECT_FALSE(Decide(d));
  SetUp();
  result_.localFailure = true;
  EXPECT_FALSE(Decide(d));
}

TEST_F(AcknowledgementPolicyTest, OnlyToAnAddressOfThatPartner)
{
  AcknowledgementPolicy::Decision d;
  result_.dispositionNotificationTo = "archive@site-a.test";
  ASSERT_TRUE(Decide(d));
  EXPECT_EQ("archive@site-a.test", d.recipient);
  EXPECT_FALSE(d.redirected);

  for (const char* foreign : { kStranger, kClinic })
  {
    result_.dispositionNotificationTo = foreign;
    ASSERT_TRUE(Decide(d));
    EXPECT_EQ(kHospital, d.recipient) << foreign;
    EXPECT_TRUE(d.redirected);
  }

  // A From that is not the partner's (cannot happen after an accepted
  // signature, but the policy does not rely on it): no answer.
  result_.fromAddress = kStranger;
  EXPECT_FALSE(Decide(d));
}

TEST_F(AcknowledgementPolicyTest, DetailIsPrintableAndShort)
{
  AcknowledgementPolicy::Decision d;
  result_.reasons.push_back(std::string("bad\r\nInjected: yes\x01") + std::string(2000, 'x'));
  ASSERT_TRUE(Decide(d));
  EXPECT_EQ(AcknowledgementPolicy::kMaxDetail, d.content.detail.size());
  for (char c : d.content.detail)
  {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f);
  }
}

TEST(AcknowledgementMatchTest, SignedNumbersMustNameTheMail)
{
  AcknowledgementReport report;
  EXPECT_NE("", AcknowledgementMatch::Mismatch(report, "s.1", 1));
  report.setId = "s.1";
  report.setPart = "1";
  EXPECT_EQ("", AcknowledgementMatch::Mismatch(report, "s.1", 1));
  EXPECT_NE("", AcknowledgementMatch::Mismatch(report, "s.1", 2));
  EXPECT_NE("", AcknowledgementMatch::Mismatch(report, "s.2", 1));
  report.setPart = "01";
  EXPECT_NE("", AcknowledgementMatch::Mismatch(report, "s.1", 1));
}
