// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/PartEncodingChoice.h"

#include <strings.h>

namespace DicomMail
{
  bool PartnerReadsBinaryParts(const PartnerSettings& partner, const PartnerCapability& learned)
  {
    return learned.readsBinaryParts && !partner.fingerprint.empty() &&
      strcasecmp(learned.signerFingerprint.c_str(), partner.fingerprint.c_str()) == 0;
  }

  bool SendsBinaryParts(const Configuration& configuration, const PartnerSettings& partner,
                        const PartnerCapability& learned)
  {
    if (configuration.dicomPartEncodingConfigured)
    {
      return configuration.binaryDicomParts;
    }
    return PartnerReadsBinaryParts(partner, learned);
  }
}
