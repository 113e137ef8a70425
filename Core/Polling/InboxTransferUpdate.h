// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Receiving/ProcessResult.h"
#include "Core/Store/InboxStore.h"

#include <vector>

namespace DicomMail
{
  // What one authenticated mail changes in the record of its inbox
  // transfer: counts, partner and signer, and the state derived from the
  // latest record of each part. The caller decides that the mail may touch
  // a transfer at all (only an authenticated one may: its clear SETID is
  // anyone's word).
  namespace InboxTransferUpdate
  {
    // "transfer" is the stored record, or a default one for a new transfer;
    // "recorded" the mails already stored under result.setId ("newMail"
    // among them when it updates an existing record).
    void Apply(const ProcessResult& result, const InboxMail& newMail, const std::vector<InboxMail>& recorded,
               InboxTransfer& transfer);

    // From the latest record of each part (InboxStates::ForParts). A part
    // once imported stays imported: its instances are in the PACS, whatever
    // a later copy of it met.
    InboxTransferState StateOf(const InboxTransfer& transfer, const std::vector<InboxMail>& recorded,
                               const InboxMail& newMail, unsigned int& partsReceived);
  }
}
