// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/PartnerProposal.h"

#include "Core/Mime/MailboxFormatter.h"

#include <cctype>
#include <map>
#include <set>

namespace DicomMail
{
  namespace
  {
    std::string Lower(const std::string& s)
    {
      std::string lower = s;
      for (char& c : lower)
      {
        c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      }
      return lower;
    }

    // "Radiologie@Klinik-Süd.de" -> "radiologie_klinik-s-d.de": the
    // characters partner ids allow (letters, digits, - _ .), at most 64.
    std::string IdFromAddress(const std::string& address)
    {
      std::string id;
      for (char c : Lower(address))
      {
        if (c == '@')
        {
          id += '_';
        }
        else if (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')
        {
          id += c;
        }
        else
        {
          id += '-';
        }
      }
      return id.substr(0, 64);
    }

    std::string UniqueId(const std::string& base, const std::set<std::string>& taken)
    {
      std::string id = base;
      for (unsigned int n = 2; taken.count(id) != 0; n++)
      {
        const std::string suffix = "-" + std::to_string(n);
        id = base.substr(0, 64 - suffix.size()) + suffix;
      }
      return id;
    }

    const UserIdInfo* FirstWithAddress(const KeyInfo& key)
    {
      for (const UserIdInfo& uid : key.userIds)
      {
        if (!uid.revoked && !uid.invalid && uid.email.find('@') != std::string::npos)
        {
          return &uid;
        }
      }
      return nullptr;
    }
  }

  std::vector<PartnerProposal> ProposePartners(const std::vector<KeyInfo>& keys,
                                               const std::vector<PartnerSettings>& existing)
  {
    std::set<std::string> ids;
    std::map<std::string, std::string> byAddress;       // lower-case address -> partner
    std::map<std::string, std::string> byFingerprint;   // -> partner
    for (const PartnerSettings& p : existing)
    {
      ids.insert(p.name);
      byFingerprint[p.fingerprint] = p.name;
      for (const std::string& a : p.addresses)
      {
        byAddress[Lower(a)] = p.name;
      }
    }

    std::vector<PartnerProposal> proposals;
    for (const KeyInfo& key : keys)
    {
      PartnerProposal proposal;
      proposal.fingerprint = key.fingerprint;
      const UserIdInfo* uid = FirstWithAddress(key);
      if (uid == nullptr)
      {
        proposal.problem = "no e-mail address in the key's user IDs";
        proposals.push_back(proposal);
        continue;
      }
      proposal.address = uid->email;
      proposal.displayName = (!uid->name.empty() && MailboxFormatter::CheckDisplayName(uid->name).empty()) ?
        uid->name : uid->email;
      if (byFingerprint.count(key.fingerprint) != 0)
      {
        proposal.problem = "partner \"" + byFingerprint[key.fingerprint] + "\" has this key already";
      }
      else if (byAddress.count(Lower(uid->email)) != 0)
      {
        proposal.problem = "partner \"" + byAddress[Lower(uid->email)] + "\" has the address " + uid->email +
          " already";
      }
      else
      {
        proposal.name = UniqueId(IdFromAddress(uid->email), ids);
        ids.insert(proposal.name);
        byFingerprint[key.fingerprint] = proposal.name;
        byAddress[Lower(uid->email)] = proposal.name;
      }
      proposals.push_back(proposal);
    }
    return proposals;
  }
}
