// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/Database.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace DicomMail;

namespace
{
  PartnerRecord MakePartner(const std::string& name)
  {
    PartnerRecord p;
    p.name = name;
    p.addresses = { "pacs@" + name + ".example", "backup@" + name + ".example" };
    p.fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    p.maxMailSize = 25000000;
    p.acknowledgements = false;
    p.compression = true;
    return p;
  }

  void ExpectSame(const PartnerRecord& a, const PartnerRecord& b)
  {
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.addresses, b.addresses);
    EXPECT_EQ(a.fingerprint, b.fingerprint);
    EXPECT_EQ(a.maxMailSize, b.maxMailSize);
    EXPECT_EQ(a.acknowledgements, b.acknowledgements);
    EXPECT_EQ(a.compression, b.compression);
  }
}

class StorePartner : public StoreEngineTest
{
};

TEST_P(StorePartner, PutGetListRemove)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  PartnerStore store(db);

  EXPECT_TRUE(store.List().empty());
  PartnerRecord out;
  EXPECT_FALSE(store.Get("zeta", out));

  store.Put(MakePartner("zeta"));
  store.Put(MakePartner("alpha"));

  ASSERT_TRUE(store.Get("zeta", out));
  ExpectSame(MakePartner("zeta"), out);

  const std::vector<PartnerRecord> all = store.List();
  ASSERT_EQ(2u, all.size());
  EXPECT_EQ("alpha", all[0].name);  // by name
  EXPECT_EQ("zeta", all[1].name);
  ExpectSame(MakePartner("alpha"), all[0]);

  EXPECT_TRUE(store.Remove("alpha"));
  EXPECT_FALSE(store.Remove("alpha"));
  EXPECT_FALSE(store.Get("alpha", out));
  EXPECT_EQ(1u, store.List().size());
}

TEST_P(StorePartner, PutReplacesTheWholeRecord)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  PartnerStore store(db);

  store.Put(MakePartner("clinic"));
  PartnerRecord changed = MakePartner("clinic");
  changed.addresses = { "only@clinic.example" };
  changed.fingerprint = "FEDCBA9876543210FEDCBA9876543210FEDCBA98";
  changed.maxMailSize = 5000000000ull;  // above 32 bits
  changed.acknowledgements = true;
  changed.compression = false;
  store.Put(changed);

  ASSERT_EQ(1u, store.List().size());
  PartnerRecord out;
  ASSERT_TRUE(store.Get("clinic", out));
  ExpectSame(changed, out);
}

TEST_P(StorePartner, EmptyAddressListRoundTrips)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  PartnerStore store(db);
  PartnerRecord p = MakePartner("nobody");
  p.addresses.clear();
  store.Put(p);
  PartnerRecord out;
  ASSERT_TRUE(store.Get("nobody", out));
  EXPECT_TRUE(out.addresses.empty());
}

TEST_P(StorePartner, RejectsEmptyName)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  PartnerStore store(db);
  try
  {
    store.Put(MakePartner(""));
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
  }
  EXPECT_TRUE(store.List().empty());
}

TEST_P(StorePartner, SurvivesReopen)
{
  {
    std::unique_ptr<Database> dbOpened = Open();
    Database& db = *dbOpened;
    PartnerStore store(db);
    store.Put(MakePartner("clinic"));
  }
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  PartnerStore store(db);
  PartnerRecord out;
  ASSERT_TRUE(store.Get("clinic", out));
  ExpectSame(MakePartner("clinic"), out);
}

INSTANTIATE_STORE_ENGINES(StorePartner);
