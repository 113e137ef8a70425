// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementParser.h"

#include <string>

namespace DicomMail
{
  // What AcknowledgementReader made of one incoming MDN.
  struct AcknowledgementResult
  {
    bool valid = false;             // signed by the From partner's certified key: act on it
    std::string reason;             // why not valid ("unsigned acknowledgement", ...)
    AcknowledgementReport report;   // filled whenever the report could be parsed (also if not valid)
    bool reportParsed = false;
    std::string signerFingerprint;
    std::string partner;
    std::string fromAddress;
    std::string messageId;          // of the acknowledgement itself
    std::string keyUpdate;          // what became of the signer's key part (#22), "" when none
    bool keyChanged = false;        // and gpg found something new in it (#18: share it)
  };
}
