// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementDisposition.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  namespace
  {
    // Lower case, white space (and RFC 822 comments) removed.
    std::string Normalize(const std::string& value)
    {
      std::string result;
      int comment = 0;
      for (char c : value)
      {
        if (c == '(')
        {
          comment++;
        }
        else if (c == ')' && comment > 0)
        {
          comment--;
        }
        else if (comment == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n')
        {
          result.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
        }
      }
      return result;
    }

    std::string Shorten(const std::string& value)
    {
      std::string result;
      for (char c : value.substr(0, 80))
      {
        result.push_back((c >= 32 && c < 127) ? c : '?');
      }
      return result;
    }
  }

  const char* ToString(Disposition disposition)
  {
    switch (disposition)
    {
      case Disposition::Displayed:
        return "automatic-action/MDN-sent-automatically;displayed";
      case Disposition::DisplayedWarning:
        return "automatic-action/MDN-sent-automatically;displayed/warning";
      case Disposition::DeletedError:
        return "automatic-action/MDN-sent-automatically;deleted/error";
      case Disposition::Deleted:
        return "automatic-action/MDN-sent-automatically;deleted";
    }
    throw Error(ErrorKind::Internal, "Unknown disposition");
  }

  Disposition ParseDisposition(const std::string& value)
  {
    const std::string text = Normalize(value);
    const size_t semicolon = text.find(';');
    if (semicolon == std::string::npos)
    {
      throw Error(ErrorKind::BadInput, "Malformed Disposition \"" + Shorten(value) +
                  "\" (no \";\" after the action mode)");
    }

    const std::string mode = text.substr(0, semicolon);
    const size_t slash = mode.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == mode.size())
    {
      throw Error(ErrorKind::BadInput, "Malformed Disposition \"" + Shorten(value) +
                  "\" (the mode is not \"action/sending\")");
    }

    const std::string type = text.substr(semicolon + 1);
    if (type == "displayed")
    {
      return Disposition::Displayed;
    }
    if (type == "displayed/warning")
    {
      return Disposition::DisplayedWarning;
    }
    if (type == "deleted/error")
    {
      return Disposition::DeletedError;
    }
    if (type == "deleted")
    {
      return Disposition::Deleted;
    }
    throw Error(ErrorKind::BadInput, "Unsupported Disposition \"" + Shorten(value) + "\"");
  }

  bool IsPositive(Disposition disposition)
  {
    return disposition == Disposition::Displayed || disposition == Disposition::DisplayedWarning;
  }
}
