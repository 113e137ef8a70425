// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Config/Configuration.h"

#include "ConfigTestSupport.h"

#include <gtest/gtest.h>
#include <thread>
#include <json/reader.h>
#include <json/writer.h>

#include <memory>

using namespace DicomMail;

using ConfigTest::ErrorOf;
using ConfigTest::Parse;

TEST(Configuration, DefaultsWhenSectionIsMissing)
{
  const Configuration c = Configuration::Parse(Json::Value());
  EXPECT_EQ("ed25519", c.keyAlgorithm);
  EXPECT_EQ(10000000u, c.maxMailSize);
  EXPECT_EQ("/var/lib/orthanc/dicom-mail/gnupg", c.gnupgHome);
  EXPECT_FALSE(c.smtpConfigured);
  EXPECT_TRUE(c.incoming.empty());
  EXPECT_FALSE(c.binaryDicomParts);   // the wire profile's base64 unless asked
  EXPECT_FALSE(c.dicomPartEncodingConfigured);   // so partners may teach binary parts (#15)
}

TEST(Configuration, ExplicitBase64IsRememberedAsConfigured)
{
  const Configuration c = Configuration::Parse(Parse(R"({"DicomPartEncoding": "base64"})"));
  EXPECT_FALSE(c.binaryDicomParts);
  EXPECT_TRUE(c.dicomPartEncodingConfigured);
}

TEST(Configuration, FullExample)
{
  const Configuration c = Configuration::Parse(Parse(R"({
    "SiteAddress": "pacs@hospital.test", "SiteName": "Hospital",
    "StateDirectory": "/tmp/dm", "MaxMailSize": 5000000, "DicomPartEncoding": "binary",
    "Smtp": {"Url": "smtp://127.0.0.1:2525", "User": "u", "Password": "secret"},
    "Incoming": [{"Name": "in", "Url": "imaps://127.0.0.1:1993", "User": "u", "Password": "p", "PollInterval": 5},
                 {"Url": "pop3s://127.0.0.1:1995"}],
    "Partners": {"referrer": {"Addresses": ["a@referrer.test"],
                              "Fingerprint": "0123 4567 89ab cdef 0123 4567 89AB CDEF 0123 4567"}}
  })"));
  EXPECT_EQ("/tmp/dm/gnupg", c.gnupgHome);
  EXPECT_EQ("hospital.test", c.smtp.heloName);
  ASSERT_EQ(2u, c.incoming.size());
  EXPECT_EQ("account2", c.incoming[1].name);
  EXPECT_EQ(5u, c.incoming[0].pollInterval);
  ASSERT_EQ(1u, c.partners.size());
  EXPECT_EQ("0123456789ABCDEF0123456789ABCDEF01234567", c.partners[0].fingerprint);
  EXPECT_TRUE(c.partners[0].fromConfiguration);
  EXPECT_TRUE(c.binaryDicomParts);
  EXPECT_TRUE(c.dicomPartEncodingConfigured);
  EXPECT_EQ("binary", c.ToPublicJson()["DicomPartEncoding"].asString());
}

TEST(Configuration, ErrorsNameTheKey)
{
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Smtp": {"Url": "http://x"}})").find("DicomMail.Smtp.Url"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Smtp": {"Url": "smtp://"}})").find("no host"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Smtp": {"Url": "smtp://h:99999"}})").find("invalid port"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Colour": 1})").find("DicomMail.Colour\": unknown key"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"MaxMailSize": -5})").find("DicomMail.MaxMailSize"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"DicomPartEncoding": "8bit"})")
            .find("DicomMail.DicomPartEncoding\": must be \"base64\" or \"binary\""));
  EXPECT_NE(std::string::npos,
            ErrorOf(R"({"Incoming": [{"Url": "imap://h", "PasswordFile": "/nonexistent/pw"}]})")
            .find("DicomMail.Incoming[0].PasswordFile\": file not found"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Incoming": [{"Url": "imap://h", "Foldr": "x"}]})")
            .find("DicomMail.Incoming[0].Foldr"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Partners": {"p": {"Addresses": ["x"]}}})")
            .find("DicomMail.Partners.p.Addresses"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Partners": {"p": {"Addresses": ["x@y"], "Fingerprint": "abc"}}})")
            .find("DicomMail.Partners.p.Fingerprint"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"GnupgHome": "/)" + std::string(90, 'a') + R"("})")
            .find("86"));
}

