// SPDX-License-Identifier: GPL-3.0-or-later
// Partners made from a bulk import's keys (#25).
#include "Core/Partners/PartnerProposal.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  KeyInfo Key(const std::string& fingerprint, const std::string& name, const std::string& email)
  {
    KeyInfo key;
    key.fingerprint = fingerprint;
    UserIdInfo uid;
    uid.name = name;
    uid.email = email;
    uid.userId = email.empty() ? name : name + " <" + email + ">";
    key.userIds.push_back(uid);
    return key;
  }

  const std::string kA(40, 'A');
  const std::string kB(40, 'B');
  const std::string kC(40, 'C');
  const std::string kD(40, 'D');
}

TEST(PartnersProposal, NamesAndAddressesComeFromTheUserIds)
{
  const std::vector<PartnerProposal> p = ProposePartners(
    {Key(kA, "Klinikum Süd, Radiologie", "Radiologie@Klinik-Sued.de"), Key(kB, "", "praxis+ct@example.org")}, {});
  ASSERT_EQ(2u, p.size());
  EXPECT_EQ("", p[0].problem);
  EXPECT_EQ("radiologie_klinik-sued.de", p[0].name);
  EXPECT_EQ("Klinikum Süd, Radiologie", p[0].displayName);
  EXPECT_EQ("Radiologie@Klinik-Sued.de", p[0].address);
  EXPECT_EQ(kA, p[0].fingerprint);
  EXPECT_EQ("praxis-ct_example.org", p[1].name);
  EXPECT_EQ("praxis+ct@example.org", p[1].displayName);   // no name: the address
}

TEST(PartnersProposal, KeysThatCannotBecomeAPartnerSayWhy)
{
  PartnerSettings existing;
  existing.name = "tele";
  existing.fingerprint = kC;
  existing.addresses = {"tele@example.org"};
  const std::vector<PartnerProposal> p = ProposePartners(
    {Key(kA, "Archiv", ""), Key(kB, "Tele", "TELE@example.org"), Key(kC, "Tele neu", "neu@example.org"),
     Key(kD, "Zweite", "zweite@example.org"), Key(kD, "Zweite", "zweite@example.org")}, {existing});
  ASSERT_EQ(5u, p.size());
  EXPECT_NE(std::string::npos, p[0].problem.find("no e-mail address"));
  EXPECT_NE(std::string::npos, p[1].problem.find("\"tele\" has the address"));
  EXPECT_NE(std::string::npos, p[2].problem.find("\"tele\" has this key"));
  EXPECT_EQ("", p[3].problem);
  EXPECT_NE(std::string::npos, p[4].problem.find("has this key already"));
  for (const PartnerProposal& one : {p[0], p[1], p[2], p[4]})
  {
    EXPECT_EQ("", one.name);
  }
}

TEST(PartnersProposal, IdsStayUniqueAndShort)
{
  PartnerSettings existing;
  existing.name = "a_example.org";
  existing.fingerprint = kC;
  existing.addresses = {"other@example.org"};
  const std::string longLocal(80, 'x');
  const std::vector<PartnerProposal> p = ProposePartners(
    {Key(kA, "", "a@example.org"), Key(kB, "", "A@example.org."), Key(kD, "", longLocal + "@example.org")},
    {existing});
  EXPECT_EQ("a_example.org-2", p[0].name);
  EXPECT_EQ("a_example.org.", p[1].name);
  EXPECT_EQ(64u, p[2].name.size());
}
