// SPDX-License-Identifier: GPL-3.0-or-later
// Certifying authorities (#22): the scope of an authority and what its
// certifications count for, on plain key records.
#include "Core/Common/Error.h"
#include "Core/Crypto/AuthorityScope.h"
#include "Core/Crypto/CertifyingAuthorities.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(AuthorityScope, NormalizesTheWaysADomainIsWritten)
{
  EXPECT_EQ("example-network.de", AuthorityScope::NormalizeDomain("*@example-network.de"));
  EXPECT_EQ("example-network.de", AuthorityScope::NormalizeDomain("@Example-Network.DE"));
  EXPECT_EQ("example-network.de", AuthorityScope::NormalizeDomain("example-network.de"));
  EXPECT_EQ("", AuthorityScope::NormalizeDomain("*"));
  EXPECT_EQ("", AuthorityScope::NormalizeDomain(""));
}

TEST(AuthorityScope, RefusesWhatIsNoDomain)
{
  for (const char* bad : { "*@", "a..de", ".de", "de.", "x@y@z.de", "*.example.de", "bücher.de", "a b.de", "<x>" })
  {
    EXPECT_THROW(AuthorityScope::NormalizeDomain(bad), Error) << bad;
  }
  EXPECT_EQ("xn--bcher-kva.de", AuthorityScope::NormalizeDomain("*@xn--bcher-kva.de"));
}

TEST(AuthorityScope, CoversTheDomainAndItsSubdomainsInAnyCase)
{
  EXPECT_TRUE(AuthorityScope::Covers("example-network.de", "praxis@example-network.de"));
  EXPECT_TRUE(AuthorityScope::Covers("example-network.de", "Praxis@EXAMPLE-Network.De"));
  EXPECT_TRUE(AuthorityScope::Covers("example-network.de", "ct@radiology.example-network.de"));
  EXPECT_FALSE(AuthorityScope::Covers("example-network.de", "praxis@other.de"));
  EXPECT_FALSE(AuthorityScope::Covers("example-network.de", "praxis@badexample-network.de"));
  EXPECT_FALSE(AuthorityScope::Covers("example-network.de", "praxis@example-network.de.evil.com"));
  EXPECT_FALSE(AuthorityScope::Covers("example-network.de", "example-network.de"));
  EXPECT_FALSE(AuthorityScope::Covers("example-network.de", ""));
  EXPECT_TRUE(AuthorityScope::Covers("", "anyone@anywhere.org"));
}

TEST(AuthorityScope, ReadsTheRegularExpressionGpgWrites)
{
  std::string domain = "unchanged";
  EXPECT_TRUE(AuthorityScope::DomainFromRegexp("<[^>]+[@.]example\\-network\\.de>$", domain));
  EXPECT_EQ("example-network.de", domain);
  EXPECT_TRUE(AuthorityScope::DomainFromRegexp("", domain));
  EXPECT_EQ("", domain);
  EXPECT_FALSE(AuthorityScope::DomainFromRegexp(".*", domain));
  EXPECT_FALSE(AuthorityScope::DomainFromRegexp("<[^>]+[@.]a.*>$", domain));
}

namespace
{
  const std::string kSite = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const std::string kAuthority = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  const std::string kPartner = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

  Certification Cert(const std::string& signer, int64_t created, bool revocation = false)
  {
    Certification c;
    c.signerKeyId = signer.substr(24);   // a long key ID, as gpg lists it
    c.created = created;
    c.isRevocation = revocation;
    return c;
  }

  KeyInfo Key(const std::string& fingerprint, const std::string& email)
  {
    KeyInfo k;
    k.fingerprint = fingerprint;
    UserIdInfo uid;
    uid.email = email;
    uid.userId = "Someone <" + email + ">";
    k.userIds.push_back(uid);
    return k;
  }

  // Site key, an authority the site trusts for "regexp", a partner it certified.
  std::vector<KeyInfo> Ring(const std::string& regexp, const std::string& partnerEmail)
  {
    KeyInfo site = Key(kSite, "site@here.de");
    site.hasSecret = true;
    KeyInfo authority = Key(kAuthority, "ca@example-network.de");
    Certification trust = Cert(kSite, 100);
    trust.trustDepth = 1;
    trust.trustValue = 120;
    trust.trustScope = regexp;
    authority.userIds[0].certifications.push_back(trust);
    KeyInfo partner = Key(kPartner, partnerEmail);
    partner.userIds[0].certifications.push_back(Cert(kAuthority, 200));
    return { site, authority, partner };
  }
}