TEST(Configuration, PasswordNeverInErrorsOrPublicJson)
{
  const std::string error = ErrorOf(R"({"Smtp": {"Url": "ftp://h", "Password": "TopSecret42"}})");
  EXPECT_EQ(std::string::npos, error.find("TopSecret42"));
  const Configuration c = Configuration::Parse(Parse(
    R"({"Smtp": {"Url": "smtps://h", "User": "u", "Password": "TopSecret42"}})"));
  Json::StreamWriterBuilder w;
  EXPECT_EQ(std::string::npos, Json::writeString(w, c.ToPublicJson()).find("TopSecret42"));
}

TEST(Configuration, GpgTimeout)
{
  EXPECT_EQ(600u, Configuration::Parse(Json::Value()).gpgTimeout);
  EXPECT_EQ(30u, Configuration::Parse(Parse(R"({"GpgTimeout": 30})")).gpgTimeout);
  EXPECT_NE(std::string::npos, ErrorOf(R"({"GpgTimeout": 0})").find("DicomMail.GpgTimeout"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"GpgTimeout": "fast"})").find("DicomMail.GpgTimeout"));
}

// #15: two mails decrypted at once where there are two cores, or as set.
TEST(Configuration, ReceiveDecryptWorkers)
{
  const Configuration automatic = Configuration::Parse(Json::Value());
  EXPECT_EQ(0u, automatic.receiveDecryptWorkers);
  EXPECT_EQ(std::thread::hardware_concurrency() >= 2 ? 2u : 1u, automatic.DecryptWorkers());
  const Configuration three = Configuration::Parse(Parse(R"({"ReceiveDecryptWorkers": 3})"));
  EXPECT_EQ(3u, three.DecryptWorkers());
  EXPECT_EQ(3, three.ToPublicJson()["ReceiveDecryptWorkers"].asInt());
  EXPECT_EQ(1u, Configuration::Parse(Parse(R"({"ReceiveDecryptWorkers": 1})")).DecryptWorkers());
  EXPECT_NE(std::string::npos, ErrorOf(R"({"ReceiveDecryptWorkers": 9})").find("DicomMail.ReceiveDecryptWorkers"));
}

TEST(Configuration, ReceiveBoundsAndKeptMail)
{
  const Configuration defaults = Configuration::Parse(Json::Value());
  EXPECT_EQ(20u, defaults.limits.decompressionRatio);
  EXPECT_EQ(256000000u, defaults.limits.decompressionFloorBytes);
  EXPECT_EQ(500000000u, defaults.limits.minFreeDiskBytes);
  EXPECT_EQ(1000000000u, defaults.keptMail.maxBytes);
  EXPECT_EQ(30u, defaults.keptMail.maxAgeDays);

  // A small mail gets the floor, a large one the ratio, never more than the cap.
  EXPECT_EQ(256000000u, defaults.limits.DecompressedBytesFor(3000));
  EXPECT_EQ(400000000u, defaults.limits.DecompressedBytesFor(20000000));
  EXPECT_EQ(4000000000u, defaults.limits.DecompressedBytesFor(1000000000));
  EXPECT_EQ(4000000000u, defaults.limits.DecompressedBytesFor(UINT64_MAX / 2));

  const Configuration c = Configuration::Parse(Parse(R"({
    "Limits": {"DecompressionRatio": 5, "DecompressionFloorBytes": 2000000, "MinFreeDiskMB": 7,
               "MaxUnauthenticatedRecords": 50},
    "KeptMail": {"MaxBytes": 123456, "MaxAgeDays": 2}
  })"));
  EXPECT_EQ(2000000u, c.limits.DecompressedBytesFor(100));
  EXPECT_EQ(5000000u, c.limits.DecompressedBytesFor(1000000));
  EXPECT_EQ(7000000u, c.limits.minFreeDiskBytes);
  EXPECT_EQ(10000u, defaults.limits.maxUnauthenticatedRecords);
  EXPECT_EQ(50u, c.limits.maxUnauthenticatedRecords);
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Limits": {"MaxUnauthenticatedRecords": 0}})")
            .find("DicomMail.Limits.MaxUnauthenticatedRecords"));
  EXPECT_EQ(123456u, c.keptMail.maxBytes);
  EXPECT_EQ(2u, c.keptMail.maxAgeDays);

  EXPECT_NE(std::string::npos, ErrorOf(R"({"Limits": {"DecompressionRatio": 1}})")
            .find("DicomMail.Limits.DecompressionRatio"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Limits": {"MinFreeDiskMB": -1}})").find("DicomMail.Limits.MinFreeDiskMB"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"KeptMail": {"MaxAgeDays": 0}})").find("DicomMail.KeptMail.MaxAgeDays"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"KeptMail": {"MaxCount": 3}})").find("DicomMail.KeptMail.MaxCount"));
}

TEST(Configuration, PolledFoldersAndProcessedRetention)
{
  const Configuration single = Configuration::Parse(Parse(
    R"({"Incoming": [{"Url": "imap://h", "Password": "p", "Folder": "Posteingang"}]})"));
  ASSERT_EQ(1u, single.incoming.size());
  EXPECT_EQ(std::vector<std::string>({"Posteingang"}), single.incoming[0].folders);
  EXPECT_EQ("Posteingang", single.incoming[0].folder);
  EXPECT_EQ(30u * 86400, single.incoming[0].processedRetentionSeconds);

  const Configuration spam = Configuration::Parse(Parse(
    R"({"Incoming": [{"Url": "imap://h", "Password": "p", "Folders": ["INBOX", "Junk"],
                      "ProcessedRetentionDays": 0}]})"));
  EXPECT_EQ(std::vector<std::string>({"INBOX", "Junk"}), spam.incoming[0].folders);
  EXPECT_EQ("INBOX", spam.incoming[0].folder);
  EXPECT_EQ(0u, spam.incoming[0].processedRetentionSeconds);

  const Configuration seconds = Configuration::Parse(Parse(
    R"({"Incoming": [{"Url": "imap://h", "Password": "p", "ProcessedRetentionSeconds": 20}]})"));
  EXPECT_EQ(20u, seconds.incoming[0].processedRetentionSeconds);

  EXPECT_NE(std::string::npos, ErrorOf(R"({"Incoming": [{"Url": "imap://h", "Password": "p",
                                          "Folder": "INBOX", "Folders": ["Junk"]}]})")
            .find("DicomMail.Incoming[0].Folder"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Incoming": [{"Url": "imap://h", "Password": "p", "Folders": []}]})")
            .find("DicomMail.Incoming[0].Folders"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Incoming": [{"Url": "imap://h", "Password": "p",
                                          "Folders": ["INBOX", "INBOX"]}]})")
            .find("distinct"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Incoming": [{"Url": "imap://h", "Password": "p",
                                          "ProcessedRetentionDays": -1}]})")
            .find("DicomMail.Incoming[0].ProcessedRetentionDays"));
}
