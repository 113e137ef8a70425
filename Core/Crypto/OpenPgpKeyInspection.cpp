// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: looking at a key before it may enter the site keyring.
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

namespace DicomMail
{
  std::string OpenPgpContext::ScratchParent() const
  {
    const std::string& sitePath = home_.GetPath();
    return (sitePath.size() + 11 <= GnupgHome::kMaxPathLength) ? sitePath : std::string("/tmp");
  }

  KeyInfo OpenPgpContext::InspectCandidateKey(const std::string& candidateKey, const std::string& candidateFingerprint,
                                              const std::string& vouchingFingerprint)
  {
    const std::string vouching = ExportPublicKey(vouchingFingerprint, false);
    TemporaryGnupgHome scratch(ScratchParent(), home_.GetOptions());
    OpenPgpContext inspector(scratch.GetHome());
    inspector.ImportKeys(vouching, ImportPolicy::PublicOnly, "the vouching key");
    inspector.ImportKeys(candidateKey, ImportPolicy::PublicOnly, "the announced key");
    // Listed with its signatures, each checked against the keys present.
    return inspector.GetKey(candidateFingerprint);
  }
}
