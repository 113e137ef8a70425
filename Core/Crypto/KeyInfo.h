// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // How far GnuPG believes a key belongs to its user ID, given the
  // certifications made by ultimately trusted (own) keys.
  enum class KeyValidity
  {
    Unknown,
    Undefined,
    Never,
    Marginal,
    Full,
    Ultimate
  };

  const char* ToString(KeyValidity validity);

  // One signature on a user ID (self-signatures included).
  struct Certification
  {
    std::string signerKeyId;   // 16 hex digits
    int64_t created = 0;
    bool isRevocation = false;
    bool exportable = true;
    bool expired = false;
    bool invalid = false;
    // gpg checked the signature and found it good ("!" of --check-sigs);
    // false when it could not check it (signer's key absent) or found it bad.
    bool verified = false;
    // A trust signature (depth > 0) makes the signed key a certifying
    // authority, "trustScope" the regular expression limiting it (gpg's).
    int trustDepth = 0;
    int trustValue = 0;
    std::string trustScope;
  };

  // What one signer's certifications on a user ID amount to: the newest
  // valid one against its newest revocation.
  enum class CertificationState
  {
    None,
    Certified,
    Revoked
  };

  struct UserIdInfo
  {
    std::string userId;        // "Name <email>"
    std::string name;
    std::string email;
    KeyValidity validity = KeyValidity::Unknown;
    bool revoked = false;
    bool invalid = false;
    std::vector<Certification> certifications;

    // Self-signatures count like any other here; "signerFingerprint" is a
    // primary fingerprint.
    CertificationState CertificationBy(const std::string& signerFingerprint) const;
  };

  // A plain copy of what GnuPG knows about one key (no GPGME handle inside).
  struct KeyInfo
  {
    std::string fingerprint;                // 40 upper-case hex digits
    std::vector<UserIdInfo> userIds;
    std::vector<std::string> algorithms;    // primary key first: "ed25519", "cv25519", "rsa3072"
    int64_t created = 0;                    // seconds since the epoch
    int64_t expires = 0;                    // 0 = never
    // When the last valid encryption subkey expires (0 = never, or no
    // such subkey): a key whose primary never expires still stops working
    // for mail when its encryption subkey does.
    int64_t encryptionExpires = 0;
    bool expired = false;
    bool revoked = false;
    bool disabled = false;
    bool invalid = false;
    bool canEncrypt = false;
    bool canSign = false;
    bool canCertify = false;
    bool hasSecret = false;
    KeyValidity validity = KeyValidity::Unknown;   // best validity of its valid user IDs

    // True if a user ID carries a valid certification made by the key
    // "signerFingerprint" that this key did not make itself and that was not
    // revoked afterwards.
    bool CertifiedBy(const std::string& signerFingerprint) const;

    // The earlier of "expires" and "encryptionExpires"; 0 = never.
    int64_t UsableUntil() const;

    // Usable as a recipient or for signature checks: not expired, revoked,
    // disabled or invalid.
    bool IsUsable() const
    {
      return !expired && !revoked && !disabled && !invalid;
    }
  };
}
