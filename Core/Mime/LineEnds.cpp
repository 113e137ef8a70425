// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/LineEnds.h"

namespace DicomMail
{
  std::string LineEnds::ToCrlf(const std::string& text)
  {
    std::string result;
    result.reserve(text.size() + text.size() / 32);
    for (size_t i = 0; i < text.size(); i++)
    {
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
      {
        result += '\r';
      }
      result += text[i];
    }
    return result;
  }
}
