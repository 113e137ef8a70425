// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/authorities: keys trusted to certify partners (#22), and the
// site key's revocation certificate, handed out once.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Common/StatusBoard.h"
#include "Core/Crypto/AuthorityScope.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/SiteRevocationCertificate.h"
#include "Core/Http/RequestValues.h"
#include "Plugin/PluginContext.h"

#include <ctime>

namespace DicomMail
{
  namespace
  {
    Json::Value ToJson(const CertifyingAuthority& a)
    {
      Json::Value v;
      v["Fingerprint"] = a.fingerprint;
      v["FingerprintGroups"] = Fingerprint::GroupInFours(a.fingerprint);
      v["Name"] = a.name;
      v["Domains"] = Json::arrayValue;   // empty: every address
      if (!a.domain.empty())
      {
        v["Domains"].append("*@" + a.domain);
      }
      v["ScopeReadable"] = a.scopeKnown;
      v["TrustedSince"] = FormatUtc(static_cast<time_t>(a.trustedSince));
      v["Usable"] = a.problem.empty();
      v["Problem"] = a.problem;
      return v;
    }

    bool FindAuthority(OpenPgpContext& crypto, const std::string& fpr, CertifyingAuthority& found)
    {
      for (const CertifyingAuthority& a : crypto.GetKeyStates()->GetAuthorities())
      {
        if (a.fingerprint == fpr)
        {
          found = a;
          return true;
        }
      }
      return false;
    }

    // GnuPG's trust signature holds one regular expression, and its trust
    // database counts the newest signature only: one domain per authority.
    std::string DomainOf(const Json::Value& body)
    {
      const Json::Value& domains = body["Domains"];
      if (domains.isNull())
      {
        return "";
      }
      if (!domains.isArray() || domains.size() > 1 || (domains.size() == 1 && !domains[0].isString()))
      {
        throw Error(ErrorKind::BadInput, "\"Domains\" must be a list of at most one domain (e.g. "
                    "[\"*@example-network.de\"], subdomains included; [] for every address): GnuPG's trust "
                    "signature holds one scope per authority");
      }
      return domains.empty() ? "" : AuthorityScope::NormalizeDomain(domains[0].asString());
    }

    void ListAuthorities(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      Json::Value result = Json::arrayValue;
      for (const CertifyingAuthority& a : PluginContext::Get().NewCrypto()->GetKeyStates()->GetAuthorities())
      {
        result.append(ToJson(a));
      }
      call.AnswerJson(result);
    }

    void OneAuthority(RestCall& call)
    {
      const std::string id = call.GetGroup(0);
      if (!Fingerprint::IsValidFingerprint(id))
      {
        throw Error(ErrorKind::BadInput, "\"" + id.substr(0, 80) + "\" is not an OpenPGP fingerprint (40 hexadecimal digits)");
      }
      const std::string fpr = Fingerprint::Normalize(id);
      PluginContext& context = PluginContext::Get();
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      CertifyingAuthority authority;
      switch (call.GetMethod())
      {
        case OrthancPluginHttpMethod_Get:
          if (!FindAuthority(*crypto, fpr, authority))
          {
            throw Error(ErrorKind::NotFound, "the key " + fpr + " is not a certifying authority here");
          }
          call.AnswerJson(ToJson(authority));
          break;

        case OrthancPluginHttpMethod_Put:
        {
          const Json::Value body = call.GetBody().empty() ? Json::Value(Json::objectValue) : call.GetJsonBody();
          const std::string domain = DomainOf(body);
          const std::string site = context.GetSiteFingerprint();
          if (site.empty())
          {
            throw Error(ErrorKind::NotFound, "the site has no key yet: POST /dicom-mail/keys/site/generate");
          }
          if (body.isMember("PublicKey"))
          {
            crypto->ImportKeys(RequestValues::GetRequiredString(body, "PublicKey"),
                               OpenPgpContext::ImportPolicy::PublicOnly, "the authority's key");
          }
          crypto->TrustAuthority(fpr, domain, site);
          context.PublishKeys({ fpr });
          if (!FindAuthority(*crypto, fpr, authority))
          {
            throw Error(ErrorKind::Crypto, "gpg signed the key " + fpr + " but it is not listed as an authority");
          }
          call.AnswerJson(ToJson(authority));
          break;
        }

        case OrthancPluginHttpMethod_Delete:
          // A local trust signature cannot be withdrawn by itself in gpg
          // (only deleted interactively); the key goes, and with it the trust.
          if (!FindAuthority(*crypto, fpr, authority))
          {
            throw Error(ErrorKind::NotFound, "the key " + fpr + " is not a certifying authority here");
          }
          crypto->DeleteKey(fpr, false);
          context.PublishKeys({ fpr });
          call.AnswerJson(Json::objectValue);
          break;

        default:
          call.AnswerMethodNotAllowed("GET,PUT,DELETE");
      }
    }

    void SiteRevocation(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      PluginContext& context = PluginContext::Get();
      const std::string site = context.GetSiteFingerprint();
      if (site.empty())
      {
        throw Error(ErrorKind::NotFound, "the site has no key yet");
      }
      std::string certificate;
      if (!SiteRevocationCertificate::Take(context.GetConfiguration().gnupgHome, site, certificate))
      {
        call.AnswerError(410, "the revocation certificate of the site key " + site +
                         " was handed out already (once only); keep that copy offline");
        return;
      }
      Json::Value result;
      result["Fingerprint"] = site;
      result["RevocationCertificate"] = certificate;
      call.AnswerJson(result);
    }
  }

  void RegisterAuthorityRoutes()
  {
    RegisterRoute<ListAuthorities>("/dicom-mail/authorities");
    RegisterRoute<OneAuthority>("/dicom-mail/authorities/([^/]+)");
    RegisterRoute<SiteRevocation>("/dicom-mail/site-key/revocation-certificate");
  }
}
