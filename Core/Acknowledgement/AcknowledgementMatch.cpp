// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementMatch.h"

namespace DicomMail
{
  namespace AcknowledgementMatch
  {
    std::string Mismatch(const AcknowledgementReport& signedReport, const std::string& setId, unsigned int part)
    {
      if (signedReport.setId.empty() || signedReport.setPart.empty())
      {
        return "the signed report names no X-TELEMEDICINE-SETID/SETPART";
      }
      if (signedReport.setId != setId || signedReport.setPart != std::to_string(part))
      {
        // Values as parsed are not shown: they are the sender's text.
        return "the signed report names another SETID/SETPART than the mail its Original-Message-ID cites";
      }
      return "";
    }
  }
}
