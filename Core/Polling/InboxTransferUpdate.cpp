// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/InboxTransferUpdate.h"

#include "Core/Store/UtcTime.h"

#include <algorithm>
#include <map>

namespace DicomMail
{
  namespace InboxTransferUpdate
  {
    InboxTransferState StateOf(const InboxTransfer& transfer, const std::vector<InboxMail>& recorded,
                               const InboxMail& newMail, unsigned int& partsReceived)
    {
      std::map<unsigned int, InboxMailState> latest;
      auto note = [&latest](unsigned int part, InboxMailState state)
      {
        const auto found = latest.find(part);
        if (found == latest.end())
        {
          latest.emplace(part, state);
        }
        else if (!InboxStates::IsImported(found->second))
        {
          found->second = state;
        }
      };
      for (const InboxMail& mail : recorded)
      {
        if (mail.id != newMail.id || newMail.id == 0)
        {
          note(mail.part, mail.state);
        }
      }
      note(newMail.part, newMail.state);

      std::vector<InboxMailState> states;
      for (const auto& item : latest)
      {
        states.push_back(item.second);
      }
      partsReceived = static_cast<unsigned int>(latest.size());
      return InboxStates::ForParts(states, transfer.mailsExpected, transfer.instancesFailed > 0);
    }

    void Apply(const ProcessResult& result, const InboxMail& newMail, const std::vector<InboxMail>& recorded,
               InboxTransfer& transfer)
    {
      if (transfer.setId.empty())
      {
        transfer.setId = result.setId;
        transfer.senderAddress = result.fromAddress;
      }
      if (!result.partner.empty())
      {
        transfer.partner = result.partner;
      }
      if (!result.signerFingerprint.empty())
      {
        transfer.signerFingerprint = result.signerFingerprint;
      }
      transfer.mailsExpected = std::max(transfer.mailsExpected, result.total);
      transfer.instancesImported += result.stored;
      transfer.instancesAlreadyStored += result.alreadyStored;
      transfer.instancesFailed += result.failed;
      transfer.bytes += result.mailBytes;
      if (result.senderDate != 0 && (transfer.senderDate.empty() ||
                                     UtcTime::FromUnix(result.senderDate) < transfer.senderDate))
      {
        transfer.senderDate = UtcTime::FromUnix(result.senderDate);   // the earliest mail's Date
      }
      if (result.IsPositive())
      {
        transfer.lastImportAt = UtcTime::Now();
        transfer.completedMs = std::max(transfer.completedMs, result.completedMs);
      }
      // Signed: only an authenticated mail is filed under a transfer.
      transfer.qaTest = transfer.qaTest || result.qaTest;
      if (!newMail.reason.empty() && transfer.reasons.size() < 50)
      {
        transfer.reasons.push_back("mail " + std::to_string(result.part) + ": " + newMail.reason);
      }

      transfer.state = StateOf(transfer, recorded, newMail, transfer.mailsReceived);
      if (InboxStates::IsComplete(transfer.state) && transfer.completedAt.empty())
      {
        transfer.completedAt = UtcTime::Now();
      }
    }
  }
}
