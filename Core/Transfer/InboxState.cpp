// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/InboxState.h"

#include "Core/Transfer/StateText.h"

namespace DicomMail
{
  namespace
  {
    // Indexed by the enums' values: the text stored in SQLite and answered by REST.
    const char* const kTransferNames[] =
      { "receiving", "complete", "complete-with-warnings", "failed", "quarantined" };
    const char* const kMailNames[] =
      { "received", "imported", "warning", "failed", "rejected", "quarantined", "accepted" };
  }

  const char* ToString(InboxTransferState state)
  {
    return kTransferNames[static_cast<size_t>(state)];
  }

  const char* ToString(InboxMailState state)
  {
    return kMailNames[static_cast<size_t>(state)];
  }

  InboxTransferState ParseInboxTransferState(const std::string& text)
  {
    return StateText::Parse<InboxTransferState>(kTransferNames, text, "transfer");
  }

  InboxMailState ParseInboxMailState(const std::string& text)
  {
    return StateText::Parse<InboxMailState>(kMailNames, text, "mail");
  }

  const std::vector<InboxTransferState>& AllInboxTransferStates()
  {
    static const std::vector<InboxTransferState> all = {
      InboxTransferState::Receiving, InboxTransferState::Complete, InboxTransferState::CompleteWithWarnings,
      InboxTransferState::Failed, InboxTransferState::Quarantined };
    return all;
  }

  const std::vector<InboxMailState>& AllInboxMailStates()
  {
    static const std::vector<InboxMailState> all = {
      InboxMailState::Received, InboxMailState::Imported, InboxMailState::Warning, InboxMailState::Failed,
      InboxMailState::Rejected, InboxMailState::Quarantined, InboxMailState::Accepted };
    return all;
  }

  namespace InboxStates
  {
    bool IsImported(InboxMailState state)
    {
      return state == InboxMailState::Imported || state == InboxMailState::Warning;
    }

    bool IsComplete(InboxTransferState state)
    {
      return state == InboxTransferState::Complete || state == InboxTransferState::CompleteWithWarnings;
    }

    InboxTransferState ForParts(const std::vector<InboxMailState>& latestPerPart, unsigned int mailsExpected,
                                bool instancesFailed)
    {
      unsigned int imported = 0;
      bool warnings = instancesFailed, quarantined = false, rejected = false;
      for (InboxMailState state : latestPerPart)
      {
        if (IsImported(state))
        {
          imported++;
          warnings = warnings || state == InboxMailState::Warning;
        }
        quarantined = quarantined || state == InboxMailState::Quarantined;
        rejected = rejected || state == InboxMailState::Rejected;
      }
      if (mailsExpected > 0 && imported >= mailsExpected)
      {
        return warnings ? InboxTransferState::CompleteWithWarnings : InboxTransferState::Complete;
      }
      if (quarantined)
      {
        return InboxTransferState::Quarantined;
      }
      return rejected ? InboxTransferState::Failed : InboxTransferState::Receiving;
    }
  }
}
