// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Store/KeyRotationStore.h"
#include "Core/Store/PartnerStore.h"

#include <json/value.h>

#include <string>
#include <vector>

namespace DicomMail
{
  // Every partner the site knows: those of the configuration file
  // (read-only) and those added over REST (kept in the PartnerStore).
  class PartnerDirectory
  {
  public:
    PartnerDirectory(const std::vector<PartnerSettings>& configured, PartnerStore& store,
                     uint64_t defaultMaxMailSize, bool allowLossyTranscoding = false);

    // A partner's accepted key rotations (#22) then decide its fingerprint
    // (the newest key) and its previous one; without, the records alone.
    void SetRotations(KeyRotationStore* rotations)
    {
      rotations_ = rotations;
    }

    std::vector<PartnerSettings> List() const;
    bool Lookup(const std::string& name, PartnerSettings& partner) const;
    // The partner one of whose addresses is "address" (case-insensitive).
    bool LookupByAddress(const std::string& address, PartnerSettings& partner) const;
    bool LookupByFingerprint(const std::string& fingerprint, PartnerSettings& partner) const;

    // Validates and stores a partner from a REST body; throws
    // Error(BadInput) naming the field, or when "name" comes from the
    // configuration file.
    PartnerSettings Put(const std::string& name, const Json::Value& body);
    bool Remove(const std::string& name);   // throws BadInput for configured ones

    // The partner's name for people (its "DisplayName"); "" for an unknown
    // partner, e.g. one deleted since.
    std::string GetDisplayName(const std::string& name) const;

    // The same for the partner one of whose addresses is "address"; "" if none.
    std::string GetDisplayNameByAddress(const std::string& address) const;

    uint64_t GetMaxMailSize(const PartnerSettings& partner) const;

    // What our mails may weigh when they leave: the partner's limit less room
    // for the trace headers (Received:, Return-Path:) that servers add on the
    // way and that count against the receiving server's limit.
    uint64_t GetSendLimit(const PartnerSettings& partner) const;

    static const uint64_t kTransitHeadroom = 16384;

    static Json::Value ToJson(const PartnerSettings& partner);
    static bool IsValidName(const std::string& name);

  private:
    static PartnerSettings FromRecord(const PartnerRecord& record);
    static void ApplyRotations(PartnerSettings& partner, const std::vector<KeyRotation>& rotations);

    std::vector<PartnerSettings> configured_;
    PartnerStore& store_;
    KeyRotationStore* rotations_;
    uint64_t defaultMaxMailSize_;
    bool allowLossyTranscoding_;
  };
}
