// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyPartRule.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/OpenPgpPackets.h"

namespace DicomMail
{
  KeyPartSelection KeyPartRule::Select(const std::string& keyPart, const std::string& signerFingerprint)
  {
    KeyPartSelection selection;
    if (keyPart.size() > kMaxBytes)
    {
      selection.problem = "the key part has " + std::to_string(keyPart.size()) + " bytes, more than " +
        std::to_string(kMaxBytes);
      return selection;
    }
    if (!Fingerprint::IsValidFingerprint(signerFingerprint))
    {
      selection.problem = "the signer is not known by its full fingerprint";
      return selection;
    }
    const std::string signer = Fingerprint::Normalize(signerFingerprint);
    // A secret key has no business in a mail: the whole part is refused
    // rather than picked apart.
    if (OpenPgpPackets::ContainsSecretKey(keyPart))
    {
      selection.problem = "the key part holds secret key material";
      return selection;
    }
    const std::vector<OpenPgpPackets::KeyBlock> blocks = OpenPgpPackets::SplitKeyBlocks(keyPart);
    if (blocks.empty())
    {
      selection.problem = "the key part holds no OpenPGP key";
      return selection;
    }
    for (const OpenPgpPackets::KeyBlock& block : blocks)
    {
      if (block.fingerprint == signer && selection.signerKey.empty())
      {
        selection.signerKey = block.packets;
      }
      else if (block.fingerprint != signer)
      {
        selection.refusedFingerprints.push_back(block.fingerprint.empty() ? "(unreadable key)" : block.fingerprint);
      }
    }
    return selection;
  }
}
