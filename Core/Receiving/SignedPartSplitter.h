// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Mime/IMimeHandler.h"
#include "Core/Receiving/BoundedStringSink.h"

#include <string>

namespace DicomMail
{
  // MimeParser handler for an RFC 3156 multipart/signed entity: the raw
  // bytes of the first part (exactly what the signature covers, before
  // canonicalisation) go to "signedPart", the body of the
  // application/pgp-signature part is collected. Structural errors throw
  // Error(BadInput) naming them.
  class SignedPartSplitter : public IMimeHandler
  {
  public:
    static const size_t kMaxSignatureBytes = 64 * 1024;

    explicit SignedPartSplitter(ByteSink& signedPart);

    void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers) override;
    ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override;
    ByteSink* OnRawPartBegin(unsigned int depth, size_t index, const MimeHeaders& multipartHeaders) override;
    void OnRawPartEnd(unsigned int depth) override;

    // Checks that both parts were there; call after MimeParser::Parse().
    void Finish() const;

    const std::string& GetSignature() const
    {
      return signature_.GetContent();
    }

    // Content-Type of the signed part, e.g. "multipart/report".
    const std::string& GetSignedType() const
    {
      return signedType_;
    }

    // The micalg parameter as written, lower-cased.
    const std::string& GetMicalg() const
    {
      return micalg_;
    }

  private:
    void CountPart(unsigned int depth, const MimeHeaders& headers);

    ByteSink& signedPart_;
    BoundedStringSink signature_;
    bool topSeen_ = false;
    size_t parts_ = 0;
    bool signedPartDone_ = false;
    bool signatureSeen_ = false;
    std::string signedType_;
    std::string micalg_;
  };
}
