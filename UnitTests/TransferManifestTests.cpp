// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Transfer/Manifest.h"

#include <gtest/gtest.h>

#include <json/json.h>

using namespace DicomMail;

namespace
{
  const std::string kHashA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const std::string kHashB = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  Manifest MakeManifest()
  {
    Manifest manifest;
    manifest.setId = "20261128.031502.9f3c1a7e";
    manifest.part = 2;
    manifest.total = 5;
    manifest.setInstances = 412;
    manifest.setBytes = 215000000;
    manifest.instances.push_back({ "1.2.840.113619.2.55.3.1", kHashA, 528432, "IM000001.dcm" });
    manifest.instances.push_back({ "1.2.840.113619.2.55.3.2", kHashB, 0, "IM000002.dcm" });
    return manifest;
  }

  Json::Value ToJsonValue(const std::string& text)
  {
    Json::Value value;
    Json::CharReaderBuilder builder;
    std::string errors;
    std::istringstream stream(text);
    EXPECT_TRUE(Json::parseFromStream(builder, stream, &value, &errors)) << errors;
    return value;
  }

  std::string Write(const Json::Value& value)
  {
    Json::StreamWriterBuilder builder;
    return Json::writeString(builder, value);
  }

  // Parses and expects an error whose message contains "fragment".
  void ExpectRejected(const std::string& json, const std::string& fragment,
                      ErrorKind kind = ErrorKind::BadInput,
                      const ManifestLimits& limits = ManifestLimits())
  {
    try
    {
      Manifest::Parse(json, limits);
      ADD_FAILURE() << "accepted: " << json.substr(0, 300);
    }
    catch (const Error& e)
    {
      EXPECT_EQ(kind, e.GetKind()) << e.what();
      EXPECT_NE(std::string::npos, std::string(e.what()).find(fragment))
        << "message \"" << e.what() << "\" does not mention \"" << fragment << "\"";
    }
  }

  // The valid manifest with one change applied to its JSON tree.
  template <typename Change>
  std::string Modified(Change change)
  {
    Json::Value value = ToJsonValue(MakeManifest().ToJson());
    change(value);
    return Write(value);
  }
}

TEST(TransferManifest, RoundTrip)
{
  const std::string json = MakeManifest().ToJson();
  const Json::Value value = ToJsonValue(json);
  EXPECT_EQ("20261128.031502.9f3c1a7e", value["SetId"].asString());
  EXPECT_EQ(2, value["Part"].asInt());
  EXPECT_EQ(5, value["Total"].asInt());
  EXPECT_EQ(412u, value["SetInstances"].asUInt64());
  EXPECT_EQ(215000000u, value["SetBytes"].asUInt64());
  ASSERT_EQ(2u, value["Instances"].size());
  EXPECT_EQ("1.2.840.113619.2.55.3.1", value["Instances"][0]["SOPInstanceUID"].asString());
  EXPECT_EQ(kHashA, value["Instances"][0]["SHA256"].asString());
  EXPECT_EQ(528432u, value["Instances"][0]["Size"].asUInt64());
  EXPECT_EQ("IM000001.dcm", value["Instances"][0]["Name"].asString());

  const Manifest parsed = Manifest::Parse(json);
  EXPECT_EQ("20261128.031502.9f3c1a7e", parsed.setId);
  EXPECT_EQ(2u, parsed.part);
  EXPECT_EQ(5u, parsed.total);
  EXPECT_EQ(412u, parsed.setInstances);
  EXPECT_EQ(215000000u, parsed.setBytes);
  ASSERT_EQ(2u, parsed.instances.size());
  EXPECT_EQ("1.2.840.113619.2.55.3.2", parsed.instances[1].sopInstanceUid);
  EXPECT_EQ(kHashB, parsed.instances[1].sha256);
  EXPECT_EQ(0u, parsed.instances[1].size);
  EXPECT_EQ("IM000002.dcm", parsed.instances[1].name);
}

