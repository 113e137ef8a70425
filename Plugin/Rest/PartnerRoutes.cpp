// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/partners: who we exchange studies with.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Common/JsonFieldSelection.h"
#include "Core/Partners/PartEncodingChoice.h"
#include "Core/Partners/PartnerKeyCheck.h"
#include "Core/Partners/TransferSyntaxChoice.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  namespace
  {
    Json::Value ToJson(const PartnerSettings& partner, const PartnerKeyState& state)
    {
      PluginContext& context = PluginContext::Get();
      Json::Value v = PartnerDirectory::ToJson(partner);
      v["EffectiveMaxMailSize"] = static_cast<Json::UInt64>(context.GetPartners().GetMaxMailSize(partner));
      v["KeyState"]["Usable"] = state.usable;
      v["KeyState"]["Reason"] = state.reason;
      // Who vouches for the key: the site key, or a certifying authority (#22);
      // beside KeyState, whose two members clients compare as a whole.
      Json::Value by;
      if (!state.certifiedByFingerprint.empty())
      {
        by["Fingerprint"] = state.certifiedByFingerprint;
        by["Name"] = state.certifiedByName;
        by["Authority"] = state.certifiedByAuthority;
      }
      v["CertifiedBy"] = by;
      // Learned from the partner's signed acknowledgements (#15); the encoding
      // our mails use now also follows DicomPartEncoding when configured.
      const PartnerCapability learned = context.GetCapabilities().Get(partner.name);
      const bool current = PartnerReadsBinaryParts(partner, learned);
      v["ReadsBinaryParts"] = current;
      v["ReadsBinaryPartsSince"] = current ? Json::Value(learned.since) : Json::Value();
      v["DicomPartEncoding"] = context.SendsBinaryPartsTo(partner) ? "binary" : "base64";
      // "Notices" are the partner's own keys; these hold, with the site's (#20).
      v["EffectiveNotices"] = EffectiveNotices::Resolve(context.GetConfiguration().notices, partner.notices).ToJson();
      return v;
    }

    // A TransferSyntax this Orthanc cannot encode is refused before it is
    // stored (its other checks are PartnerDirectory::Put's).
    void CheckEncodable(const std::string& name, const Json::Value& body)
    {
      PartnerSettings candidate;
      candidate.name = name;
      std::string problem;
      if (!body.isObject() || !body["TransferSyntax"].isString() ||
          !TransferSyntaxChoice::Parse(body["TransferSyntax"].asString(), true, candidate.transferSyntax, problem))
      {
        return;
      }
      try
      {
        PluginContext::Get().CheckTransferSyntax(candidate);
      }
      catch (const Error& e)
      {
        throw Error(ErrorKind::BadInput, e.what());
      }
    }

    void ListPartners(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      PluginContext& context = PluginContext::Get();
      const std::shared_ptr<const KeyringState> keys = context.NewCrypto()->GetKeyStates();
      const std::string site = context.GetSiteFingerprint();
      const JsonFieldSelection fields(call.GetArgument("fields", ""));
      Json::Value result = Json::arrayValue;
      for (const PartnerSettings& partner : context.GetPartners().List())
      {
        // The home's key states, listed once for the whole answer (#25).
        result.append(fields.Apply(ToJson(partner, CheckPartnerKey(keys->Find(partner.fingerprint), partner, site,
                                                                   &keys->GetAuthorities()))));
      }
      call.AnswerJson(result);
    }

    void OnePartner(RestCall& call)
    {
      PluginContext& context = PluginContext::Get();
      const std::string name = call.GetGroup(0);
      // One key: from the shared states while valid, else listed alone.
      const auto state = [&context](const PartnerSettings& p) {
        return CheckPartnerKey(*context.NewCrypto(), p, context.GetSiteFingerprint());
      };
      PartnerSettings partner;
      switch (call.GetMethod())
      {
        case OrthancPluginHttpMethod_Get:
          if (!context.GetPartners().Lookup(name, partner))
          {
            throw Error(ErrorKind::NotFound, "no partner named \"" + name + "\"");
          }
          call.AnswerJson(ToJson(partner, state(partner)));
          break;

        case OrthancPluginHttpMethod_Put:
          CheckEncodable(name, call.GetJsonBody());
          partner = context.GetPartners().Put(name, call.GetJsonBody());
          call.AnswerJson(ToJson(partner, state(partner)));
          break;

        case OrthancPluginHttpMethod_Delete:
          if (!context.GetPartners().Remove(name))
          {
            throw Error(ErrorKind::NotFound, "no partner named \"" + name + "\"");
          }
          context.GetCapabilities().Forget(name);
          call.AnswerJson(Json::objectValue);
          break;

        default:
          call.AnswerMethodNotAllowed("GET,PUT,DELETE");
      }
    }
  }

  void RegisterPartnerRoutes()
  {
    RegisterRoute<ListPartners>("/dicom-mail/partners");
    RegisterRoute<OnePartner>("/dicom-mail/partners/([^/]+)");
  }
}
