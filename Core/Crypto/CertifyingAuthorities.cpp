// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/CertifyingAuthorities.h"

#include "Core/Crypto/AuthorityScope.h"
#include "Core/Crypto/Fingerprint.h"

namespace DicomMail
{
  namespace
  {
    std::string ProblemOf(const KeyInfo& key)
    {
      if (key.revoked)
      {
        return "is revoked";
      }
      if (key.expired)
      {
        return "has expired";
      }
      if (key.disabled || key.invalid)
      {
        return "is disabled or invalid";
      }
      return "";
    }

    // The newest trust signature made by one of "siteKeys" on "key", or nullptr.
    const Certification* NewestTrustSignature(const KeyInfo& key, const std::vector<const KeyInfo*>& siteKeys)
    {
      const Certification* newest = nullptr;
      for (const UserIdInfo& uid : key.userIds)
      {
        for (const Certification& c : uid.certifications)
        {
          if (c.isRevocation || c.invalid || c.expired || (newest != nullptr && c.created <= newest->created))
          {
            continue;
          }
          for (const KeyInfo* site : siteKeys)
          {
            if (site->fingerprint != key.fingerprint && Fingerprint::Matches(c.signerKeyId, site->fingerprint))
            {
              newest = &c;
            }
          }
        }
      }
      return newest != nullptr && newest->trustDepth > 0 ? newest : nullptr;
    }

    std::string Describe(const CertifyingAuthority& a)
    {
      return "the authority " + a.name + " (" + a.fingerprint + ")";
    }

    std::string ScopeText(const CertifyingAuthority& a)
    {
      if (!a.scopeKnown)
      {
        return "a scope this plugin cannot read";
      }
      return a.domain.empty() ? "every address" : "*@" + a.domain;
    }
  }

  std::vector<CertifyingAuthority> FindCertifyingAuthorities(const std::vector<KeyInfo>& keys)
  {
    std::vector<const KeyInfo*> siteKeys;
    for (const KeyInfo& key : keys)
    {
      if (key.hasSecret)
      {
        siteKeys.push_back(&key);
      }
    }

    std::vector<CertifyingAuthority> result;
    for (const KeyInfo& key : keys)
    {
      const Certification* trust = NewestTrustSignature(key, siteKeys);
      if (trust == nullptr)
      {
        continue;
      }
      CertifyingAuthority a;
      a.fingerprint = key.fingerprint;
      a.name = key.userIds.empty() ? key.fingerprint : key.userIds.front().userId;
      a.scopeKnown = AuthorityScope::DomainFromRegexp(trust->trustScope, a.domain);
      a.trustedSince = trust->created;
      const std::string problem = ProblemOf(key);
      a.problem = problem.empty() ? "" : "its key " + problem;
      result.push_back(a);
    }
    return result;
  }

  AuthorityVerdict JudgeAuthorityCertifications(const KeyInfo& key,
                                                const std::vector<CertifyingAuthority>& authorities)
  {
    AuthorityVerdict verdict;
    int weight = 0;   // of the problem kept: the most telling one wins
    auto note = [&verdict, &weight](int w, const std::string& problem)
    {
      if (w > weight)
      {
        weight = w;
        verdict.problem = problem;
      }
    };

    for (const CertifyingAuthority& a : authorities)
    {
      if (a.fingerprint == key.fingerprint)
      {
        continue;
      }
      for (const UserIdInfo& uid : key.userIds)
      {
        if (uid.revoked || uid.invalid)
        {
          continue;
        }
        const CertificationState state = uid.CertificationBy(a.fingerprint);
        if (state == CertificationState::None)
        {
          continue;
        }
        if (state == CertificationState::Revoked)
        {
          note(2, Describe(a) + " revoked its certification of " + uid.userId);
        }
        else if (!a.scopeKnown || !AuthorityScope::Covers(a.domain, uid.email))
        {
          note(1, Describe(a) + " certified " + uid.userId + ", outside its scope " + ScopeText(a));
        }
        else if (!a.problem.empty())
        {
          note(3, Describe(a) + " certified it, but " + a.problem);
        }
        else
        {
          verdict.certified = true;
          verdict.fingerprint = a.fingerprint;
          verdict.name = a.name;
          verdict.problem.clear();
          return verdict;
        }
      }
    }
    return verdict;
  }
}
