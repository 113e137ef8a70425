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
                                         const TransferProgress& progress, const std::string& ownerId,
                                         ImapClaimLedger& ledger) :
    settings_(settings),
    mailbox_(account, settings.folder),
    claimed_(account, kClaimFolder),
    ledger_(ledger),
    ownerKeyword_(ownerId.empty() ? "" : "$DicomMailBy" + ownerId),
    folderKey_(account.url + " " + account.user + " " + kClaimFolder),
    inboxKey_(account.url + " " + account.user + " " + settings.folder)
  {
    mailbox_.SetProgress(progress);
    claimed_.SetProgress(progress);
  }

  ImapMailboxSession::~ImapMailboxSession()
  {
    if (!committed_)
    {
      try
      {
        ReleaseUnfinished(false);
      }
      catch (...)
      {
        // The server is gone: the claims stay ours, adopted at the next poll.
      }
    }
  }

  std::string ImapMailboxSession::ClaimId(uint32_t uid) const
  {
    return std::to_string(claimValidity_) + ":" + std::to_string(uid);
  }

  void ImapMailboxSession::AdoptOwnClaims()
  {
    if (ownerKeyword_.empty() || !ledger_.IsFirstLook(folderKey_))
    {
      return;
    }
    for (uint32_t uid : claimed_.ListUids("KEYWORD " + ownerKeyword_))
    {
      ledger_.Own(folderKey_, ClaimId(uid));
    }
    // Locked but not moved when we were killed: unlock for the claim below.
    for (uint32_t uid : mailbox_.ListUids("KEYWORD " + ownerKeyword_))
    {
      mailbox_.RemoveFlag(uid, kClaimKeyword);
      mailbox_.RemoveFlag(uid, ownerKeyword_);
    }
  }

  void ImapMailboxSession::ReleaseStaleClaims()
  {
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

    // Locked but not moved: the claimant stopped between the two steps.
    std::set<std::string> locked;
    for (uint32_t uid : mailbox_.ListUids(std::string("KEYWORD ") + kClaimKeyword))
    {
      locked.insert(std::to_string(uid));
    }
    for (const std::string& uid : ledger_.FindStale(inboxKey_, locked, now))
    {
      mailbox_.RemoveFlag(static_cast<uint32_t>(std::stoul(uid)), kClaimKeyword);
    }
  }

  void ImapMailboxSession::ClaimCandidates()
  {
    const std::string search = std::string("UNKEYWORD ") + kNotOursKeyword + " UNKEYWORD " + kClaimKeyword + " " +
      kCandidateSearch;
    for (uint32_t uid : mailbox_.ListUids(search))
    {
      // The keyword is the lock, the move takes the mail out of everyone's
      // way. false: another poller claimed it first; it is theirs to import.
      // Our mark goes in the same STORE: keywords move with the mail.
      if (!mailbox_.AddKeywordFirst(uid, kClaimKeyword, ownerKeyword_))
      {
        continue;
      }
      const uint32_t claimedUid = mailbox_.Move(uid, kClaimFolder);
      if (claimedUid != 0)
      {
        ledger_.Own(folderKey_, ClaimId(claimedUid));
      }
    }
  }

  void ImapMailboxSession::GiveBack(uint32_t claimedUid)
  {
    claimed_.RemoveFlag(claimedUid, kClaimKeyword);
    if (!ownerKeyword_.empty())
    {
      claimed_.RemoveFlag(claimedUid, ownerKeyword_);
    }
    claimed_.Move(claimedUid, settings_.folder);
    ledger_.Release(folderKey_, ClaimId(claimedUid));
  }

  std::vector<ServerMessage> ImapMailboxSession::ListCandidates()
  {
    claimed_.CreateFolder(kClaimFolder);
    claimValidity_ = claimed_.GetUidValidity();
    claimed_.Refresh();
    AdoptOwnClaims();
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
        held_.insert(uid);
      }
    }
    return result;
  }

  void ImapMailboxSession::Fetch(const ServerMessage& message, ByteSink& sink)
  {
    fetched_.insert(message.uid);
    claimed_.Fetch(message.uid, sink);
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
    held_.erase(message.uid);
    ledger_.Release(folderKey_, message.serverId);
  }

  void ImapMailboxSession::ReleaseUnfinished(bool markNotOurs)
  {
    if (held_.empty())
    {
      return;
    }
    // Fragments wait here, claimed, for their siblings.
    const std::vector<uint32_t> fragmentList = claimed_.ListUids("HEADER Content-Type \"message/partial\"");
    const std::set<uint32_t> fragments(fragmentList.begin(), fragmentList.end());
    std::set<uint32_t> ours;
    if (markNotOurs)
    {
      const std::vector<uint32_t> list = claimed_.ListUids(
        "OR HEADER X-TELEMEDICINE-SETID \"\" HEADER Content-Type \"multipart/encrypted\"");
      ours.insert(list.begin(), list.end());
    }
    const std::set<uint32_t> unfinished(held_);
    for (uint32_t uid : unfinished)
    {
      if (fragments.count(uid) != 0)
      {
        continue;
      }
      if (markNotOurs && fetched_.count(uid) != 0 && ours.count(uid) == 0)
      {
        claimed_.AddFlag(uid, kNotOursKeyword);
      }
      // Not finished (our disk full, Orthanc down, a stop): back where it
      // was, for whichever poller comes next.
      GiveBack(uid);
      held_.erase(uid);
    }
    held_.clear();
  }

  void ImapMailboxSession::Commit()
  {
    committed_ = true;
    ReleaseUnfinished(true);
  }
}
