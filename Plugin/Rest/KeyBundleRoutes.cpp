// SPDX-License-Identifier: GPL-3.0-or-later
// POST /dicom-mail/keys/bulk: a network's keyring in one request (#25), and
// partners made from it.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Http/RequestValues.h"
#include "Core/Partners/PartnerProposal.h"
#include "Plugin/PluginContext.h"

#include <map>

namespace DicomMail
{
  namespace
  {
    Json::Value PartnerJson(const PartnerProposal& proposal, bool create, PartnerDirectory& partners)
    {
      Json::Value v;
      v["Name"] = proposal.name.empty() ? Json::Value() : Json::Value(proposal.name);
      v["Created"] = false;
      v["Problem"] = proposal.problem.empty() ? Json::Value() : Json::Value(proposal.problem);
      if (!create || !proposal.problem.empty())
      {
        return v;
      }
      Json::Value body;
      body["Addresses"].append(proposal.address);
      body["Fingerprint"] = proposal.fingerprint;
      body["DisplayName"] = proposal.displayName;
      try
      {
        partners.Put(proposal.name, body);
        v["Created"] = true;
      }
      catch (const Error& e)
      {
        v["Problem"] = e.what();
      }
      return v;
    }

    void ImportBundle(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      if (call.GetBody().empty())
      {
        throw Error(ErrorKind::BadInput, "the body is empty: post armored OpenPGP public keys "
                    "(Content-Type: application/pgp-keys, or JSON {\"PublicKeys\": ..., \"CreatePartners\": true})");
      }
      std::string bundle = call.GetBody();
      bool createPartners = false;
      if (MediaTypeOf(call.GetHeader("content-type")) == "application/json")
      {
        const Json::Value body = call.GetJsonBody();
        bundle = RequestValues::GetRequiredString(body, "PublicKeys");
        createPartners = RequestValues::GetBool(body, "CreatePartners", false);
      }

      PluginContext& context = PluginContext::Get();
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      const BundleImportResult imported = crypto->ImportKeyBundle(bundle, "the posted bundle");
      const std::shared_ptr<const KeyringState> states = crypto->GetKeyStates();

      // Proposals for the keys of the bundle that are in the keyring now, once each.
      std::vector<KeyInfo> keys;
      std::vector<std::string> changed;
      for (const BundleKeyOutcome& outcome : imported.keys)
      {
        const KeyInfo* key = states->Find(outcome.fingerprint);
        if (key != nullptr && outcome.status != BundleKeyOutcome::Status::Refused &&
            outcome.status != BundleKeyOutcome::Status::Duplicate)
        {
          keys.push_back(*key);
          changed.push_back(key->fingerprint);
        }
      }
      context.PublishKeys(changed);
      std::map<std::string, PartnerProposal> proposals;
      for (const PartnerProposal& p : ProposePartners(keys, context.GetPartners().List()))
      {
        proposals[p.fingerprint] = p;
      }

      Json::Value result;
      result["Keys"] = Json::arrayValue;
      std::map<std::string, unsigned int> counts;
      unsigned int created = 0;
      for (const BundleKeyOutcome& outcome : imported.keys)
      {
        Json::Value k;
        k["Fingerprint"] = outcome.fingerprint.empty() ? Json::Value() : Json::Value(outcome.fingerprint);
        k["UserId"] = outcome.userId;
        k["Status"] = ToString(outcome.status);
        k["Reason"] = outcome.reason.empty() ? Json::Value() : Json::Value(outcome.reason);
        k["Addresses"] = Json::arrayValue;
        const KeyInfo* key = outcome.status == BundleKeyOutcome::Status::Refused ? nullptr :
          states->Find(outcome.fingerprint);
        if (key != nullptr)
        {
          for (const UserIdInfo& uid : key->userIds)
          {
            if (!uid.email.empty())
            {
              k["Addresses"].append(uid.email);
            }
          }
        }
        auto proposal = proposals.find(outcome.fingerprint);
        if (outcome.status != BundleKeyOutcome::Status::Duplicate && proposal != proposals.end())
        {
          k["Partner"] = PartnerJson(proposal->second, createPartners, context.GetPartners());
          created += k["Partner"]["Created"].asBool() ? 1 : 0;
        }
        else
        {
          k["Partner"] = Json::Value();
        }
        counts[ToString(outcome.status)]++;
        result["Keys"].append(k);
      }
      for (const char* status : {"new", "updated", "unchanged", "duplicate", "refused"})
      {
        std::string field = status;
        field[0] = static_cast<char>(toupper(field[0]));
        result[field] = counts[status];
      }
      result["PartnersCreated"] = created;
      call.AnswerJson(result);
    }
  }

  void RegisterKeyBundleRoutes()
  {
    RegisterRoute<ImportBundle, RouteBody::ArmoredKey>("/dicom-mail/keys/bulk");
  }
}