TEST(CertifyingAuthorities, ATrustSignatureBySiteKeyMakesAnAuthority)
{
  const std::vector<KeyInfo> ring = Ring("<[^>]+[@.]example\\-network\\.de>$", "p@example-network.de");
  const std::vector<CertifyingAuthority> authorities = FindCertifyingAuthorities(ring);
  ASSERT_EQ(1u, authorities.size());
  EXPECT_EQ(kAuthority, authorities[0].fingerprint);
  EXPECT_EQ("example-network.de", authorities[0].domain);
  EXPECT_TRUE(authorities[0].problem.empty());

  const AuthorityVerdict verdict = JudgeAuthorityCertifications(ring[2], authorities);
  EXPECT_TRUE(verdict.certified);
  EXPECT_EQ(kAuthority, verdict.fingerprint);
}

TEST(CertifyingAuthorities, APlainCertificationOrOneByAnotherKeyMakesNone)
{
  std::vector<KeyInfo> ring = Ring("", "p@example-network.de");
  ring[1].userIds[0].certifications[0].trustDepth = 0;
  EXPECT_TRUE(FindCertifyingAuthorities(ring).empty());

  ring = Ring("", "p@example-network.de");
  ring[0].hasSecret = false;   // not the site's key
  EXPECT_TRUE(FindCertifyingAuthorities(ring).empty());
}

TEST(CertifyingAuthorities, OutOfScopeCertificationDoesNotCount)
{
  const std::vector<KeyInfo> ring = Ring("<[^>]+[@.]example\\-network\\.de>$", "p@other.de");
  const AuthorityVerdict verdict = JudgeAuthorityCertifications(ring[2], FindCertifyingAuthorities(ring));
  EXPECT_FALSE(verdict.certified);
  EXPECT_NE(std::string::npos, verdict.problem.find("outside its scope *@example-network.de")) << verdict.problem;
}

TEST(CertifyingAuthorities, RevokedCertificationDoesNotCount)
{
  std::vector<KeyInfo> ring = Ring("", "p@other.de");
  ring[2].userIds[0].certifications.push_back(Cert(kAuthority, 300, true));
  const AuthorityVerdict verdict = JudgeAuthorityCertifications(ring[2], FindCertifyingAuthorities(ring));
  EXPECT_FALSE(verdict.certified);
  EXPECT_NE(std::string::npos, verdict.problem.find("revoked its certification")) << verdict.problem;
}

TEST(CertifyingAuthorities, RevokedOrExpiredAuthorityCertifiesNothing)
{
  for (int which = 0; which < 2; which++)
  {
    std::vector<KeyInfo> ring = Ring("", "p@example-network.de");
    (which == 0 ? ring[1].revoked : ring[1].expired) = true;
    const std::vector<CertifyingAuthority> authorities = FindCertifyingAuthorities(ring);
    ASSERT_EQ(1u, authorities.size());
    const AuthorityVerdict verdict = JudgeAuthorityCertifications(ring[2], authorities);
    EXPECT_FALSE(verdict.certified);
    EXPECT_NE(std::string::npos, verdict.problem.find(which == 0 ? "its key is revoked" : "its key has expired"))
      << verdict.problem;
  }
}

TEST(CertifyingAuthorities, TheNewestTrustSignatureGivesTheScope)
{
  std::vector<KeyInfo> ring = Ring("<[^>]+[@.]other\\.de>$", "p@example-network.de");
  Certification newer = ring[1].userIds[0].certifications[0];
  newer.created = 150;
  newer.trustScope = "<[^>]+[@.]example\\-network\\.de>$";
  ring[1].userIds[0].certifications.push_back(newer);
  const std::vector<CertifyingAuthority> authorities = FindCertifyingAuthorities(ring);
  ASSERT_EQ(1u, authorities.size());
  EXPECT_EQ("example-network.de", authorities[0].domain);
  EXPECT_TRUE(JudgeAuthorityCertifications(ring[2], authorities).certified);
}
