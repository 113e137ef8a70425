// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/PartialSplitter.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Transfer/LineReader.h"
#include "Core/Transfer/RawHeaderBlock.h"
#include "Core/Transfer/WireHeaders.h"

#include <cstdio>

namespace DicomMail
{
  namespace
  {
    const size_t kMaxLineCharacters = 998;   // RFC 5322 §2.1.1, without the CRLF

    // The right-hand side of the mail's Message-ID, so fragment ids look
    // like they come from the same host; a neutral domain otherwise.
    std::string FindDomain(const RawHeaderBlock& headers)
    {
      const RawHeaderField* messageId = headers.Find("Message-ID");
      if (messageId != nullptr)
      {
        const std::string value = messageId->GetValue();
        const size_t at = value.rfind('@');
        const size_t close = value.rfind('>');
        if (at != std::string::npos && close != std::string::npos && close > at + 1)
        {
          const std::string domain = value.substr(at + 1, close - at - 1);
          try
          {
            MimeIdentifiers::GenerateMessageId(domain);   // validates the host name
            return domain;
          }
          catch (const Error&)
          {
            // Not a plain host name (e.g. a literal): use the neutral one.
          }
        }
      }
      return "dicom-mail.invalid";
    }

    // What the plan pass learns; the write pass only replays it.
    struct Plan
    {
      std::string copiedFields;       // outer fields copied to every fragment
      std::string subjectField;       // the mail's raw Subject field, or a default
      std::string domain;
      std::vector<uint64_t> sizes;    // bytes of the mail in each fragment
    };

    std::string MakeFragmentHeader(const Plan& plan,
                                   const std::string& partialId,
                                   const std::string& messageId,
                                   unsigned int number,
                                   unsigned int total)
    {
      return (plan.copiedFields +
              plan.subjectField +
              "Message-ID: " + messageId + "\r\n" +
              "MIME-Version: 1.0\r\n" +
              "Content-Type: message/partial; id=\"" + partialId + "\";\r\n" +
              " number=" + std::to_string(number) + "; total=" + std::to_string(total) + "\r\n" +
              "\r\n");
    }

    void CheckLine(const std::string& line, uint64_t offset)
    {
      const bool hasCrLf = (line.size() >= 2 && line[line.size() - 2] == '\r' && line.back() == '\n');
      const size_t characters = line.size() - (hasCrLf ? 2 : 0);
      if (characters > kMaxLineCharacters)
      {
        throw Error(ErrorKind::BadInput, "The mail has a line longer than " +
                    std::to_string(kMaxLineCharacters) + " characters at offset " + std::to_string(offset));
      }
      for (size_t i = 0; i < characters; i++)
      {
        const unsigned char c = static_cast<unsigned char>(line[i]);
        if (c == 0 || c >= 128 || c == '\r' || c == '\n')
        {
          throw Error(ErrorKind::BadInput, "The mail is not 7bit text with CRLF line ends (byte " +
                      std::to_string(c) + " at offset " + std::to_string(offset + i) + ")");
        }
      }
    }
  }

  PartialSplitter::PartialSplitter(uint64_t fragmentLimit,
                                   unsigned int maxFragments,
                                   size_t maxHeaderBytes) :
    fragmentLimit_(fragmentLimit),
    maxFragments_(maxFragments),
    maxHeaderBytes_(maxHeaderBytes)
  {
    if (maxFragments_ == 0)
    {
      throw Error(ErrorKind::Configuration, "The maximum number of fragments must be at least 1");
    }
  }

  bool PartialSplitter::IsEnclosedField(const std::string& name)
  {
    return ((name.size() >= 8 && RawHeaderBlock::EqualsIgnoreCase(name.substr(0, 8), "Content-")) ||
            RawHeaderBlock::EqualsIgnoreCase(name, "Subject") ||
            RawHeaderBlock::EqualsIgnoreCase(name, "Message-ID") ||
            RawHeaderBlock::EqualsIgnoreCase(name, "Encrypted") ||
            RawHeaderBlock::EqualsIgnoreCase(name, "MIME-Version"));
  }

