// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementReader.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Common/Files.h"
#include "Core/Mime/MimeParser.h"
#include "Core/Mime/TextEncoding.h"
#include "Core/Receiving/BoundedStringSink.h"
#include "Core/Receiving/CrlfCanonicalSource.h"
#include "Core/Receiving/MailAddress.h"
#include "Core/Receiving/ReceiveMimeLimits.h"
#include "Core/Receiving/SignedPartSplitter.h"
#include "Core/Receiving/SignerJudgement.h"

namespace DicomMail
{
  namespace
  {
    bool HasGoodSignature(const VerifyResult& result)
    {
      for (const SignatureCheck& s : result.signatures)
      {
        if (s.good)
        {
          return true;
        }
      }
      return false;
    }

    // Parses the report for display, without trusting it.
    void TryParseReport(const std::string& mailPath, const MimeLimits& limits, AcknowledgementResult& result)
    {
      try
      {
        FileSource source(mailPath);
        result.report = AcknowledgementParser::Parse(source, limits);
        result.reportParsed = true;
      }
      catch (const Error&)
      {
      }
    }
  }

  AcknowledgementResult AcknowledgementReader::Read(const std::string& mailPath,
                                        OpenPgpContext& crypto,
                                        ITrustPolicy& trust,
                                        const ReceiveLimits& limits)
  {
    AcknowledgementResult result;
    const MimeLimits mimeLimits = ReceiveMimeLimits::ForMail(limits);
    try
    {
      MimeHeaders headers;
      {
        FileSource source(mailPath);
        headers = ParseHeaderBlock(source, mimeLimits);
      }
      result.fromAddress = MailAddress::Extract(headers.Get("From"));
      result.messageId = TextEncoding::SanitizeUtf8(headers.Get("Message-ID"));

      const ContentType type = headers.GetContentType();
      if (type.Is("multipart/report"))
      {
        TryParseReport(mailPath, mimeLimits, result);
        result.reason = "unsigned acknowledgement";
        return result;
      }
      if (!type.Is("multipart/signed"))
      {
        result.reason = "not an acknowledgement: the mail is " + type.GetMimeType();
        return result;
      }

      BoundedStringSink signedPart(kMaxSignedPartBytes, "the signed part of the acknowledgement");
      SignedPartSplitter splitter(signedPart);
      {
        FileSource source(mailPath);
        MimeParser parser(source, splitter, mimeLimits);
        parser.Parse();
      }
      splitter.Finish();
      if (splitter.GetSignedType() != "multipart/report")
      {
        result.reason = "the signed part is " + splitter.GetSignedType() + ", not multipart/report";
        return result;
      }

      VerifyResult verification;
      {
        StringSource raw(signedPart.GetContent());
        CrlfCanonicalSource canonical(raw);
        verification = crypto.Verify(splitter.GetSignature(), canonical);
      }
      if (!HasGoodSignature(verification))
      {
        StringSource raw(signedPart.GetContent());
        VerifyResult asIs = crypto.Verify(splitter.GetSignature(), raw);
        if (HasGoodSignature(asIs))
        {
          verification = asIs;
        }
      }

      const SignerJudgement judgement = SignerJudgement::Judge(verification, result.fromAddress, trust);
      result.partner = judgement.partner;
      result.signerFingerprint = judgement.signerFingerprint;

      try
      {
        result.report = AcknowledgementParser::Parse(signedPart.GetContent());
        result.reportParsed = true;
      }
      catch (const Error& e)
      {
        result.reason = std::string("unreadable report: ") + e.what();
        return result;
      }

      if (!judgement.accepted)
      {
        result.reason = "acknowledgement not trusted: " + judgement.reasons.front();
        for (size_t i = 1; i < judgement.reasons.size(); i++)
        {
          result.reason += "; " + judgement.reasons[i];
        }
        return result;
      }
      result.valid = true;
      if (!result.report.publicKey.empty())
      {
        const KeyTravel::MergeOutcome merged = KeyTravel::Merge(crypto, result.report.publicKey, result.signerFingerprint);
        result.keyUpdate = merged.Describe();
        result.keyChanged = merged.merged && merged.changed;
      }
      return result;
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::Storage)
      {
        throw;
      }
      result.valid = false;
      result.reason = std::string("malformed acknowledgement: ") + e.what();
      return result;
    }
  }
}
