// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace DicomMail
{
  // The clear-text facts of one mail of a transfer (docs/wire-format.md §1).
  // Nothing here may carry patient data: it all travels unencrypted.
  struct MailEnvelope
  {
    std::string fromAddress;
    std::string fromName;                    // UTF-8, encoded when written
    std::string toAddress;
    std::string toName;                      // UTF-8, encoded when written; "" for none
    std::string subject = "DICOM-eMail";     // UTF-8, encoded when written
    std::string setId;
    unsigned int part = 1;
    unsigned int total = 1;
    std::string dispositionNotificationTo;   // empty: no acknowledgement asked
    time_t date = 0;                         // 0: now
    bool binaryDicomParts = false;           // see Configuration::binaryDicomParts
    bool qaTest = false;                     // a daily test: marked inside the encrypted entity only
    bool qaMonthly = false;                  // with qaTest: the monthly measurement instead
    std::string publicKey;                   // armored site key for the entity's key part (#22); "" for none
  };

  // One instance of the mail, as the manifest will list it.
  struct MailInstance
  {
    std::string id;               // for IInstanceSource::Open
    std::string sopInstanceUid;
  };

  // How the mail is protected.
  struct MailProtection
  {
    std::vector<std::string> recipientFingerprints;
    std::string signerFingerprint;
    bool compress = true;
    bool encryptToSelf = false;
  };

  // The set-wide totals each manifest repeats.
  struct SetTotals
  {
    uint64_t instances = 0;
    uint64_t bytes = 0;
  };
}
