// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // Which mails in an IMAP claim folder this process claimed, and since when
  // it has seen each of the others. Kept in memory on purpose: a restored
  // backup or a second Orthanc sharing our records must not take our claims
  // for its own. A claim nobody here made is stale once this process has
  // seen it for "timeout" seconds: its claimant crashed or was restarted
  // (after a restart our own claims look foreign too and come back this way).
  class ImapClaimLedger
  {
  public:
    explicit ImapClaimLedger(int64_t staleAfterSeconds);

    // The ledger of this process, shared by every poll of every account.
    static ImapClaimLedger& ForThisProcess();

    // "folderKey" names the claim folder (server, account, folder), "claimId"
    // the mail in it ("uidvalidity:uid").
    void Own(const std::string& folderKey, const std::string& claimId);
    bool Owns(const std::string& folderKey, const std::string& claimId) const;
    void Release(const std::string& folderKey, const std::string& claimId);

    // True the first time this process looks at the folder: the moment to
    // adopt what this site claimed before it was killed.
    bool IsFirstLook(const std::string& folderKey);

    // The next look at every folder is a first one again: this node has
    // just taken a mailbox over from another node of the site (#18), whose
    // claims, made under the owner id the site's nodes share, are ours now.
    void LookAgain();

    // Given the claims of others now in the folder: those seen for longer
    // than the timeout. Claims no longer there are forgotten.
    std::vector<std::string> FindStale(const std::string& folderKey, const std::set<std::string>& foreignClaims,
                                       int64_t now);

  private:
    const int64_t staleAfter_;
    mutable std::mutex mutex_;
    std::map<std::string, std::set<std::string> > owned_;
    std::map<std::string, std::map<std::string, int64_t> > foreignSince_;
    std::set<std::string> looked_;
  };
}
