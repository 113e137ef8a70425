// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/MailClassifier.h"

#include <algorithm>
#include <strings.h>

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/MailDate.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeParser.h"
#include "Core/Mime/TextEncoding.h"
#include "Core/Receiving/MailAddress.h"
#include "Core/Receiving/ReceiveMimeLimits.h"
#include "Core/Transfer/SetId.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace
  {
    // Thrown by the peeking handlers once they know enough.
    struct StopParsing
    {
    };

    // Records the Content-Type of the first part of a multipart/signed.
    class SignedContentPeek : public IMimeHandler
    {
    public:
      void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers) override
      {
        Record(depth, headers);
      }

      ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override
      {
        Record(depth, headers);
        return nullptr;
      }

      const std::string& GetType() const
      {
        return type_;
      }

    private:
      void Record(unsigned int depth, const MimeHeaders& headers)
      {
        if (depth == 1)
        {
          type_ = headers.GetContentType().GetMimeType();
          throw StopParsing();
        }
      }

      std::string type_;
    };

    // Looks for an application/dicom part anywhere (bodies skipped).
    class DicomPartPeek : public IMimeHandler
    {
    public:
      ByteSink* OnHeaders(unsigned int, const MimeHeaders& headers) override
      {
        if (headers.GetContentType().Is("application/dicom"))
        {
          found_ = true;
          throw StopParsing();
        }
        return nullptr;
      }

      bool IsFound() const
      {
        return found_;
      }

    private:
      bool found_ = false;
    };

    template <typename Handler>
    void Peek(const std::string& path, Handler& handler, const MimeLimits& limits)
    {
      FileSource source(path);
      MimeParser parser(source, handler, limits);
      try
      {
        parser.Parse();
      }
      catch (const StopParsing&)
      {
      }
    }

    MailClassification Malformed(MailClassification result, const std::string& reason)
    {
      result.kind = MailKind::Malformed;
      result.reason = reason;
      return result;
    }

    // Acknowledgements carry SETID and SETPART only.
    void CheckAcknowledgementSetHeaders(const MimeHeaders& headers, SetHeaderValues& set)
    {
      std::string id, part;
      const bool hasId = headers.Lookup(id, WireHeaders::kSetId);
      const bool hasPart = headers.Lookup(part, WireHeaders::kSetPart);
      set.present = hasId || hasPart;
      if (hasId && !SetId::IsValid(id))
      {
        throw Error(ErrorKind::BadInput, std::string(WireHeaders::kSetId) + " is not a valid set id");
      }
      if (hasPart && (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos))
      {
        throw Error(ErrorKind::BadInput, std::string(WireHeaders::kSetPart) + " is not a decimal number");
      }
      set.setId = id;
      set.part = hasPart ? static_cast<unsigned int>(std::stoul(part)) : 0;
    }
  }

  MailClassifier::MailClassifier(const ReceiveLimits& limits, unsigned int maxSetTotal) :
    limits_(limits),
    maxSetTotal_(maxSetTotal)
  {
  }

  MailClassification MailClassifier::Classify(const std::string& mailPath) const
  {
    MailClassification result;
    const MimeLimits mimeLimits = ReceiveMimeLimits::ForMail(limits_);

    MimeHeaders headers;
    {
      FileSource source(mailPath);
      const uint64_t size = source.GetSize();
      if (size == 0)
      {
        return Malformed(result, "empty mail");
      }
      uint64_t bodyOffset = 0;
      try
      {
        headers = ParseHeaderBlock(source, mimeLimits, &bodyOffset);
      }
      catch (const Error& e)
      {
        return Malformed(result, std::string("unreadable header block: ") + e.what());
      }
      // Nothing but what servers add on the way, and no body: an empty mail.
      bool onlyTrace = true;
      for (const MimeHeaderField& field : headers.GetFields())
      {
        static const char* const trace[] = {"Received", "Return-Path", "Delivered-To", "X-Original-To",
                                            "Message-ID", "Date"};
        bool isTrace = false;
        for (const char* name : trace)
        {
          isTrace = isTrace || strcasecmp(field.name.c_str(), name) == 0;
        }
        onlyTrace = onlyTrace && isTrace;
      }
      if (onlyTrace && size - std::min(size, bodyOffset) <= 2)
      {
        return Malformed(result, "empty mail: no header fields of its own and no body");
      }
    }

    result.fromAddress = MailAddress::Extract(headers.Get("From"));
    result.fromName = MailboxFormatter::ExtractDisplayName(headers.Get("From"));
    result.messageId = TextEncoding::SanitizeUtf8(headers.Get("Message-ID"));
    result.dateText = TextEncoding::SanitizeUtf8(headers.Get("Date"));
    result.hasDate = MailDate::Parse(headers.Get("Date"), result.date);
    if (!result.hasDate)
    {
      result.date = 0;
    }
    result.dispositionNotificationTo = MailAddress::Extract(headers.Get(WireHeaders::kDispositionNotificationTo));

    std::string rawType;
    ContentType type;
    const bool hasType = headers.Lookup(rawType, "Content-Type");
    const bool typeValid = !hasType || ContentType::TryParse(type, rawType);
    result.contentType = typeValid ? type.GetMimeType() : "";
    const bool claimsSet = headers.Has(WireHeaders::kSetId) || headers.Has(WireHeaders::kSetPart) ||
      headers.Has(WireHeaders::kSetTotal);

    try
    {
      if (!typeValid)
      {
        result.structuralKind = claimsSet ? MailKind::DicomMail : MailKind::Other;
        if (claimsSet)
        {
          return Malformed(result, "invalid Content-Type \"" + TextEncoding::SanitizeUtf8(rawType.substr(0, 80)) + "\"");
        }
      }
      else if (type.Is("message/partial"))
      {
        result.structuralKind = MailKind::Partial;
      }
      else if (type.Is("multipart/encrypted"))
      {
        result.structuralKind = MailKind::DicomMail;
      }
      else if (type.Is("multipart/report") &&
               type.GetParameter("report-type") == "disposition-notification")
      {
        result.structuralKind = MailKind::Acknowledgement;
        result.acknowledgementSigned = false;
      }
      else if (type.Is("multipart/signed"))
      {
        SignedContentPeek peek;
        Peek(mailPath, peek, mimeLimits);
        if (peek.GetType() == "multipart/report")
        {
          result.structuralKind = MailKind::Acknowledgement;
          result.acknowledgementSigned = true;
        }
        else
        {
          result.structuralKind = claimsSet ? MailKind::DicomMail : MailKind::Other;
        }
      }
      else if (claimsSet || type.Is("application/dicom"))
      {
        result.structuralKind = MailKind::DicomMail;   // unencrypted: the processor says why it is refused
      }
      else if (type.Is("multipart/mixed"))
      {
        DicomPartPeek peek;
        try
        {
          Peek(mailPath, peek, mimeLimits);
        }
        catch (const Error&)
        {
          // Structure broken before any DICOM part: not recognisably ours.
        }
        result.structuralKind = peek.IsFound() ? MailKind::DicomMail : MailKind::Other;
      }
      else
      {
        result.structuralKind = MailKind::Other;
      }
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::Storage)
      {
        throw;
      }
      if (!claimsSet)
      {
        result.structuralKind = MailKind::Other;   // a broken signed mail that is not ours
        result.kind = MailKind::Other;
        return result;
      }
      result.structuralKind = MailKind::DicomMail;
      return Malformed(result, std::string("unreadable multipart/signed structure: ") + e.what());
    }

    result.kind = result.structuralKind;
    try
    {
      switch (result.structuralKind)
      {
        case MailKind::DicomMail:
          result.set = SetHeaderValues::Read(headers, maxSetTotal_);
          break;
        case MailKind::Partial:
        {
          result.set = SetHeaderValues::Read(headers, maxSetTotal_);
          FileSource source(mailPath);
          result.partial = PartialFragmentInfo::Read(source, limits_.maxFragments, limits_.maxHeaderBytes);
          break;
        }
        case MailKind::Acknowledgement:
          CheckAcknowledgementSetHeaders(headers, result.set);
          break;
        default:
          break;
      }
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::Storage)
      {
        throw;
      }
      return Malformed(result, e.what());
    }
    return result;
  }
}
