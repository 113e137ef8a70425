// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/IInstanceSource.h"
#include "Core/Sending/MailEnvelope.h"
#include "Core/Sending/ReadyMail.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace DicomMail
{
  // What the mails of one transfer share, fixed when its job starts.
  struct TransferMailPlan
  {
    MailEnvelope envelope;           // "part" is set per mail
    MailProtection protection;
    SetTotals totals;
    uint64_t sendLimit = 0;          // bytes; a larger mail goes as message/partial fragments
    unsigned int maxFragments = 0;
    std::string workingDirectory;
  };

  // The facts of a transfer its mails repeat.
  struct TransferFacts
  {
    std::string setId;
    std::string recipient;
    unsigned int totalMails = 0;
    bool acknowledgementsRequested = true;
    bool binaryDicomParts = false;   // decided per partner by SendsBinaryParts (Core/Partners/PartEncodingChoice)
    bool qaTest = false;             // a daily QA test (MailEnvelope::qaTest)
    bool qaMonthly = false;          // with qaTest: the monthly measurement
    SetTotals totals;
  };

  // The plan for a transfer to "partner": envelope, protection and limits
  // from the configuration and the partner. "sendLimit" is the partner's
  // (PartnerDirectory::GetSendLimit).
  TransferMailPlan MakeTransferMailPlan(const Configuration& config, const PartnerSettings& partner,
                                        const std::string& siteFingerprint, uint64_t sendLimit,
                                        const TransferFacts& facts);

  // Builds one mail of a transfer, ready for SMTP: composed (signed and
  // encrypted to the partner's key, which the encryption itself checks
  // once per mail) into a file of the working directory, and split into
  // RFC 2046 message/partial fragments when it is larger than the
  // partner's limit (one instance larger than a mail).
  class TransferMailBuilder
  {
  public:
    explicit TransferMailBuilder(const TransferMailPlan& plan);

    // Thread-safe as long as each thread passes its own "crypto" and "source".
    // "compress" false: not compressed inside OpenPGP whatever the plan's
    // protection says (the mail's instances are all compressed already).
    std::unique_ptr<ReadyMail> Build(unsigned int part, const std::vector<MailInstance>& instances,
                                     OpenPgpContext& crypto, IInstanceSource& source, bool compress = true) const;

  private:
    // Our public key for the mails' key part, exported by the first Build().
    std::string OwnPublicKey(OpenPgpContext& crypto) const;

    TransferMailPlan plan_;
    mutable std::mutex keyMutex_;
    mutable bool keyExported_ = false;
    mutable std::string publicKey_;
  };
}
