// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/KeyInfo.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // A partner to create from an imported key (#25, bulk import): the
  // address and name come from the key's user IDs. The partner's key still
  // has to be certified before anything is sent to it.
  struct PartnerProposal
  {
    std::string fingerprint;
    std::string name;          // the partner id, from the address
    std::string displayName;   // the user ID's name, else the address
    std::string address;
    std::string problem;       // why none is created; "" to create it
  };

  // One proposal per key, in order. A key without an e-mail address, whose
  // fingerprint or address a partner (existing or proposed before) already
  // has, gets a problem instead. Ids are unique among "existing" and the
  // proposals.
  std::vector<PartnerProposal> ProposePartners(const std::vector<KeyInfo>& keys,
                                               const std::vector<PartnerSettings>& existing);
}