  unsigned int PartialSplitter::Split(const std::string& mailPath, const SinkFactory& factory) const
  {
    FileSource source(mailPath);
    Plan plan;

    // Pass 1: read the headers, then cut the mail into slices.
    uint64_t headerBytes = 0;
    {
      LineReader reader(source);
      RawHeaderBlock headers;
      headers.Read(reader, maxHeaderBytes_);
      if (headers.GetTerminator() != "\r\n")
      {
        throw Error(ErrorKind::BadInput, "The mail to split has no CRLF empty line after its headers");
      }
      headerBytes = reader.GetOffset();

      for (const char* required : { "From", "Date", WireHeaders::kSetId, WireHeaders::kSetPart,
                                    WireHeaders::kSetTotal })
      {
        if (headers.Find(required) == nullptr)
        {
          throw Error(ErrorKind::BadInput, std::string("The mail to split has no \"") + required + "\" header");
        }
      }

      for (const RawHeaderField& field : headers.GetFields())
      {
        if (!IsEnclosedField(field.name))
        {
          plan.copiedFields += field.raw;
        }
      }
      const RawHeaderField* subject = headers.Find("Subject");
      plan.subjectField = (subject == nullptr ? std::string("Subject: DICOM-eMail\r\n") : subject->raw);
      plan.domain = FindDomain(headers);
    }

    // The header of any fragment is at most this long: the widest numbers
    // possible, and ids of fixed length.
    const std::string widestHeader = MakeFragmentHeader(plan, MimeIdentifiers::RandomHex(16) + "@" + plan.domain,
                                                        MimeIdentifiers::GenerateMessageId(plan.domain),
                                                        maxFragments_, maxFragments_);
    if (widestHeader.size() >= fragmentLimit_)
    {
      throw Error(ErrorKind::LimitExceeded, "A fragment limit of " + std::to_string(fragmentLimit_) +
                  " bytes cannot hold the " + std::to_string(widestHeader.size()) +
                  " bytes of a fragment's headers");
    }
    const uint64_t room = fragmentLimit_ - widestHeader.size();
    if (headerBytes > room)
    {
      throw Error(ErrorKind::LimitExceeded, "The mail's headers (" + std::to_string(headerBytes) +
                  " bytes) do not fit in the first fragment (" + std::to_string(room) + " bytes of room)");
    }

    {
      source.Rewind();
      LineReader reader(source);
      std::string line;
      uint64_t current = 0;
      while (reader.ReadLine(line, kMaxLineCharacters + 2 + 1))
      {
        // CheckLine refuses bare CR and LF, so only the very last line of
        // the mail can lack its CRLF.
        const uint64_t offset = reader.GetOffset() - line.size();
        CheckLine(line, offset);
        if (line.size() > room)
        {
          throw Error(ErrorKind::LimitExceeded, "A fragment limit of " + std::to_string(fragmentLimit_) +
                      " bytes cannot hold the mail's line at offset " + std::to_string(offset));
        }

        // The enclosed headers must stay whole in fragment 1.
        if (current + line.size() > room && offset >= headerBytes)
        {
          plan.sizes.push_back(current);
          current = 0;
          if (plan.sizes.size() >= maxFragments_)
          {
            throw Error(ErrorKind::LimitExceeded, "Splitting the mail into fragments of " +
                        std::to_string(fragmentLimit_) + " bytes needs more than " +
                        std::to_string(maxFragments_) + " fragments");
          }
        }
        current += line.size();
      }
      plan.sizes.push_back(current);
    }

    // Pass 2: write the fragments.
    const unsigned int total = static_cast<unsigned int>(plan.sizes.size());
    const std::string partialId = MimeIdentifiers::RandomHex(16) + "@" + plan.domain;
    source.Rewind();
    LineReader reader(source);
    for (unsigned int number = 1; number <= total; number++)
    {
      const std::string header = MakeFragmentHeader(plan, partialId, MimeIdentifiers::GenerateMessageId(plan.domain),
                                                    number, total);
      if (header.size() > widestHeader.size())
      {
        throw Error(ErrorKind::Internal, "A fragment header is longer than planned");
      }

      std::unique_ptr<ByteSink> sink = factory(number, total);
      if (sink.get() == nullptr)
      {
        throw Error(ErrorKind::Internal, "No sink for fragment " + std::to_string(number));
      }
      sink->Write(header);
      reader.CopyBytes(*sink, plan.sizes[number - 1]);
      sink->Flush();
    }

    return total;
  }

  std::vector<std::string> PartialSplitter::SplitToDirectory(const std::string& mailPath,
                                                             const std::string& directory,
                                                             const std::string& prefix) const
  {
    // FileSink::Close() syncs and reports a full disk; a plain sink
    // destructor could not, hence this small adapter.
    class ClosingSink : public ByteSink
    {
    public:
      explicit ClosingSink(const std::string& path) :
        file_(path)
      {
      }

      using ByteSink::Write;
      void Write(const void* data, size_t size) override
      {
        file_.Write(data, size);
      }

      void Flush() override
      {
        file_.Close();
      }

    private:
      FileSink file_;
    };

    std::vector<std::string> paths;
    try
    {
      Split(mailPath, [&](unsigned int number, unsigned int) -> std::unique_ptr<ByteSink>
      {
        char name[32];
        snprintf(name, sizeof(name), "%05u.eml", number);
        paths.push_back(directory + "/" + prefix + name);
        return std::unique_ptr<ByteSink>(new ClosingSink(paths.back()));
      });
    }
    catch (...)
    {
      for (const std::string& path : paths)
      {
        Files::Remove(path);
      }
      throw;
    }
    return paths;
  }
}
