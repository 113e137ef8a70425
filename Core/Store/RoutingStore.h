// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"
#include "Core/Store/RowClaim.h"

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

    // A rule claims the instances it is about to send as transfer "setId"
    // (#18): each of "instanceIds" that is not yet sent to the partner for
    // this study (as MarkSent() would take it over) nor claimed by a rule on
    // any node, in one transaction. Returns those claimed: only they go in
    // the transfer, so a rule that fires on two nodes at once sends each
    // instance once. The claim holds until terms.until (a node that died
    // before it submitted frees them) unless ConfirmClaim() makes it the
    // record of what was sent; ReleaseClaim() drops it when the submission
    // failed.
    std::vector<std::string> Claim(const std::string& ruleName, const std::string& partner,
                                   const std::string& studyUid, const std::vector<std::string>& instanceIds,
                                   const std::string& setId, const ClaimTerms& terms);
    void ConfirmClaim(const std::string& setId);
    void ReleaseClaim(const std::string& setId);

    // What went to the partner, or is claimed to go: instances whose
    // transfer failed for good (OutboxStates::IsResendable) or whose claim
    // lapsed do not count, so the rule sends them again.
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
