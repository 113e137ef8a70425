// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ImapMailboxSession.h"

#include <ctime>
#include <map>

namespace DicomMail
{
  // HEADER x "" matches every mail that has header x (RFC 3501 6.4.4).
  // application/dicom and multipart/mixed too: unencrypted DICOM must be
  // seen to be refused (and listed), not left unnoticed; and mail without
  // any Content-Type, so that an empty mail is reported too.
  const char* const ImapMailboxSession::kCandidateSearch =
    "UNDELETED OR OR OR OR OR OR OR NOT HEADER Content-Type \"\" HEADER X-TELEMEDICINE-SETID \"\" HEADER Content-Type \"multipart/encrypted\" "
    "HEADER Content-Type \"message/partial\" HEADER Content-Type \"multipart/report\" "
    "HEADER Content-Type \"multipart/signed\" HEADER Content-Type \"application/dicom\" "
    "HEADER Content-Type \"multipart/mixed\"";

  const char* const ImapMailboxSession::kClaimFolder = "DICOM-Mail-Claimed";

  const char* const ImapMailboxSession::kNotOursKeyword = "$DicomMailNotOurs";

  const char* const ImapMailboxSession::kClaimKeyword = "$DicomMailClaim";

  ImapMailboxSession::ImapMailboxSession(const MailAccount& account, const IncomingAccountSettings& settings,
                                         const TransferProgress& progress, ImapClaimLedger& ledger) :
    settings_(settings),
    mailbox_(account, settings.folder),
    claimed_(account, kClaimFolder),
    ledger_(ledger),
    folderKey_(account.url + " " + account.user + " " + kClaimFolder),
    inboxKey_(account.url + " " + account.user + " " + settings.folder)
  {
    mailbox_.SetProgress(progress);
    claimed_.SetProgress(progress);
  }

  std::string ImapMailboxSession::ClaimId(uint32_t uid) const
  {
    return std::to_string(claimValidity_) + ":" + std::to_string(uid);
  }

  void ImapMailboxSession::ReleaseStaleClaims()
  {
    claimed_.Refresh();
    std::set<std::string> foreign;
    std::map<std::string, uint32_t> uids;
    for (uint32_t uid : claimed_.ListUids("ALL"))
    {
      const std::string id = ClaimId(uid);
      if (!ledger_.Owns(folderKey_, id))
      {
        foreign.insert(id);
        uids[id] = uid;
      }
    }
    const int64_t now = static_cast<int64_t>(time(nullptr));
    for (const std::string& id : ledger_.FindStale(folderKey_, foreign, now))
    {
      GiveBack(uids[id]);
    }

    // Claimed but not moved: the claimant stopped between the two steps.
    std::set<std::string> marked;
    for (uint32_t uid : mailbox_.ListUids(std::string("KEYWORD ") + kClaimKeyword))
    {
      marked.insert(std::to_string(uid));
    }
    for (const std::string& uid : ledger_.FindStale(inboxKey_, marked, now))
    {
      mailbox_.RemoveFlag(static_cast<uint32_t>(std::stoul(uid)), kClaimKeyword);
    }
  }

  void ImapMailboxSession::GiveBack(uint32_t claimedUid)
  {
    claimed_.RemoveFlag(claimedUid, kClaimKeyword);
    claimed_.Move(claimedUid, settings_.folder);
    ledger_.Release(folderKey_, ClaimId(claimedUid));
  }

  void ImapMailboxSession::ClaimCandidates()
  {
    const std::string search = std::string("UNKEYWORD ") + kNotOursKeyword + " UNKEYWORD " + kClaimKeyword + " " +
      kCandidateSearch;
    for (uint32_t uid : mailbox_.ListUids(search))
    {
      // The keyword is the lock, the move takes the mail out of everyone's
      // way. false: another poller claimed it first; it is theirs to import.
      if (mailbox_.AddKeywordFirst(uid, kClaimKeyword))
      {
        const uint32_t claimedUid = mailbox_.Move(uid, kClaimFolder);
        if (claimedUid != 0)
        {
          ledger_.Own(folderKey_, ClaimId(claimedUid));
        }
      }
    }
  }

  std::vector<ServerMessage> ImapMailboxSession::ListCandidates()
  {
    claimed_.CreateFolder(kClaimFolder);
    claimValidity_ = claimed_.GetUidValidity();
    ReleaseStaleClaims();
    ClaimCandidates();

    claimed_.Refresh();   // see the claims just moved in over the other connection
    std::vector<ServerMessage> result;
    for (uint32_t uid : claimed_.ListUids("UNDELETED"))
    {
      ServerMessage m;
      m.uid = uid;
      m.serverId = ClaimId(uid);
      if (ledger_.Owns(folderKey_, m.serverId))
      {
        result.push_back(m);
      }
    }
    return result;
  }

  void ImapMailboxSession::Fetch(const ServerMessage& message, ByteSink& sink)
  {
    claimed_.Fetch(message.uid, sink);
    fetchedUnfinished_.insert(message.uid);
  }

  void ImapMailboxSession::Finish(const ServerMessage& message, Destination destination)
  {
    if (destination == Destination::Processed)
    {
      if (settings_.deleteProcessed || settings_.processedFolder.empty())
      {
        claimed_.Delete(message.uid);
      }
      else
      {
        claimed_.Move(message.uid, settings_.processedFolder);
      }
    }
    else
    {
      claimed_.Move(message.uid, settings_.rejectedFolder.empty() ? "Rejected" : settings_.rejectedFolder);
    }
    fetchedUnfinished_.erase(message.uid);
    ledger_.Release(folderKey_, message.serverId);
  }

  void ImapMailboxSession::Commit()
  {
    if (fetchedUnfinished_.empty())
    {
      return;
    }
    // Fragments wait here, claimed, for their siblings; DICOM-Mail left
    // unfinished (our disk full, Orthanc down) stays claimed for our retry.
    const std::vector<uint32_t> kept = claimed_.ListUids(
      "OR OR HEADER Content-Type \"message/partial\" HEADER X-TELEMEDICINE-SETID \"\" "
      "HEADER Content-Type \"multipart/encrypted\"");
    const std::set<uint32_t> waiting(kept.begin(), kept.end());
    for (uint32_t uid : fetchedUnfinished_)
    {
      if (waiting.count(uid) == 0)
      {
        claimed_.AddFlag(uid, kNotOursKeyword);
        GiveBack(uid);
      }
    }
    fetchedUnfinished_.clear();
  }
}
