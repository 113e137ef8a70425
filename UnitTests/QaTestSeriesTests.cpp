// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in QA test series (#17): the same bytes, hence the same
// SHA-256, at every run.

#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Transfer/Sha256.h"

#include <gtest/gtest.h>

#include <set>

using namespace DicomMail;

TEST(QaTestSeries, IsAFewSmallDicomFilesOfFixedHash)
{
  const std::vector<QaTestSeries::Instance> series = QaTestSeries::Generate();
  ASSERT_EQ(3u, series.size());
  std::set<std::string> uids, hashes;
  for (const QaTestSeries::Instance& instance : series)
  {
    ASSERT_GT(instance.content.size(), 132u + 8192u);
    EXPECT_EQ("DICM", instance.content.substr(128, 4));
    EXPECT_EQ(std::string(128, '\0'), instance.content.substr(0, 128));
    Sha256 hash;
    hash.Write(instance.content.data(), instance.content.size());
    EXPECT_EQ(hash.FinishHex(), instance.sha256);
    std::string fixed;
    ASSERT_TRUE(QaTestSeries::ExpectedSha256(instance.sopInstanceUid, fixed));
    EXPECT_EQ(fixed, instance.sha256) << "the test series changed: " << instance.sopInstanceUid;
    EXPECT_LE(instance.sopInstanceUid.size(), 64u);
    uids.insert(instance.sopInstanceUid);
    hashes.insert(instance.sha256);
  }
  EXPECT_EQ(3u, uids.size());
  EXPECT_EQ(3u, hashes.size());   // the slices differ

  const std::vector<QaTestSeries::Instance> again = QaTestSeries::Generate();
  for (size_t i = 0; i < series.size(); i++)
  {
    EXPECT_EQ(series[i].content, again[i].content);
  }
  std::string none;
  EXPECT_FALSE(QaTestSeries::ExpectedSha256("1.2.3", none));
}

TEST(QaTestSeries, CarriesTheStudyUidAndNoRealPatient)
{
  const std::string content = QaTestSeries::Generate().front().content;
  EXPECT_NE(std::string::npos, content.find(QaTestSeries::StudyInstanceUid()));
  EXPECT_NE(std::string::npos, content.find("DICOMMAIL^QATEST"));
  EXPECT_NE(std::string::npos, content.find("1.2.840.10008.1.2.1"));   // Explicit VR Little Endian
}
