// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/EncryptedEnvelopeReader.h"

#include "Core/Common/Error.h"

#include <cctype>

namespace DicomMail
{
  namespace
  {
    // "Version: 1" somewhere in the control part, liberal about case and blanks.
    bool HasVersionOne(const std::string& control)
    {
      std::string squeezed;
      for (char c : control)
      {
        if (c != ' ' && c != '\t')
        {
          squeezed += static_cast<char>(tolower(static_cast<unsigned char>(c)));
        }
      }
      size_t position = 0;
      while ((position = squeezed.find("version:", position)) != std::string::npos)
      {
        const size_t value = position + 8;
        if (value < squeezed.size() && squeezed[value] == '1' &&
            (value + 1 == squeezed.size() || squeezed[value + 1] == '\r' || squeezed[value + 1] == '\n'))
        {
          return true;
        }
        position = value;
      }
      return false;
    }
  }

  EncryptedEnvelopeReader::EncryptedEnvelopeReader(ByteSink& ciphertext) :
    control_(4096, "the application/pgp-encrypted control part"),
    payload_(ciphertext)
  {
  }

  void EncryptedEnvelopeReader::OnMultipartBegin(unsigned int depth, const MimeHeaders& headers)
  {
    const ContentType type = headers.GetContentType();
    if (depth > 0)
    {
      throw Error(ErrorKind::BadInput, "unexpected " + type.GetMimeType() + " inside multipart/encrypted");
    }
    if (!type.Is("multipart/encrypted"))
    {
      throw Error(ErrorKind::BadInput, "not encrypted: the mail is " + type.GetMimeType() +
                  ", not RFC 3156 multipart/encrypted");
    }
    ContentType protocol;
    if (type.HasParameter("protocol") &&
        (!ContentType::TryParse(protocol, type.GetParameter("protocol")) ||
         !protocol.Is("application/pgp-encrypted")))
    {
      throw Error(ErrorKind::BadInput, "multipart/encrypted with an unsupported protocol (not "
                  "application/pgp-encrypted)");
    }
    topSeen_ = true;
  }

  ByteSink* EncryptedEnvelopeReader::OnHeaders(unsigned int depth, const MimeHeaders& headers)
  {
    const ContentType type = headers.GetContentType();
    if (depth == 0)
    {
      throw Error(ErrorKind::BadInput, "not encrypted: the mail is " + type.GetMimeType() +
                  ", not RFC 3156 multipart/encrypted");
    }
    parts_++;
    if (parts_ == 1)
    {
      if (!type.Is("application/pgp-encrypted"))
      {
        throw Error(ErrorKind::BadInput, "the first part of multipart/encrypted is " + type.GetMimeType() +
                    ", not application/pgp-encrypted");
      }
      controlSeen_ = true;
      return &control_;
    }
    if (parts_ == 2)
    {
      if (!type.Is("application/octet-stream"))
      {
        throw Error(ErrorKind::BadInput, "the second part of multipart/encrypted is " + type.GetMimeType() +
                    ", not application/octet-stream");
      }
      payloadSeen_ = true;
      return &payload_;
    }
    throw Error(ErrorKind::BadInput, "multipart/encrypted with more than two parts");
  }

  void EncryptedEnvelopeReader::Finish()
  {
    if (!topSeen_)
    {
      throw Error(ErrorKind::BadInput, "not encrypted: no multipart/encrypted structure");
    }
    if (!controlSeen_ || !payloadSeen_)
    {
      throw Error(ErrorKind::BadInput, "multipart/encrypted needs a control part and an encrypted part");
    }
    if (!HasVersionOne(control_.GetContent()))
    {
      throw Error(ErrorKind::BadInput, "the application/pgp-encrypted control part does not say \"Version: 1\"");
    }
    payload_.Finish();
  }
}