TEST(TransferManifest, LargeSizesSurvive)
{
  Manifest manifest = MakeManifest();
  manifest.setBytes = 40000000000ull;
  manifest.instances[0].size = 30000000000ull;   // above 32 bits
  const Manifest parsed = Manifest::Parse(manifest.ToJson());
  EXPECT_EQ(30000000000ull, parsed.instances[0].size);
  EXPECT_EQ(40000000000ull, parsed.setBytes);
}

TEST(TransferManifest, ToleratesUnknownKeysAndUpperCaseHashes)
{
  const std::string json = Modified([](Json::Value& v)
  {
    v["FutureKey"] = "whatever";
    v["Instances"][0]["Modality"] = "CT";
    v["Instances"][0]["SHA256"] = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  });
  const Manifest parsed = Manifest::Parse(json);
  EXPECT_EQ(kHashA, parsed.instances[0].sha256);   // normalised to lower case
}

TEST(TransferManifest, EmptyInstanceListIsValid)
{
  Manifest manifest = MakeManifest();
  manifest.instances.clear();
  EXPECT_EQ(0u, Manifest::Parse(manifest.ToJson()).instances.size());
}

TEST(TransferManifest, RejectsMalformedJson)
{
  ExpectRejected("", "not valid JSON");
  ExpectRejected("{\"SetId\": ", "not valid JSON");
  ExpectRejected("[1, 2]", "not a JSON object");
  ExpectRejected("\"text\"", "");
  ExpectRejected("{} trailing", "");
  // Two values for one key: readers could disagree on which one counts.
  ExpectRejected("{\"SetId\": \"a\", \"SetId\": \"b\", \"Part\": 1, \"Total\": 1, "
                 "\"SetInstances\": 0, \"SetBytes\": 0, \"Instances\": []}", "not valid JSON");
  // Deep nesting is refused before it can exhaust the stack.
  ExpectRejected(std::string(100000, '[') + std::string(100000, ']'), "");
}

TEST(TransferManifest, RejectsMissingKeysAndWrongTypes)
{
  for (const char* key : { "SetId", "Part", "Total", "SetInstances", "SetBytes", "Instances" })
  {
    ExpectRejected(Modified([key](Json::Value& v) { v.removeMember(key); }),
                   std::string("missing \"") + key + "\"");
  }
  for (const char* key : { "SOPInstanceUID", "SHA256", "Size", "Name" })
  {
    ExpectRejected(Modified([key](Json::Value& v) { v["Instances"][1].removeMember(key); }),
                   std::string("missing \"") + key + "\" in instance 1");
  }

  ExpectRejected(Modified([](Json::Value& v) { v["Part"] = "2"; }), "\"Part\" is not an integer");
  ExpectRejected(Modified([](Json::Value& v) { v["Part"] = 2.5; }), "\"Part\" is not an integer");
  ExpectRejected(Modified([](Json::Value& v) { v["Total"] = true; }), "\"Total\" is not an integer");
  ExpectRejected(Modified([](Json::Value& v) { v["SetId"] = 12; }), "\"SetId\" is not a string");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"] = Json::objectValue; }), "not an array");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0] = "IM000001.dcm"; }),
                 "instance 0 is not a JSON object");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["Size"] = -1; }),
                 "\"Size\" in instance 0 is negative");
  ExpectRejected(Modified([](Json::Value& v) { v["SetBytes"] = -5; }), "\"SetBytes\" is negative");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["Size"] = 1e30; }), "not an integer");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["SHA256"] = Json::nullValue; }),
                 "\"SHA256\" in instance 0 is not a string");
}

