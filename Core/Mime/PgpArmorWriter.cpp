// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/PgpArmorWriter.h"

#include "Core/Common/Error.h"
#include "Core/Mime/Base64.h"
#include "Core/Mime/MimeHeaders.h"

namespace DicomMail
{
  const unsigned int PgpArmorWriter::kGnupgLineLength;
  const unsigned int PgpArmorWriter::kMaxLineLength;

  PgpArmorWriter::PgpArmorWriter(ByteSink& next, const std::string& type, const Headers& headers,
                                 unsigned int lineLength) :
    next_(next),
    type_(type),
    headers_(headers),
    encoder_(next, lineLength)
  {
    if (lineLength == 0 || lineLength % 4 != 0 || lineLength > kMaxLineLength)
    {
      throw Error(ErrorKind::Internal, "invalid armor line length: " + std::to_string(lineLength));
    }
    if (type.empty() || !IsSafeHeaderValue(type) || type.find('-') != std::string::npos)
    {
      throw Error(ErrorKind::Internal, "invalid armor type: " + type);
    }
    for (const auto& header : headers_)
    {
      if (!IsValidHeaderName(header.first) || !IsSafeHeaderValue(header.second))
      {
        throw Error(ErrorKind::Internal, "invalid armor header: " + header.first);
      }
    }
  }

  void PgpArmorWriter::WriteHead()
  {
    if (!headWritten_)
    {
      std::string head = "-----BEGIN PGP " + type_ + "-----\r\n";
      for (const auto& header : headers_)
      {
        head += header.first + ": " + header.second + "\r\n";
      }
      head += "\r\n";
      next_.Write(head);
      headWritten_ = true;
    }
  }

  void PgpArmorWriter::Write(const void* data, size_t size)
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "PgpArmorWriter: write after Finish()");
    }
    WriteHead();
    crc_.Update(data, size);
    encoder_.Write(data, size);
  }

  void PgpArmorWriter::Flush()
  {
    WriteHead();
    encoder_.Flush();
  }

  void PgpArmorWriter::Finish()
  {
    if (finished_)
    {
      return;
    }
    WriteHead();
    encoder_.Finish();

    const uint32_t crc = crc_.GetValue();
    const unsigned char bytes[3] = {
      static_cast<unsigned char>(crc >> 16),
      static_cast<unsigned char>(crc >> 8),
      static_cast<unsigned char>(crc)
    };

    std::string tail;
    if (encoder_.GetOutputSize() > 0)
    {
      tail = "\r\n";
    }
    tail += "=" + Base64::Encode(bytes, 3) + "\r\n-----END PGP " + type_ + "-----\r\n";
    next_.Write(tail);
    next_.Flush();
    finished_ = true;
  }
}
