// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementParser.h"
#include "Core/Common/Error.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace DicomMail
{
  namespace Fuzzing
  {
    // What the MDN fuzz target does with one input, as a whole entity and as
    // the body of a message/disposition-notification part; shared with the
    // FuzzRegression unit tests. Returns which readings accepted it:
    // kMdnEntityAccepted | kMdnFieldsAccepted.
    enum
    {
      kMdnEntityAccepted = 1,
      kMdnFieldsAccepted = 2
    };

    inline unsigned int RunMdnParserTarget(const uint8_t* data, size_t size)
    {
      const std::string input(reinterpret_cast<const char*>(data), size);
      unsigned int accepted = 0;

      try
      {
        const AcknowledgementReport report = AcknowledgementParser::Parse(input);
        (void) IsPositive(report.disposition);
        accepted |= kMdnEntityAccepted;
      }
      catch (const Error&)
      {
      }

      try
      {
        (void) AcknowledgementParser::ParseFields(input);
        accepted |= kMdnFieldsAccepted;
      }
      catch (const Error&)
      {
      }

      return accepted;
    }
  }
}
