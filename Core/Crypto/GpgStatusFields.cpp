// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgStatusFields.h"

#include <cctype>
#include <cstdlib>
#include <sstream>

namespace DicomMail
{
  namespace GpgStatusFields
  {
    std::vector<std::string> Split(const std::string& arguments)
    {
      std::vector<std::string> fields;
      std::istringstream in(arguments);
      std::string field;
      while (in >> field)
      {
        fields.push_back(field);
      }
      return fields;
    }

    std::string Field(const std::vector<std::string>& fields, size_t index)
    {
      return index < fields.size() ? fields[index] : "";
    }

    std::string SymmetricAlgorithmName(int id)
    {
      switch (id)
      {
        case 1:  return "IDEA";
        case 2:  return "3DES";
        case 3:  return "CAST5";
        case 4:  return "BLOWFISH";
        case 7:  return "AES128";
        case 8:  return "AES192";
        case 9:  return "AES256";
        case 10: return "TWOFISH";
        case 11: return "CAMELLIA128";
        case 12: return "CAMELLIA192";
        case 13: return "CAMELLIA256";
        default: return "unknown";
      }
    }

    std::string HashAlgorithmName(int id)
    {
      const char* name = gpgme_hash_algo_name(static_cast<gpgme_hash_algo_t>(id));
      return name != nullptr ? name : "unknown";
    }

    gpgme_error_t ErrorCode(const std::string& arguments)
    {
      const std::string code = Field(Split(arguments), 1);
      if (code.empty())
      {
        return gpgme_err_make(GPG_ERR_SOURCE_GPG, GPG_ERR_GENERAL);
      }
      return static_cast<gpgme_error_t>(strtoul(code.c_str(), nullptr, 10));
    }

    std::string LastMessage(const std::string& diagnostics)
    {
      std::string text = diagnostics;
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      {
        text.pop_back();
      }
      const size_t newline = text.rfind('\n');
      text = newline == std::string::npos ? text : text.substr(newline + 1);
      return text.empty() ? "" : " (" + text + ")";
    }

    std::string Unescape(const std::string& text)
    {
      std::string result;
      for (size_t i = 0; i < text.size(); i++)
      {
        if (text[i] == '%' && i + 2 < text.size() && isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            isxdigit(static_cast<unsigned char>(text[i + 2])))
        {
          result += static_cast<char>(strtol(text.substr(i + 1, 2).c_str(), nullptr, 16));
          i += 2;
        }
        else
        {
          result += text[i];
        }
      }
      return result;
    }
  }
}