TEST(TransferManifest, RejectsBadHashes)
{
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["SHA256"] = kHashA.substr(0, 63); }),
                 "\"SHA256\" in instance 0 is not 64 hexadecimal digits");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["SHA256"] = kHashA + "0"; }),
                 "not 64 hexadecimal digits");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][1]["SHA256"] = "g" + kHashA.substr(1); }),
                 "\"SHA256\" in instance 1");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["SHA256"] = ""; }),
                 "not 64 hexadecimal digits");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][0]["SHA256"] = " " + kHashA.substr(1); }),
                 "not 64 hexadecimal digits");
}

TEST(TransferManifest, RejectsBadUidsNamesAndIds)
{
  for (const char* uid : { "", "1.2.a", "1..2", ".1.2", "1.2.", "1.2 3",
                           "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26" })
  {
    ExpectRejected(Modified([uid](Json::Value& v) { v["Instances"][0]["SOPInstanceUID"] = uid; }),
                   "\"SOPInstanceUID\" in instance 0 is not a UID");
  }
  for (const char* name : { "", "../../etc/passwd", "im000001.dcm", "IM0000001.dcm", "DOE^JOHN.dcm" })
  {
    ExpectRejected(Modified([name](Json::Value& v) { v["Instances"][1]["Name"] = name; }),
                   "\"Name\" in instance 1");
  }
  ExpectRejected(Modified([](Json::Value& v) { v["SetId"] = "a/b"; }), "\"SetId\"");
  ExpectRejected(Modified([](Json::Value& v) { v["SetId"] = ""; }), "\"SetId\"");
}

TEST(TransferManifest, RejectsInconsistentNumbers)
{
  ExpectRejected(Modified([](Json::Value& v) { v["Total"] = 0; }), "\"Total\" is 0");
  ExpectRejected(Modified([](Json::Value& v) { v["Part"] = 0; }), "\"Part\" 0 is outside 1..5");
  ExpectRejected(Modified([](Json::Value& v) { v["Part"] = 6; }), "\"Part\" 6 is outside 1..5");
  ExpectRejected(Modified([](Json::Value& v) { v["Part"] = Json::UInt64(1) << 40; }), "too large");
  ExpectRejected(Modified([](Json::Value& v) { v["SetInstances"] = 1; }),
                 "lists 2 instances but \"SetInstances\" is 1");
  ExpectRejected(Modified([](Json::Value& v) { v["SetBytes"] = 528431; }),
                 "add up to 528432 bytes, more than \"SetBytes\" 528431");
  ExpectRejected(Modified([](Json::Value& v)
  {
    v["Instances"][0]["Size"] = Json::UInt64(18446744073709551615ull);
    v["Instances"][1]["Size"] = 2;
    v["SetBytes"] = Json::UInt64(18446744073709551615ull);
  }), "overflow");
}

TEST(TransferManifest, RejectsDuplicates)
{
  ExpectRejected(Modified([](Json::Value& v)
  {
    v["Instances"][1]["SOPInstanceUID"] = v["Instances"][0]["SOPInstanceUID"];
  }), "listed twice");
  ExpectRejected(Modified([](Json::Value& v) { v["Instances"][1]["Name"] = "IM000001.dcm"; }),
                 "name IM000001.dcm is listed twice");
}

TEST(TransferManifest, Limits)
{
  ManifestLimits limits;
  limits.maxInstances = 1;
  ExpectRejected(MakeManifest().ToJson(), "2 instances, more than the allowed 1",
                 ErrorKind::LimitExceeded, limits);

  limits = ManifestLimits();
  limits.maxJsonBytes = 100;
  ExpectRejected(MakeManifest().ToJson(), "more than the allowed 100", ErrorKind::LimitExceeded, limits);
}

TEST(TransferManifest, ToJsonRefusesWhatParseWouldRefuse)
{
  Manifest manifest = MakeManifest();
  manifest.instances[0].sha256 = "abc";
  EXPECT_THROW(manifest.ToJson(), Error);

  manifest = MakeManifest();
  manifest.part = 9;
  EXPECT_THROW(manifest.ToJson(), Error);
}
