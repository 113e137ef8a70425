// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ImapMailboxSession.h"

#include <ctime>
#include <map>
#include <stdexcept>

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

  const char* const ImapMailboxSession::kProcessedKeyword = "$DicomMailProcessed";

  std::string ImapMailboxSession::OriginKeyword(size_t folderIndex)
  {
    return "$DicomMailFromFolder" + std::to_string(folderIndex);
  }

  ImapMailboxSession::ImapMailboxSession(const MailAccount& account, const IncomingAccountSettings& settings,
                                         const TransferProgress& progress, const std::string& ownerId,
                                         ImapClaimLedger& ledger) :
    settings_(settings),
    claimed_(account, kClaimFolder),
    ledger_(ledger),
    ownerKeyword_(ownerId.empty() ? "" : "$DicomMailBy" + ownerId),
    folderKey_(account.url + " " + account.user + " " + kClaimFolder),
    accountKey_(account.url + " " + account.user + " ")
  {
    if (settings_.folders.empty())
    {
      settings_.folders = { settings_.folder };
    }
    for (const std::string& folder : settings_.folders)
    {
      sources_.emplace_back(new ImapMailbox(account, folder));
      sources_.back()->SetProgress(progress);
    }
    claimed_.SetProgress(progress);
  }

  std::string ImapMailboxSession::FolderKey(const std::string& folder) const
  {
    return accountKey_ + folder;
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

  void ImapMailboxSession::BeginNextPoll()
  {
    if (!committed_)
    {
      throw std::logic_error("ImapMailboxSession: a poll that did not commit cannot be followed by another");
    }
    committed_ = false;
    held_.clear();
    fetched_.clear();
    origin_.clear();
    // The server may have closed a kept connection (restart, idle timeout):
    // a NOOP finds out, and libcurl drops a connection whose command failed,
    // so the poll's first real command connects anew instead of failing.
    std::vector<ImapMailbox*> mailboxes = { &claimed_ };
    for (const std::unique_ptr<ImapMailbox>& source : sources_)
    {
      mailboxes.push_back(source.get());
    }
    for (ImapMailbox* mailbox : mailboxes)
    {
      try
      {
        mailbox->Refresh();
      }
      catch (const TransportError&)
      {
        mailbox->Close();   // whatever state it was in
      }
    }
  }

  unsigned int ImapMailboxSession::GetConnectionsOpened() const
  {
    unsigned int opened = claimed_.GetConnectionsOpened();
    for (const std::unique_ptr<ImapMailbox>& source : sources_)
    {
      opened += source->GetConnectionsOpened();
    }
    return opened;
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
    for (const std::unique_ptr<ImapMailbox>& source : sources_)
    {
      for (uint32_t uid : source->ListUids("KEYWORD " + ownerKeyword_))
      {
        source->RemoveFlag(uid, kClaimKeyword);
        source->RemoveFlag(uid, ownerKeyword_);
      }
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
    for (const std::unique_ptr<ImapMailbox>& source : sources_)
    {
      std::set<std::string> locked;
      for (uint32_t uid : source->ListUids(std::string("KEYWORD ") + kClaimKeyword))
      {
        locked.insert(std::to_string(uid));
      }
      for (const std::string& uid : ledger_.FindStale(FolderKey(source->GetFolder()), locked, now))
      {
        source->RemoveFlag(static_cast<uint32_t>(std::stoul(uid)), kClaimKeyword);
      }
    }
  }

  void ImapMailboxSession::ClaimCandidates()
  {
    const std::string search = std::string("UNKEYWORD ") + kNotOursKeyword + " UNKEYWORD " + kClaimKeyword + " " +
      kCandidateSearch;
    for (size_t i = 0; i < sources_.size(); i++)
    {
      ImapMailbox& source = *sources_[i];
      for (uint32_t uid : source.ListUids(search))
      {
        // The keyword is the lock, the move takes the mail out of everyone's
        // way. false: another poller claimed it first; it is theirs to import.
        // Our mark goes in the same STORE: keywords move with the mail.
        if (!source.AddKeywordFirst(uid, kClaimKeyword, ownerKeyword_))
        {
          continue;
        }
        const uint32_t claimedUid = source.Move(uid, kClaimFolder);
        if (claimedUid != 0)
        {
          ledger_.Own(folderKey_, ClaimId(claimedUid));
          if (i != 0)
          {
            origin_[claimedUid] = i;   // marked once the claim folder's session sees it
          }
        }
      }
    }
  }

  void ImapMailboxSession::ReadOrigins()
  {
    origin_.clear();
    for (size_t i = 1; i < sources_.size(); i++)
    {
      for (uint32_t uid : claimed_.ListUids("KEYWORD " + OriginKeyword(i)))
      {
        origin_[uid] = i;
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
    const auto origin = origin_.find(claimedUid);
    size_t index = 0;
    if (origin != origin_.end() && origin->second < sources_.size())
    {
      index = origin->second;
      claimed_.RemoveFlag(claimedUid, OriginKeyword(index));
    }
    claimed_.Move(claimedUid, settings_.folders[index]);
    ledger_.Release(folderKey_, ClaimId(claimedUid));
  }

  std::vector<ServerMessage> ImapMailboxSession::ListCandidates()
  {
    if (!claimFolderCreated_)
    {
      // Once per session: libcurl closes the connection of a failed command,
      // and CREATE of an existing folder fails, which would cost a kept
      // session a TLS handshake and LOGIN every poll (#15).
      claimed_.CreateFolder(kClaimFolder);
      claimFolderCreated_ = true;
    }
    claimValidity_ = claimed_.GetUidValidity();
    claimed_.Refresh();
    ReadOrigins();   // stale claims go back where they came from
    AdoptOwnClaims();
    ReleaseStaleClaims();
    origin_.clear();   // now: the claims about to be made
    ClaimCandidates();

    claimed_.Refresh();   // see the claims just moved in over the other connection
    // Where each came from travels with the mail: a fragment waiting over
    // several polls, or a claim adopted after a crash, keeps it.
    for (const auto& origin : origin_)
    {
      claimed_.AddFlag(origin.first, OriginKeyword(origin.second));
    }
    ReadOrigins();
    std::vector<ServerMessage> result;
    for (uint32_t uid : claimed_.ListUids("UNDELETED"))
    {
      ServerMessage m;
      m.uid = uid;
      m.serverId = ClaimId(uid);
      const auto origin = origin_.find(uid);
      if (origin != origin_.end())
      {
        m.foundIn = settings_.folders[origin->second];
      }
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
        claimed_.AddFlag(message.uid, kProcessedKeyword);
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

  void ImapMailboxSession::Leave(const ServerMessage& message)
  {
    // Not given back at Commit(): that would move it from under the node
    // that imports it. It stays claimed, ours to look at again next poll.
    held_.erase(message.uid);
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

  ImapQuota ImapMailboxSession::ReadQuota(bool& offered)
  {
    return sources_.front()->GetQuota(offered);
  }

  void ImapMailboxSession::Commit()
  {
    committed_ = true;
    ReleaseUnfinished(true);
  }
}
