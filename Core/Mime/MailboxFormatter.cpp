// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/MailboxFormatter.h"

#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/TextEncoding.h"

#include <cstring>

namespace DicomMail
{
  namespace MailboxFormatter
  {
    namespace
    {
      bool IsControl(const std::string& utf8, size_t i)
      {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x20 || c == 0x7f)
        {
          return true;
        }
        // C1 controls, U+0080..U+009F
        return c == 0xc2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) <= 0x9f;
      }

      // RFC 5322 atext
      bool IsAtomChar(char c)
      {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr);
      }

      // Atoms separated by single spaces: a phrase that needs no quotes.
      bool IsAtomPhrase(const std::string& name)
      {
        if (name.empty() || name.front() == ' ' || name.back() == ' ' || name.find("  ") != std::string::npos)
        {
          return false;
        }
        for (char c : name)
        {
          if (c != ' ' && !IsAtomChar(c))
          {
            return false;
          }
        }
        return true;
      }

      std::string QuotedString(const std::string& text)
      {
        std::string quoted = "\"";
        for (char c : text)
        {
          if (c == '"' || c == '\\')
          {
            quoted += '\\';
          }
          quoted += c;
        }
        return quoted + "\"";
      }

      bool HasBalancedParentheses(const std::string& text)
      {
        int depth = 0;
        for (char c : text)
        {
          depth += (c == '(') - (c == ')');
          if (depth < 0)
          {
            return false;
          }
        }
        return depth == 0;
      }

      // The content of the quoted-string at value[i] ('"'), unescaped; "i"
      // ends after its closing quote.
      std::string ReadQuoted(const std::string& value, size_t& i)
      {
        std::string text;
        i++;
        while (i < value.size() && value[i] != '"')
        {
          if (value[i] == '\\' && i + 1 < value.size())
          {
            i++;
          }
          text += value[i++];
        }
        i++;
        return text;
      }

      // The content of the comment at value[i] ('('), which may nest
      // (RFC 5322 3.2.2); "i" ends after its closing parenthesis.
      std::string ReadComment(const std::string& value, size_t& i)
      {
        std::string text;
        int depth = 0;
        while (i < value.size())
        {
          const char c = value[i++];
          if (c == '\\' && i < value.size())
          {
            text += value[i++];
            continue;
          }
          depth += (c == '(') - (c == ')');
          if (depth == 0)
          {
            break;
          }
          if (!(c == '(' && depth == 1))
          {
            text += c;
          }
        }
        return text;
      }

      // Control characters become spaces, runs of space one, the ends are
      // trimmed, and the result is cut at a character boundary.
      std::string CleanForDisplay(const std::string& utf8)
      {
        std::string result;
        for (size_t i = 0; i < utf8.size(); i++)
        {
          const bool control = IsControl(utf8, i);
          const char c = control ? ' ' : utf8[i];
          if (control && static_cast<unsigned char>(utf8[i]) == 0xc2)
          {
            i++;    // the second byte of a C1 control
          }
          if (c == ' ' && (result.empty() || result.back() == ' '))
          {
            continue;
          }
          result += c;
        }
        while (!result.empty() && result.back() == ' ')
        {
          result.pop_back();
        }
        if (result.size() > kMaxDisplayNameBytes)
        {
          size_t cut = kMaxDisplayNameBytes;
          while (cut > 0 && (static_cast<unsigned char>(result[cut]) & 0xc0) == 0x80)
          {
            cut--;
          }
          result.resize(cut);
        }
        return result;
      }
    }

    std::string CheckAddress(const std::string& address)
    {
      const size_t at = address.rfind('@');
      if (at == std::string::npos || at == 0 || at + 1 >= address.size())
      {
        return "is not a mail address (local@domain)";
      }
      if (address.size() > 254)
      {
        return "is longer than 254 characters";
      }
      for (char c : address)
      {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || strchr("<>\",;()[]:", c) != nullptr)
        {
          return "must be printable ASCII without spaces or any of <>\",;()[]:";
        }
      }
      return "";
    }

    std::string CheckDisplayName(const std::string& name)
    {
      if (!TextEncoding::IsValidUtf8(name))
      {
        return "is not valid UTF-8";
      }
      if (name.size() > kMaxDisplayNameBytes)
      {
        return "is longer than " + std::to_string(kMaxDisplayNameBytes) + " bytes";
      }
      for (size_t i = 0; i < name.size(); i++)
      {
        if (IsControl(name, i))
        {
          return "contains a control character (line break, tab, ...)";
        }
      }
      return "";
    }

    std::string FormatDisplayName(const std::string& name)
    {
      if (name.empty())
      {
        return "";
      }
      if (EncodedWords::NeedsEncoding(name))
      {
        return EncodedWords::EncodeAll(name);
      }
      return IsAtomPhrase(name) ? name : QuotedString(name);
    }

    std::string FormatMailbox(const std::string& name, const std::string& address)
    {
      const std::string phrase = FormatDisplayName(name);
      return phrase.empty() ? "<" + address + ">" : phrase + " <" + address + ">";
    }

    std::string FormatUserId(const std::string& name, const std::string& address)
    {
      std::string safe = name;
      const bool balanced = HasBalancedParentheses(safe);
      for (char& c : safe)
      {
        if (c == '<' || (c == '(' && !balanced))
        {
          c = '[';
        }
        else if (c == '>' || (c == ')' && !balanced))
        {
          c = ']';
        }
      }
      return safe.empty() ? "<" + address + ">" : safe + " <" + address + ">";
    }

    std::string ExtractDisplayName(const std::string& headerValue)
    {
      std::string phrase;     // what stands before "<address>"
      std::string comment;    // the first comment, the name of "a@b (Name)"
      bool hasAngleAddress = false;
      size_t i = 0;
      while (i < headerValue.size() && !hasAngleAddress)
      {
        const char c = headerValue[i];
        if (c == '"')
        {
          phrase += ReadQuoted(headerValue, i);
        }
        else if (c == '(')
        {
          const std::string text = ReadComment(headerValue, i);
          if (comment.empty())
          {
            comment = text;
          }
        }
        else if (c == '<')
        {
          hasAngleAddress = true;
        }
        else
        {
          phrase += c;
          i++;
        }
      }
      // Liberal: words inside quotes are decoded too, as mail clients do.
      return CleanForDisplay(EncodedWords::Decode(hasAngleAddress ? phrase : comment));
    }
  }
}
