// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // Memory of auto-routing: which instances of a study already went to a
  // partner (so a study that grows is completed, not sent again), and from
  // which partners a study arrived (so it is never routed back: no mail loops).
  class RoutingStore
  {
  public:
    explicit RoutingStore(Database& db);

    // "setId" is the outbox transfer that carries them. Instances already
    // recorded for this partner and study are kept as they were (with the
    // rule that sent them first), unless their transfer is resendable
    // (failed for good): then they now belong to this one.
    void MarkSent(const std::string& ruleName, const std::string& partner, const std::string& studyUid,
                  const std::vector<std::string>& instanceIds, const std::string& setId = "");

    // What went to the partner: instances whose transfer failed for good
    // (OutboxStates::IsResendable) do not count, so the rule sends them again.
    std::set<std::string> GetSentInstances(const std::string& partner, const std::string& studyUid);

    void RecordReceived(const std::string& studyUid, const std::string& partner);

    // The partner this study arrived from most recently, "" if none.
    std::string ReceivedFrom(const std::string& studyUid);

    // Every partner this study arrived from (a study may come from several).
    std::set<std::string> GetSenders(const std::string& studyUid);

    bool WasReceivedFrom(const std::string& studyUid, const std::string& partner);

  private:
    Database& db_;
  };
}
