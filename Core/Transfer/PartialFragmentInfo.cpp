// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/PartialFragmentInfo.h"

#include "Core/Common/Error.h"
#include "Core/Mime/ContentType.h"
#include "Core/Transfer/LineReader.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace
  {
    std::string ToLower(std::string s)
    {
      for (char& c : s)
      {
        if (c >= 'A' && c <= 'Z')
        {
          c = static_cast<char>(c - 'A' + 'a');
        }
      }
      return s;
    }

    unsigned int ParseCount(const std::string& text, const char* what, unsigned int maxTotal)
    {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, std::string("message/partial has an invalid \"") + what + "\"");
      }
      const size_t firstDigit = text.find_first_not_of('0');
      if (firstDigit == std::string::npos)
      {
        throw Error(ErrorKind::BadInput, std::string("message/partial has ") + what + "=0");
      }
      const std::string digits = text.substr(firstDigit);
      if (digits.size() > 9 || std::stoul(digits) > maxTotal)
      {
        throw Error(ErrorKind::LimitExceeded, std::string("message/partial ") + what + "=" +
                    digits.substr(0, 20) + " exceeds the limit of " + std::to_string(maxTotal));
      }
      return static_cast<unsigned int>(std::stoul(digits));
    }

    std::string GetValue(const RawHeaderBlock& headers, const char* name)
    {
      const RawHeaderField* field = headers.Find(name);
      return (field == nullptr ? std::string() : field->GetValue());
    }
  }

  bool PartialFragmentInfo::IsPartial(const RawHeaderBlock& headers)
  {
    const RawHeaderField* field = headers.Find("Content-Type");
    ContentType contentType;
    return (field != nullptr &&
            ContentType::TryParse(contentType, field->GetValue()) &&
            contentType.Is("message/partial"));
  }

  PartialFragmentInfo PartialFragmentInfo::Parse(const RawHeaderBlock& headers, unsigned int maxTotal)
  {
    const RawHeaderField* field = headers.Find("Content-Type");
    if (field == nullptr)
    {
      throw Error(ErrorKind::BadInput, "The fragment has no Content-Type header");
    }
    const ContentType contentType = ContentType::Parse(field->GetValue());
    if (!contentType.Is("message/partial"))
    {
      throw Error(ErrorKind::BadInput, "The fragment's Content-Type is " + contentType.GetMimeType() +
                  ", not message/partial");
    }

    // RFC 2046 §5.2.2: message/partial is always 7bit; 8bit and binary are
    // tolerated, an actual encoding is not.
    const std::string encoding = ToLower(GetValue(headers, "Content-Transfer-Encoding"));
    if (!encoding.empty() && encoding != "7bit" && encoding != "8bit" && encoding != "binary")
    {
      throw Error(ErrorKind::BadInput, "A message/partial fragment has Content-Transfer-Encoding " + encoding);
    }

    PartialFragmentInfo info;
    info.id = contentType.GetParameter("id");
    if (info.id.empty())
    {
      throw Error(ErrorKind::BadInput, "message/partial without an \"id\" parameter");
    }
    if (info.id.size() > 998)
    {
      throw Error(ErrorKind::BadInput, "message/partial \"id\" is too long");
    }

    if (!contentType.HasParameter("number"))
    {
      throw Error(ErrorKind::BadInput, "message/partial without a \"number\" parameter");
    }
    info.number = ParseCount(contentType.GetParameter("number"), "number", maxTotal);

    if (contentType.HasParameter("total"))
    {
      info.total = ParseCount(contentType.GetParameter("total"), "total", maxTotal);
      if (info.number > info.total)
      {
        throw Error(ErrorKind::BadInput, "message/partial number=" + std::to_string(info.number) +
                    " is greater than total=" + std::to_string(info.total));
      }
    }

    info.setId = GetValue(headers, WireHeaders::kSetId);
    info.setPart = GetValue(headers, WireHeaders::kSetPart);
    info.setTotal = GetValue(headers, WireHeaders::kSetTotal);
    return info;
  }

  PartialFragmentInfo PartialFragmentInfo::Read(ByteSource& source, unsigned int maxTotal, size_t maxHeaderBytes)
  {
    LineReader reader(source, 4096);
    RawHeaderBlock headers;
    headers.Read(reader, maxHeaderBytes);
    return Parse(headers, maxTotal);
  }
}
