// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/keys: the site's OpenPGP key infrastructure, administered from
// the PACS (import, certify after a phone check, issue keys for partners).

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Http/RequestValues.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Rest/KeyJson.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    Json::Value ToJson(const KeyInfo& key)
    {
      PluginContext& context = PluginContext::Get();
      Json::Value v = KeyToJson(key, context.GetSiteFingerprint(), context.GetConfiguration().keyExpiryWarningDays);
      // The fingerprint check the certification rests on, when one was recorded.
      KeyComparison comparison;
      if (context.GetKeyComparisons().Get(key.fingerprint, comparison))
      {
        v["Comparison"]["By"] = comparison.comparedBy;
        v["Comparison"]["Method"] = comparison.method;
        v["Comparison"]["At"] = comparison.comparedAt;
      }
      else
      {
        v["Comparison"] = Json::Value();
      }
      return v;
    }

    std::string RequireSiteKey()
    {
      const std::string fpr = PluginContext::Get().GetSiteFingerprint();
      if (fpr.empty())
      {
        throw Error(ErrorKind::NotFound, "the site has no key yet: POST /dicom-mail/keys/site/generate");
      }
      return fpr;
    }

    std::string FingerprintFromUrl(const std::string& text)
    {
      if (!Fingerprint::IsValidFingerprint(text))
      {
        throw Error(ErrorKind::BadInput, "\"" + text.substr(0, 80) +
                    "\" is not an OpenPGP fingerprint (40 hexadecimal digits)");
      }
      return Fingerprint::Normalize(text);
    }

    // The armored key as application/pgp-keys, or inside a JSON object
    // {"PublicKey": "..."} (see CheckCrossSite for why not text/plain).
    std::string PostedKey(const RestCall& call)
    {
      if (call.GetBody().empty())
      {
        throw Error(ErrorKind::BadInput, "the body is empty: post an armored OpenPGP public key "
                    "(Content-Type: application/pgp-keys)");
      }
      if (MediaTypeOf(call.GetHeader("content-type")) == "application/json")
      {
        return RequestValues::GetRequiredString(call.GetJsonBody(), "PublicKey");
      }
      return call.GetBody();
    }

    void ListOrImport(RestCall& call)
    {
      std::unique_ptr<OpenPgpContext> crypto = PluginContext::Get().NewCrypto();
      if (call.GetMethod() == OrthancPluginHttpMethod_Get)
      {
        Json::Value result = Json::arrayValue;
        for (const KeyInfo& key : crypto->GetKeyStates()->GetKeys())   // one gpg per keyring change
        {
          result.append(ToJson(key));
        }
        call.AnswerJson(result);
      }
      else if (call.GetMethod() == OrthancPluginHttpMethod_Post)
      {
        const ImportResult imported = crypto->ImportKeys(PostedKey(call), OpenPgpContext::ImportPolicy::PublicOnly,
                                                         "the posted key");
        PluginContext::Get().PublishKeys(imported.fingerprints);
        Json::Value result;
        result["Considered"] = imported.considered;
        result["Imported"] = imported.imported;
        result["Unchanged"] = imported.unchanged;
        result["Fingerprints"] = Json::arrayValue;
        result["Keys"] = Json::arrayValue;   // what was imported, in the words of GET /keys
        for (const std::string& fpr : imported.fingerprints)
        {
          result["Fingerprints"].append(fpr);
          result["Keys"].append(ToJson(crypto->GetKey(fpr)));
        }
        call.AnswerJson(result);
      }
      else
      {
        call.AnswerMethodNotAllowed("GET,POST");
      }
    }

    void IssueKey(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      const Json::Value body = call.GetJsonBody();
      const std::string name = RequestValues::GetRequiredString(body, "Name");
      const std::string address = RequestValues::GetRequiredString(body, "Address");
      const std::string passphrase = RequestValues::GetRequiredString(body, "Passphrase");
      if (name.find_first_of("<>\r\n") != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, "\"Name\" must not contain < > or line breaks");
      }
      if (address.find('@') == std::string::npos || address.find_first_of(" <>\r\n") != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, "\"Address\" is not a mail address");
      }
      if (passphrase.size() < 8)
      {
        throw Error(ErrorKind::BadInput, "\"Passphrase\" must have at least 8 characters: it protects the "
                    "secret key on its way to the partner");
      }
      PluginContext& context = PluginContext::Get();
      const std::string algorithm = RequestValues::GetString(body, "Algorithm", context.GetConfiguration().keyAlgorithm);
      if (algorithm != "ed25519" && algorithm != "rsa3072")
      {
        throw Error(ErrorKind::BadInput, "\"Algorithm\" must be \"ed25519\" or \"rsa3072\"");
      }
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      const IssuedKeyPair pair = crypto->IssueKeyPair(name, address, passphrase, algorithm, RequireSiteKey());
      context.PublishKeys({ pair.fingerprint });

      Json::Value result = ToJson(crypto->GetKey(pair.fingerprint));
      result["PublicKey"] = pair.publicKeyArmored;
      // Answered once, never stored: the site keeps only the public part.
      result["SecretKey"] = pair.secretKeyArmored;
      call.AnswerJson(result);
    }

    void SiteKey(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      std::unique_ptr<OpenPgpContext> crypto = PluginContext::Get().NewCrypto();
      const std::string fpr = RequireSiteKey();
      Json::Value result = ToJson(crypto->GetKey(fpr));
      result["PublicKey"] = crypto->ExportPublicKey(fpr, true);
      call.AnswerJson(result);
    }

    void OneKey(RestCall& call)
    {
      const std::string id = call.GetGroup(0);
      if (id == "site")
      {
        SiteKey(call);
        return;
      }
      if (id == "issue")
      {
        IssueKey(call);
        return;
      }
      const std::string fpr = FingerprintFromUrl(id);
      PluginContext& context = PluginContext::Get();
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      if (call.GetMethod() == OrthancPluginHttpMethod_Get)
      {
        Json::Value result = ToJson(crypto->GetKey(fpr));
        result["PublicKey"] = crypto->ExportPublicKey(fpr, true);
        call.AnswerJson(result);
      }
      else if (call.GetMethod() == OrthancPluginHttpMethod_Delete)
      {
        if (fpr == context.GetSiteFingerprint())
        {
          throw Error(ErrorKind::BadInput, "the site key cannot be deleted over REST");
        }
        crypto->GetKey(fpr);   // 404 for an unknown key
        crypto->DeleteKey(fpr, false);
        context.PublishKeys({ fpr });
        call.AnswerJson(Json::objectValue);
      }
      else
      {
        call.AnswerMethodNotAllowed("GET,DELETE");
      }
    }

    // A new site key breaks trust with every partner (they certified the
    // old one): replacing it takes an explicit {"Replace": true}.
    void GenerateSiteKey(RestCall& call)
    {
      const bool replace = call.GetBody().empty() ? false :
        RequestValues::GetBool(call.GetJsonBody(), "Replace", false);
      PluginContext& context = PluginContext::Get();
      const std::string current = context.GetSiteFingerprint();
      if (!current.empty() && !replace)
      {
        call.AnswerError(409, "the site already has the key " + current + "; a new one breaks trust with every "
                         "partner until they certify it. To replace it, post {\"Replace\": true}");
        return;
      }
      const std::string fpr = context.GenerateSiteKey();
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      Json::Value result = ToJson(crypto->GetKey(fpr));
      result["Replaced"] = current.empty() ? Json::Value() : Json::Value(current);
      call.AnswerJson(result);
    }

    // A partner's revocation certificate (#22): the key is revoked in the
    // keyring at once, so every key check from now on refuses it.
    void RevokeKey(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      const std::string fpr = FingerprintFromUrl(call.GetGroup(0));
      PluginContext& context = PluginContext::Get();
      if (fpr == context.GetSiteFingerprint())
      {
        throw Error(ErrorKind::BadInput, "the site key is not revoked over REST; import its certificate with gpg");
      }
      if (call.GetBody().empty())
      {
        throw Error(ErrorKind::BadInput, "the body is empty: post the armored revocation certificate "
                    "(Content-Type: application/pgp-keys)");
      }
      const std::string certificate = MediaTypeOf(call.GetHeader("content-type")) == "application/json" ?
        RequestValues::GetRequiredString(call.GetJsonBody(), "RevocationCertificate") : call.GetBody();
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      const KeyInfo revoked = crypto->ImportRevocation(certificate, fpr);
      context.PublishKeys({ fpr });
      call.AnswerJson(ToJson(revoked));
    }

    void KeyAction(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      PluginContext& context = PluginContext::Get();
      const std::string id = call.GetGroup(0);
      const std::string action = call.GetGroup(1);
      if (id == "site" && action == "generate")
      {
        GenerateSiteKey(call);
        return;
      }
      if (action != "certify")
      {
        throw Error(ErrorKind::NotFound, "unknown key action \"" + action + "\"");
      }
      const std::string fpr = FingerprintFromUrl(id);
      const Json::Value body = call.GetBody().empty() ? Json::Value(Json::objectValue) : call.GetJsonBody();
      const bool exportable = RequestValues::GetBool(body, "Exportable", false);
      // Who compared the fingerprint with the partner, and how (the page asks).
      KeyComparison comparison;
      comparison.fingerprint = fpr;
      comparison.comparedBy = RequestValues::GetString(body, "ComparedBy", "");
      comparison.method = RequestValues::GetString(body, "ComparisonMethod", "phone");
      const std::string both = comparison.comparedBy + comparison.method;
      if (comparison.comparedBy.size() > 256 || comparison.method.size() > 32 ||
          std::any_of(both.begin(), both.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      {
        throw Error(ErrorKind::BadInput, "\"ComparedBy\" (at most 256 bytes) or \"ComparisonMethod\" (at most 32) "
                    "is too long or holds control characters");
      }
      const std::string site = RequireSiteKey();
      if (fpr == site)
      {
        throw Error(ErrorKind::BadInput, "the site key cannot certify itself");
      }
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      crypto->CertifyKey(fpr, site, exportable);
      context.PublishKeys({ fpr });
      if (!comparison.comparedBy.empty())
      {
        context.GetKeyComparisons().Record(comparison);
      }
      Json::Value result = ToJson(crypto->GetKey(fpr));
      result["Exportable"] = exportable;
      call.AnswerJson(result);
    }
  }

  void RegisterKeyRoutes()
  {
    RegisterRoute<RevokeKey, RouteBody::ArmoredKey>("/dicom-mail/keys/([^/]+)/revocation");   // before .../{action}
    RegisterRoute<ListOrImport, RouteBody::ArmoredKey>("/dicom-mail/keys");
    RegisterRoute<OneKey>("/dicom-mail/keys/([^/]+)");
    RegisterRoute<KeyAction>("/dicom-mail/keys/([^/]+)/([^/]+)");
  }
}
