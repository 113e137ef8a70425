// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // One OpenPGP signature as GnuPG judged it. Nothing here throws for a bad
  // or unknown signature: the caller decides what it accepts.
  struct SignatureCheck
  {
    std::string fingerprint;       // as in the signature (may be a signing subkey's)
    std::string keyFingerprint;    // primary key holding it, "" if not in the keyring
    std::string statusText;        // gpgme_strerror of the status: "Success", "Bad signature", ...
    unsigned int summary = 0;      // GPGME_SIGSUM_* flags
    bool valid = false;            // summary & GPGME_SIGSUM_VALID: good and by a certified key
    bool good = false;             // mathematically good, whatever the key's validity or lifetime
    bool keyMissing = false;       // signer's key not in the keyring
    bool keyExpired = false;       // good, but the signing key has expired (EXPKEYSIG)
    bool keyRevoked = false;       // good, but the signing key is revoked (REVKEYSIG)
    long keyExpiry = 0;            // when the signing (sub)key expired or expires, 0 if never or unknown
    bool wrongKeyUsage = false;
    std::string hashAlgorithm;     // "SHA512"
    long created = 0;

    // Names of the summary flags, e.g. "valid green", for logs.
    std::string DescribeSummary() const;
  };

  struct VerifyResult
  {
    bool decrypted = false;                 // false for a plain Verify()
    std::vector<SignatureCheck> signatures; // empty for an unsigned message
    bool wrongKeyUsage = false;             // encrypted to a key not meant for encryption
    std::string fileName;                   // literal data file name, if the sender set one
    std::string cipherAlgorithm;            // "AES256.CFB" (decryption only)

    // True when some signature is valid (good and by a key the site
    // certified) and made by the key "fingerprint" (primary or subkey).
    bool HasValidSignatureBy(const std::string& fingerprint) const;
  };
}
