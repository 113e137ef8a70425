// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  struct ManifestInstance
  {
    std::string sopInstanceUid;   // [0-9.]{1,64}
    std::string sha256;           // 64 hex digits, lower case once parsed
    uint64_t size = 0;            // bytes of the DICOM file
    std::string name;             // the part's file name, e.g. "IM000001.dcm"
  };

  struct ManifestLimits
  {
    size_t maxInstances = 10000;
    size_t maxJsonBytes = 16 * 1024 * 1024;
  };

  // The "manifest.json" part of every mail we send (docs/wire-format.md §3):
  // which instances this mail carries and the transfer's totals.
  //   {"SetId", "Part", "Total", "SetInstances", "SetBytes",
  //    "Instances": [{"SOPInstanceUID", "SHA256", "Size", "Name"}]}
  struct Manifest
  {
    std::string setId;
    unsigned int part = 0;
    unsigned int total = 0;
    uint64_t setInstances = 0;
    uint64_t setBytes = 0;
    std::vector<ManifestInstance> instances;

    // Checks every rule of Parse(); throws Error(BadInput or LimitExceeded)
    // naming the first field that breaks one.
    void Validate(const ManifestLimits& limits = ManifestLimits()) const;

    // Compact JSON; validates first, so we never send a manifest we would reject.
    std::string ToJson() const;

    // Strict: wrong types, missing keys, malformed hashes or UIDs, duplicate
    // keys, names or UIDs, and inconsistent totals are errors. Unknown extra
    // keys are ignored (a newer sender may add some).
    static Manifest Parse(const std::string& json,
                          const ManifestLimits& limits = ManifestLimits());

    static bool IsValidUid(const std::string& uid);
    static bool IsValidSha256(const std::string& hex);
  };
}
