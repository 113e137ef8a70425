// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/keys: the site's OpenPGP key infrastructure, administered from
// the PACS (import, certify after a phone check, issue keys for partners).

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Rest/KeyJson.h"

namespace DicomMail
{
  namespace
  {
    Json::Value ToJson(const KeyInfo& key)
    {
      PluginContext& context = PluginContext::Get();
      return KeyToJson(key, context.GetSiteFingerprint(), context.GetConfiguration().keyExpiryWarningDays);
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

    void ListOrImport(RestCall& call)
    {
      std::unique_ptr<OpenPgpContext> crypto = PluginContext::Get().NewCrypto();
      if (call.GetMethod() == OrthancPluginHttpMethod_Get)
      {
        Json::Value result = Json::arrayValue;
        for (const KeyInfo& key : crypto->ListKeys(false))
        {
          result.append(ToJson(key));
        }
        call.AnswerJson(result);
      }
      else if (call.GetMethod() == OrthancPluginHttpMethod_Post)
      {
        if (call.GetBody().empty())
        {
          throw Error(ErrorKind::BadInput, "the body is empty: post an armored OpenPGP public key");
        }
        const ImportResult imported = crypto->ImportKeys(call.GetBody(), OpenPgpContext::ImportPolicy::PublicOnly,
                                                         "the posted key");
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
      for (const char* field : {"Name", "Address", "Passphrase"})
      {
        if (!body[field].isString() || body[field].asString().empty())
        {
          throw Error(ErrorKind::BadInput, std::string("\"") + field + "\" is missing or not a string");
        }
      }
      const std::string name = body["Name"].asString();
      const std::string address = body["Address"].asString();
      const std::string passphrase = body["Passphrase"].asString();
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
      const std::string algorithm = body.get("Algorithm", context.GetConfiguration().keyAlgorithm).asString();
      if (algorithm != "ed25519" && algorithm != "rsa3072")
      {
        throw Error(ErrorKind::BadInput, "\"Algorithm\" must be \"ed25519\" or \"rsa3072\"");
      }
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      const IssuedKeyPair pair = crypto->IssueKeyPair(name, address, passphrase, algorithm, RequireSiteKey());

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
        call.AnswerJson(Json::objectValue);
      }
      else
      {
        call.AnswerMethodNotAllowed("GET,DELETE");
      }
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
        const std::string fpr = context.GenerateSiteKey();
        std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
        call.AnswerJson(ToJson(crypto->GetKey(fpr)));
        return;
      }
      if (action != "certify")
      {
        throw Error(ErrorKind::NotFound, "unknown key action \"" + action + "\"");
      }
      const std::string fpr = FingerprintFromUrl(id);
      bool exportable = false;
      if (!call.GetBody().empty())
      {
        const Json::Value body = call.GetJsonBody();
        if (body.isMember("Exportable") && !body["Exportable"].isBool())
        {
          throw Error(ErrorKind::BadInput, "\"Exportable\" must be true or false");
        }
        exportable = body.get("Exportable", false).asBool();
      }
      const std::string site = RequireSiteKey();
      if (fpr == site)
      {
        throw Error(ErrorKind::BadInput, "the site key cannot certify itself");
      }
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      crypto->CertifyKey(fpr, site, exportable);
      Json::Value result = ToJson(crypto->GetKey(fpr));
      result["Exportable"] = exportable;
      call.AnswerJson(result);
    }
  }

  void RegisterKeyRoutes()
  {
    RegisterRoute<ListOrImport>("/dicom-mail/keys");
    RegisterRoute<OneKey>("/dicom-mail/keys/([^/]+)");
    RegisterRoute<KeyAction>("/dicom-mail/keys/([^/]+)/([^/]+)");
  }
}
