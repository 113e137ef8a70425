// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Partners/PartnerDirectory.h"
#include "Core/Receiving/ITrustPolicy.h"
#include "Core/Store/UtcMillis.h"

namespace DicomMail
{
  // A From address is trusted as the partner that lists it, and only with
  // that partner's registered key.
  class PartnerTrustPolicy : public ITrustPolicy
  {
  public:
    explicit PartnerTrustPolicy(const PartnerDirectory& partners) :
      partners_(partners)
    {
    }

    bool ExpectedSigner(const std::string& fromAddress, std::string& partnerName, std::string& fingerprint) override
    {
      PartnerSettings partner;
      if (!partners_.LookupByAddress(fromAddress, partner))
      {
        return false;
      }
      partnerName = partner.name;
      fingerprint = partner.fingerprint;
      return true;
    }

    std::string PreviousSigner(const std::string& partnerName) override
    {
      PartnerSettings partner;
      if (!partners_.Lookup(partnerName, partner) || partner.previousFingerprint.empty() ||
          partner.previousUntilMs <= UtcMillis::Now())
      {
        return "";
      }
      return partner.previousFingerprint;
    }

  private:
    const PartnerDirectory& partners_;
  };
}
