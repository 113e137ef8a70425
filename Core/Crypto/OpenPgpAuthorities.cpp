// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: certifying authorities (trust signatures) and revocation
// certificates (#22).
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/KeyStateCache.h"
#include "Core/Crypto/LoopbackPassphrase.h"
#include "Core/Mime/PgpArmorReader.h"

namespace DicomMail
{
  namespace
  {
    // gpg protects the certificates it writes to openpgp-revocs.d against an
    // accidental import with a ':' before the armor line.
    std::string WithoutImportGuard(const std::string& text)
    {
      std::string result = text;
      const std::string guarded = ":-----BEGIN PGP";
      const size_t at = result.find(guarded);
      if (at != std::string::npos)
      {
        result.erase(at, 1);
      }
      return result;
    }

    // gpg imports a revocation certificate only when it is binary or armored
    // as a key block; Sequoia and others armor it as a signature.
    std::string Dearmored(const std::string& data)
    {
      const std::string text = WithoutImportGuard(data);
      if (text.find("-----BEGIN PGP ") == std::string::npos)
      {
        return data;
      }
      StringSink binary;
      PgpArmorReader reader(binary);
      reader.Write(text.data(), text.size());
      reader.Finish();
      if (reader.GetType() != "PUBLIC KEY BLOCK" && reader.GetType() != "SIGNATURE")
      {
        throw Error(ErrorKind::BadInput, "the posted data is a \"" + reader.GetType().substr(0, 40) +
                    "\", not a revocation certificate");
      }
      return binary.GetContent();
    }
  }

  void OpenPgpContext::TrustAuthority(const std::string& authorityFingerprint, const std::string& domain,
                                      const std::string& siteFingerprint)
  {
    ForgetKeyStates();
    const std::string authority = Fingerprint::Normalize(authorityFingerprint);
    const std::string site = Fingerprint::Normalize(siteFingerprint);
    const KeyInfo key = GetKey(authority);
    if (key.hasSecret || authority == site)
    {
      throw Error(ErrorKind::BadInput, "the key " + Fingerprint::GroupInFours(authority) +
                  " has a secret part here (the site key?); an authority is another party's key");
    }
    if (!key.IsUsable() || !key.canCertify)
    {
      throw Error(ErrorKind::BadInput, "the key " + Fingerprint::GroupInFours(authority) +
                  " cannot certify: it is expired, revoked, disabled, invalid or not a certification key");
    }

    // gpg's own trust signature, local (never exported): depth 1, full
    // trust, the domain as gpg turns it into its regular expression. A new
    // scope is a new signature; gpg (and FindCertifyingAuthorities) go by
    // the newest, so --expert lets it sign again.
    std::vector<std::string> arguments = GpgProcess::SessionArguments(home_.GetPath());
    arguments.insert(arguments.end(), { "--expert", "--default-key", site,
                                        "--edit-key", authority, "ltsign", "save" });
    GpgProcess gpg(Session(), arguments);
    const PassphraseProvider answer = [this](const std::string& hint) { return AnswerPassphrase(hint); };
    LoopbackPassphrase passphrase(gpg, answer, "cannot sign the authority's key");
    StringSource nothing("");
    StringSink ignored;
    const int code = gpg.Exchange(nothing, ignored, [&](const std::string& keyword, const std::string& question)
    {
      if (keyword == "GET_BOOL" && (question == "sign_uid.dupe_okay" || question == "sign_uid.okay" ||
                                    question == "keyedit.sign_all.okay"))
      {
        gpg.SendCommand("y\n");
      }
      else if (keyword == "GET_LINE" && question == "trustsig_prompt.trust_value")
      {
        gpg.SendCommand("2\n");   // "I trust fully"
      }
      else if (keyword == "GET_LINE" && question == "trustsig_prompt.trust_depth")
      {
        gpg.SendCommand("1\n");   // certifies partners, not further authorities
      }
      else if (keyword == "GET_LINE" && question == "trustsig_prompt.trust_regexp")
      {
        gpg.SendCommand(domain + "\n");
      }
      else if (keyword == "GET_LINE" && question == "keyedit.prompt")
      {
        throw Error(ErrorKind::Crypto, "gpg did not sign the authority's key " + Fingerprint::GroupInFours(authority));
      }
      else
      {
        passphrase.Handle(keyword, question);
      }
    });
    passphrase.ThrowIfRejected(0);
    if (code != 0)
    {
      throw Error(ErrorKind::Crypto, "gpg cannot sign the authority's key " + Fingerprint::GroupInFours(authority) +
                  ": " + gpg.GetDiagnostics());
    }
    ForgetKeyStates();
    RefreshTrustDatabase();
  }

  KeyInfo OpenPgpContext::ImportRevocation(const std::string& certificate, const std::string& fingerprint)
  {
    const std::string fpr = Fingerprint::Normalize(fingerprint);
    GetKey(fpr);   // NotFound before anything is imported
    const ImportResult result = ImportKeys(Dearmored(certificate), ImportPolicy::PublicOnly,
                                           "the posted revocation certificate");
    const KeyInfo after = GetKey(fpr);
    if (!after.revoked)
    {
      std::string others;
      for (const std::string& f : result.fingerprints)
      {
        others += (others.empty() ? "" : ", ") + f;
      }
      throw Error(ErrorKind::BadInput, "the posted certificate does not revoke the key " +
                  Fingerprint::GroupInFours(fpr) + (others.empty() ? "" : " (it concerned " + others + ")"));
    }
    return after;
  }
}
