// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/InboxTransferUpdate.h"

#include "Core/Store/UtcTime.h"

#include <algorithm>
#include <map>

namespace DicomMail
{
  namespace InboxTransferUpdate
  {
    namespace
    {
      bool IsImported(const std::string& state)
      {
        return state == "imported" || state == "warning";
      }
    }

    std::string StateOf(const InboxTransfer& transfer, const std::vector<InboxMail>& recorded,
                        const InboxMail& newMail, unsigned int& partsReceived)
    {
      std::map<unsigned int, std::string> latest;
      auto note = [&latest](unsigned int part, const std::string& state)
      {
        if (!IsImported(latest[part]))
        {
          latest[part] = state;
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

      unsigned int done = 0;
      bool warnings = false, quarantined = false, rejected = false;
      for (const auto& item : latest)
      {
        if (IsImported(item.second))
        {
          done++;
          warnings = warnings || item.second == "warning";
        }
        quarantined = quarantined || item.second == "quarantined";
        rejected = rejected || item.second == "rejected";
      }
      partsReceived = static_cast<unsigned int>(latest.size());
      if (transfer.mailsExpected > 0 && done >= transfer.mailsExpected)
      {
        return (warnings || transfer.instancesFailed > 0) ? "complete-with-warnings" : "complete";
      }
      if (quarantined)
      {
        return "quarantined";
      }
      return rejected ? "failed" : "receiving";
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
      }
      if (!newMail.reason.empty() && transfer.reasons.size() < 50)
      {
        transfer.reasons.push_back("mail " + std::to_string(result.part) + ": " + newMail.reason);
      }

      transfer.state = StateOf(transfer, recorded, newMail, transfer.mailsReceived);
      if (transfer.state.compare(0, 8, "complete") == 0 && transfer.completedAt.empty())
      {
        transfer.completedAt = UtcTime::Now();
      }
    }
  }
}
