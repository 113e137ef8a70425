// SPDX-License-Identifier: GPL-3.0-or-later
// Escaping and number formats shared by the report's renderers.
#include "Core/QualityAssurance/QaReportText.h"

#include "Core/Store/UtcMillis.h"

#include <cstdio>

namespace DicomMail
{
  namespace QaReportRender
  {
    std::string EscapeHtml(const std::string& text)
    {
      std::string out;
      out.reserve(text.size());
      for (char c : text)
      {
        switch (c)
        {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '"': out += "&quot;"; break;
          case '\'': out += "&#39;"; break;
          default: out += c;
        }
      }
      return out;
    }

    std::string CsvField(const std::string& text)
    {
      std::string value = text;
      if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@'))
      {
        value = "'" + value;   // a spreadsheet would take it for a formula
      }
      if (value.find_first_of(",\"\r\n") == std::string::npos)
      {
        return value;
      }
      std::string quoted = "\"";
      for (char c : value)
      {
        quoted += c;
        if (c == '"')
        {
          quoted += '"';
        }
      }
      return quoted + "\"";
    }
  }

  namespace QaReportText
  {
    std::string Time(int64_t ms)
    {
      return ms == 0 ? std::string() : UtcMillis::Format(ms);
    }

    std::string Fixed(double value, int decimals)
    {
      char text[64];
      snprintf(text, sizeof(text), "%.*f", decimals, value);
      return text;
    }

    std::string Percent(double share)
    {
      return Fixed(share * 100.0, 2);
    }
  }
}
