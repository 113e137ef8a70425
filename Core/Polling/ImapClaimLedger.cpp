// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ImapClaimLedger.h"

namespace DicomMail
{
  namespace
  {
    // Far longer than one mail takes to fetch and import, so a claim of a
    // live poller is never taken from it while it works on that mail.
    const int64_t STALE_CLAIM_SECONDS = 3600;
  }

  ImapClaimLedger::ImapClaimLedger(int64_t staleAfterSeconds) :
    staleAfter_(staleAfterSeconds)
  {
  }

  ImapClaimLedger& ImapClaimLedger::ForThisProcess()
  {
    static ImapClaimLedger ledger(STALE_CLAIM_SECONDS);
    return ledger;
  }

  void ImapClaimLedger::Own(const std::string& folderKey, const std::string& claimId)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    owned_[folderKey].insert(claimId);
    foreignSince_[folderKey].erase(claimId);
  }

  bool ImapClaimLedger::Owns(const std::string& folderKey, const std::string& claimId) const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = owned_.find(folderKey);
    return found != owned_.end() && found->second.count(claimId) != 0;
  }

  void ImapClaimLedger::Release(const std::string& folderKey, const std::string& claimId)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    owned_[folderKey].erase(claimId);
  }

  void ImapClaimLedger::LookAgain()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    looked_.clear();
  }

  bool ImapClaimLedger::IsFirstLook(const std::string& folderKey)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return looked_.insert(folderKey).second;
  }

  std::vector<std::string> ImapClaimLedger::FindStale(const std::string& folderKey,
                                                      const std::set<std::string>& foreignClaims, int64_t now)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, int64_t>& since = foreignSince_[folderKey];
    std::map<std::string, int64_t> current;
    std::vector<std::string> stale;
    for (const std::string& claim : foreignClaims)
    {
      auto found = since.find(claim);
      const int64_t first = (found == since.end() ? now : found->second);
      current[claim] = first;
      if (now - first >= staleAfter_)
      {
        stale.push_back(claim);
      }
    }
    since.swap(current);
    return stale;
  }
}
