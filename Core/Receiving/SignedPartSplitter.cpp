// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/SignedPartSplitter.h"

#include "Core/Common/Error.h"

#include <cctype>

namespace DicomMail
{
  SignedPartSplitter::SignedPartSplitter(ByteSink& signedPart) :
    signedPart_(signedPart),
    signature_(kMaxSignatureBytes, "the signature part")
  {
  }

  void SignedPartSplitter::CountPart(unsigned int depth, const MimeHeaders& headers)
  {
    if (depth != 1)
    {
      return;
    }
    parts_++;
    if (parts_ == 1)
    {
      signedType_ = headers.GetContentType().GetMimeType();
    }
    else if (parts_ > 2)
    {
      throw Error(ErrorKind::BadInput, "multipart/signed with more than two parts");
    }
  }

  void SignedPartSplitter::OnMultipartBegin(unsigned int depth, const MimeHeaders& headers)
  {
    if (depth == 0)
    {
      const ContentType type = headers.GetContentType();
      if (!type.Is("multipart/signed"))
      {
        throw Error(ErrorKind::BadInput, "expected multipart/signed, found " + type.GetMimeType());
      }
      ContentType protocol;
      if (!ContentType::TryParse(protocol, type.GetParameter("protocol")) ||
          !protocol.Is("application/pgp-signature"))
      {
        throw Error(ErrorKind::BadInput, "multipart/signed without protocol=\"application/pgp-signature\"");
      }
      micalg_ = type.GetParameter("micalg");
      for (char& c : micalg_)
      {
        c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      }
      topSeen_ = true;
      return;
    }
    CountPart(depth, headers);
    if (depth == 1 && parts_ == 2)
    {
      throw Error(ErrorKind::BadInput, "the second part of multipart/signed is a multipart, not the signature");
    }
  }

  ByteSink* SignedPartSplitter::OnHeaders(unsigned int depth, const MimeHeaders& headers)
  {
    if (depth == 0)
    {
      throw Error(ErrorKind::BadInput, "expected multipart/signed, found " +
                  headers.GetContentType().GetMimeType());
    }
    CountPart(depth, headers);
    if (depth == 1 && parts_ == 2)
    {
      if (!headers.GetContentType().Is("application/pgp-signature"))
      {
        throw Error(ErrorKind::BadInput, "the second part of multipart/signed is " +
                    headers.GetContentType().GetMimeType() + ", not application/pgp-signature");
      }
      signatureSeen_ = true;
      return &signature_;
    }
    return nullptr;
  }

  ByteSink* SignedPartSplitter::OnRawPartBegin(unsigned int depth, size_t index, const MimeHeaders&)
  {
    return depth == 1 && index == 0 ? &signedPart_ : nullptr;
  }

  void SignedPartSplitter::OnRawPartEnd(unsigned int depth)
  {
    if (depth == 1)
    {
      signedPartDone_ = true;
    }
  }

  void SignedPartSplitter::Finish() const
  {
    if (!topSeen_)
    {
      throw Error(ErrorKind::BadInput, "not a multipart/signed entity");
    }
    if (!signedPartDone_)
    {
      throw Error(ErrorKind::BadInput, "multipart/signed without a signed part");
    }
    if (!signatureSeen_ || signature_.GetContent().empty())
    {
      throw Error(ErrorKind::BadInput, "multipart/signed without an application/pgp-signature part");
    }
  }
}
