// SPDX-License-Identifier: GPL-3.0-or-later
// Names of the site and of partners: any UTF-8, refused only when no header
// could carry them (issue #26).
#include "Core/Common/Error.h"
#include "Core/Config/Configuration.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  const std::string kSouth = "Klinikum S\xC3\xBC" "d, Radiologie";
  const std::string kCologne = "Praxis Dr. M\xC3\xBCller & Partner (K\xC3\xB6ln)";

  Json::Value Section(const std::string& siteName)
  {
    Json::Value section;
    section["SiteName"] = siteName;
    return section;
  }

  std::string ErrorOf(const Json::Value& section)
  {
    try
    {
      Configuration::Parse(section);
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
      return e.what();
    }
    return "";
  }

  Json::Value Partner(const std::string& displayName)
  {
    Json::Value partner;
    partner["Addresses"].append("images@koeln.example");
    partner["DisplayName"] = displayName;
    return partner;
  }
}

TEST(ConfigurationNames, SiteNameTakesAnyUtf8)
{
  EXPECT_EQ(kSouth, Configuration::Parse(Section(kSouth)).siteName);
  EXPECT_EQ("Klinikum \"S\xC3\xBC" "d\"", Configuration::Parse(Section("Klinikum \"S\xC3\xBC" "d\"")).siteName);
  EXPECT_EQ("A <b> (c)", Configuration::Parse(Section("A <b> (c)")).siteName);
}

TEST(ConfigurationNames, UnrepresentableSiteNamesAreRefusedNamingTheKey)
{
  for (const std::string& bad : { std::string("Klinikum\nBcc: x@y"), std::string("tab\there"),
                                 std::string("Latin-1 S\xFC" "d"), std::string(""), std::string(300, 'x') })
  {
    const std::string error = ErrorOf(Section(bad));
    EXPECT_NE(std::string::npos, error.find("DicomMail.SiteName")) << error;
  }
  EXPECT_NE(std::string::npos, ErrorOf(Section("S\xC3\xBC" "d\x01")).find("control character"));
  EXPECT_NE(std::string::npos, ErrorOf(Section("S\xFC" "d")).find("UTF-8"));

  Json::Value section;
  section["Subject"] = "Bilder\x7f";
  EXPECT_NE(std::string::npos, ErrorOf(section).find("DicomMail.Subject"));
  section["Subject"] = "Bilder f\xC3\xBCr Sie";
  EXPECT_EQ("Bilder f\xC3\xBCr Sie", Configuration::Parse(section).subject);
}

TEST(ConfigurationNames, PartnerDisplayName)
{
  Json::Value section;
  section["Partners"]["koeln"] = Partner(kCologne);
  section["Partners"]["plain"]["Addresses"].append("a@plain.example");
  const Configuration config = Configuration::Parse(section);
  ASSERT_EQ(2u, config.partners.size());
  for (const PartnerSettings& p : config.partners)
  {
    EXPECT_EQ(p.name == "koeln" ? kCologne : std::string("plain"), p.displayName) << p.name;
  }

  section["Partners"]["koeln"] = Partner("bad\r\nname");
  EXPECT_NE(std::string::npos, ErrorOf(section).find("DicomMail.Partners.koeln.DisplayName"));
}

TEST(ConfigurationNames, PartnerDirectoryKeepsTheDisplayName)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  PartnerStore store(db);
  PartnerDirectory directory({}, store, 10000000);

  Json::Value body;
  body["Addresses"].append("images@koeln.example");
  EXPECT_EQ("koeln", directory.Put("koeln", body).displayName);     // default: the id
  EXPECT_EQ("koeln", PartnerDirectory::ToJson(directory.List()[0])["DisplayName"].asString());

  body["DisplayName"] = kCologne;
  directory.Put("koeln", body);
  PartnerSettings partner;
  ASSERT_TRUE(directory.Lookup("koeln", partner));
  EXPECT_EQ(kCologne, partner.displayName);
  EXPECT_EQ(kCologne, directory.GetDisplayName("koeln"));
  EXPECT_EQ("", directory.GetDisplayName("nobody"));

  // The id stays restricted: it is a URL segment.
  EXPECT_THROW(directory.Put("Praxis M\xC3\xBCller", body), Error);
  for (const std::string& bad : { std::string("a\nb"), std::string("S\xFC" "d") })
  {
    body["DisplayName"] = bad;
    try
    {
      directory.Put("koeln", body);
      ADD_FAILURE() << "accepted " << bad;
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
      EXPECT_NE(std::string::npos, std::string(e.what()).find("DisplayName")) << e.what();
    }
  }
  body["DisplayName"] = 5;
  EXPECT_THROW(directory.Put("koeln", body), Error);
  EXPECT_EQ(kCologne, directory.GetDisplayName("koeln"));    // unchanged by the refused ones
}

TEST(ConfigurationNames, PartnersOfAnOlderDatabaseGetTheirIdAsName)
{
  TempDirectory dir;
  const std::string path = dir.File("records.db");
  {
    // The partners table as schema version 2 left it, with one partner.
    SqliteDatabase db(path);
    db.Execute("CREATE TABLE partners (name TEXT PRIMARY KEY, addresses TEXT NOT NULL, "
               "fingerprint TEXT NOT NULL, max_mail_size INTEGER NOT NULL, "
               "acknowledgements INTEGER NOT NULL, compression INTEGER NOT NULL);"
               "CREATE TABLE inbox_mails (id INTEGER PRIMARY KEY, set_id TEXT NOT NULL);"
               "CREATE TABLE fragments (partial_id TEXT NOT NULL);"
               // The tables later versions add columns to.
               "CREATE TABLE routing_sent (instance_id TEXT NOT NULL);"
               "CREATE TABLE outbox_mails (set_id TEXT NOT NULL);"
               "CREATE TABLE outbox_transfers (set_id TEXT PRIMARY KEY, partner TEXT, created TEXT, state TEXT, "
               "finished TEXT);"
               "CREATE TABLE inbox_transfers (set_id TEXT PRIMARY KEY, partner TEXT, first_received TEXT, "
               "state TEXT, completed_at TEXT);"
               "INSERT INTO partners VALUES ('koeln', '[\"images@koeln.example\"]', '', 0, 1, 1);");
    db.SetUserVersion(2);
  }
  SqliteDatabase db(path);
  PartnerStore store(db);
  EXPECT_EQ(StoreSchema::LatestVersion(), db.GetUserVersion());
  PartnerRecord record;
  ASSERT_TRUE(store.Get("koeln", record));
  EXPECT_EQ("", record.displayName);
  EXPECT_EQ(std::vector<std::string>({ "images@koeln.example" }), record.addresses);
  PartnerDirectory directory({}, store, 10000000);
  EXPECT_EQ("koeln", directory.GetDisplayName("koeln"));
}
