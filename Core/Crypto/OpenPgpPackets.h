// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // A small reader of the OpenPGP packet framing (RFC 4880 §4), enough to tell
  // what a posted key block holds before GnuPG sees it. It never decrypts.
  namespace OpenPgpPackets
  {
    // The binary packets of "data": the data itself when it is binary, the
    // decoded content of every "-----BEGIN PGP ..." block when it is armored,
    // "" when it is neither.
    std::string ToBinary(const std::string& data);

    // True if "data" (armored or binary) holds a secret key or secret subkey
    // packet, or is labelled "PRIVATE KEY BLOCK".
    bool ContainsSecretKey(const std::string& data);

    // True if "data" holds at least one secret (sub)key packet and every one
    // of them is protected by a passphrase (S2K usage 254/255) or is a stub.
    bool AreSecretKeysProtected(const std::string& data);

    // One key of a bundle: its primary key packet and what follows up to the
    // next primary key, re-framed as binary packets.
    struct KeyBlock
    {
      std::string packets;
      std::string fingerprint;   // v4, 40 upper-case hex digits; "" when unreadable
      std::string firstUserId;   // as written in the packet, at most 256 bytes
      bool secret = false;       // holds a secret key or secret subkey packet
    };

    // The keys of "data" (armored, several armored blocks, or binary), in
    // order; packets before the first key are dropped.
    std::vector<KeyBlock> SplitKeyBlocks(const std::string& data);
  }
}
