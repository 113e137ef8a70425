// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Store/PartnerCapabilityStore.h"

namespace DicomMail
{
  // Whether the application/dicom parts of our mails to "partner" go in
  // binary (docs/wire-format.md §5, "Capabilities"): a DicomPartEncoding the
  // admin wrote holds for everyone; otherwise binary only for a partner whose
  // acknowledgement, signed by the key the partner has now, said it reads
  // them, and base64 (what every gateway reads) for all others.
  // What we learned still holds: it was said under the key the partner has now
  // (a partner record given a new key, maybe another gateway's, starts afresh).
  bool PartnerReadsBinaryParts(const PartnerSettings& partner, const PartnerCapability& learned);

  bool SendsBinaryParts(const Configuration& configuration, const PartnerSettings& partner,
                        const PartnerCapability& learned);
}
