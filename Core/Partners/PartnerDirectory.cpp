// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/PartnerDirectory.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Notices/NoticeSettings.h"
#include "Core/Partners/TransferSyntaxChoice.h"
#include "Core/Store/UtcMillis.h"

#include <strings.h>

namespace DicomMail
{
  namespace
  {
    bool LooksLikeAddress(const std::string& address)
    {
      const size_t at = address.find('@');
      return at != std::string::npos && at > 0 && at + 1 < address.size() && address.size() <= 254 &&
        address.find_first_of(" <>\r\n\",;()\\") == std::string::npos;
    }

    bool SameAddress(const std::string& a, const std::string& b)
    {
      return strcasecmp(a.c_str(), b.c_str()) == 0;
    }
  }

  PartnerDirectory::PartnerDirectory(const std::vector<PartnerSettings>& configured, PartnerStore& store,
                                     uint64_t defaultMaxMailSize, bool allowLossyTranscoding) :
    configured_(configured),
    store_(store),
    rotations_(nullptr),
    defaultMaxMailSize_(defaultMaxMailSize),
    allowLossyTranscoding_(allowLossyTranscoding)
  {
  }

  bool PartnerDirectory::IsValidName(const std::string& name)
  {
    if (name.empty() || name.size() > 64)
    {
      return false;
    }
    for (char c : name)
    {
      if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      {
        return false;
      }
    }
    return true;
  }

  PartnerSettings PartnerDirectory::FromRecord(const PartnerRecord& record)
  {
    PartnerSettings p;
    p.name = record.name;
    p.displayName = record.displayName.empty() ? record.name : record.displayName;
    p.addresses = record.addresses;
    p.fingerprint = record.fingerprint;
    p.maxMailSize = record.maxMailSize;
    p.acknowledgements = record.acknowledgements;
    p.compression = record.compression;
    p.notices = record.notices;
    p.transferSyntax = record.transferSyntax;
    p.pseudonymise = record.pseudonymise;
    p.fromConfiguration = false;
    return p;
  }

  void PartnerDirectory::ApplyRotations(PartnerSettings& partner, const std::vector<KeyRotation>& rotations)
  {
    std::vector<KeyRotation> own;
    for (const KeyRotation& r : rotations)
    {
      if (r.owner == partner.name)
      {
        own.push_back(r);
      }
    }
    KeyRotation previous;
    partner.fingerprint = KeyRotationStore::Resolve(own, partner.fingerprint, previous);
    partner.previousFingerprint = previous.oldFingerprint;
    partner.previousUntilMs = previous.untilMs;
  }

  std::vector<PartnerSettings> PartnerDirectory::List() const
  {
    std::vector<PartnerSettings> result = configured_;
    for (const PartnerRecord& record : store_.List())
    {
      result.push_back(FromRecord(record));
    }
    if (rotations_ != nullptr)
    {
      const std::vector<KeyRotation> all = rotations_->ListAll();
      for (PartnerSettings& partner : result)
      {
        ApplyRotations(partner, all);
      }
    }
    return result;
  }

  bool PartnerDirectory::Lookup(const std::string& name, PartnerSettings& partner) const
  {
    bool found = false;
    for (const PartnerSettings& p : configured_)
    {
      if (p.name == name)
      {
        partner = p;
        found = true;
      }
    }
    PartnerRecord record;
    if (!found && store_.Get(name, record))
    {
      partner = FromRecord(record);
      found = true;
    }
    if (found && rotations_ != nullptr)
    {
      ApplyRotations(partner, rotations_->List(name));
    }
    return found;
  }

  bool PartnerDirectory::LookupByAddress(const std::string& address, PartnerSettings& partner) const
  {
    for (const PartnerSettings& p : List())
    {
      for (const std::string& a : p.addresses)
      {
        if (SameAddress(a, address))
        {
          partner = p;
          return true;
        }
      }
    }
    return false;
  }

  bool PartnerDirectory::LookupByFingerprint(const std::string& fingerprint, PartnerSettings& partner) const
  {
    for (const PartnerSettings& p : List())
    {
      if (!p.fingerprint.empty() && Fingerprint::Matches(fingerprint, p.fingerprint))
      {
        partner = p;
        return true;
      }
    }
    return false;
  }

  PartnerSettings PartnerDirectory::Put(const std::string& name, const Json::Value& body)
  {
    if (!IsValidName(name))
    {
      throw Error(ErrorKind::BadInput, "invalid partner name \"" + name +
                  "\": 1-64 letters, digits, '-', '_' or '.'");
    }
    for (const PartnerSettings& p : configured_)
    {
      if (p.name == name)
      {
        throw Error(ErrorKind::BadInput, "partner \"" + name +
                    "\" comes from the configuration file and is read-only");
      }
    }
    if (!body.isObject())
    {
      throw Error(ErrorKind::BadInput, "the body must be a JSON object");
    }
    static const char* const known[] = {"Addresses", "Fingerprint", "MaxMailSize", "Acknowledgements",
                                        "Compression", "Name", "DisplayName", "Notices",
                                        "TransferSyntax",
                                        "Pseudonymise"};
    for (const std::string& key : body.getMemberNames())
    {
      bool ok = false;
      for (const char* k : known)
      {
        ok = ok || key == k;
      }
      if (!ok)
      {
        throw Error(ErrorKind::BadInput, "unknown field \"" + key + "\" in the partner");
      }
    }

    // The name is the URL's; a different one in the body is a mistake, not a rename.
    if (body.isMember("Name") && (!body["Name"].isString() || body["Name"].asString() != name))
    {
      throw Error(ErrorKind::BadInput, "\"Name\" in the body differs from the partner name \"" + name +
                  "\" of the URL");
    }

    PartnerRecord record;
    record.name = name;
    if (body.isMember("DisplayName") && !body["DisplayName"].isNull())
    {
      const Json::Value& displayName = body["DisplayName"];
      const std::string problem = displayName.isString() ?
        MailboxFormatter::CheckDisplayName(displayName.asString()) : "is not a string";
      if (!problem.empty())
      {
        throw Error(ErrorKind::BadInput, "\"DisplayName\" " + problem);
      }
      record.displayName = displayName.asString();   // "" means the name
    }
    const Json::Value& addresses = body["Addresses"];
    if (addresses.isString())
    {
      record.addresses.push_back(addresses.asString());
    }
    else if (addresses.isArray())
    {
      for (const Json::Value& a : addresses)
      {
        if (!a.isString())
        {
          throw Error(ErrorKind::BadInput, "\"Addresses\" must hold strings");
        }
        record.addresses.push_back(a.asString());
      }
    }
    if (record.addresses.empty())
    {
      throw Error(ErrorKind::BadInput, "\"Addresses\" must name at least one mail address");
    }
    for (const std::string& a : record.addresses)
    {
      if (!LooksLikeAddress(a))
      {
        throw Error(ErrorKind::BadInput, "\"Addresses\": not a mail address: \"" + a + "\"");
      }
    }
    if (body.isMember("Fingerprint") && !body["Fingerprint"].isNull())
    {
      if (!body["Fingerprint"].isString() || !Fingerprint::IsValidFingerprint(body["Fingerprint"].asString()))
      {
        throw Error(ErrorKind::BadInput, "\"Fingerprint\" must be a 40-digit hexadecimal OpenPGP fingerprint");
      }
      record.fingerprint = Fingerprint::Normalize(body["Fingerprint"].asString());
    }
    record.maxMailSize = 0;
    if (body.isMember("MaxMailSize"))
    {
      const Json::Value& v = body["MaxMailSize"];
      if (!v.isIntegral() || v.asInt64() < 0 || (v.asInt64() != 0 && v.asInt64() < 100000))
      {
        throw Error(ErrorKind::BadInput, "\"MaxMailSize\" must be 0 (site default) or at least 100000 bytes");
      }
      record.maxMailSize = v.asUInt64();
    }
    for (const char* flag : {"Acknowledgements", "Compression", "Pseudonymise"})
    {
      if (body.isMember(flag) && !body[flag].isBool())
      {
        throw Error(ErrorKind::BadInput, std::string("\"") + flag + "\" must be true or false");
      }
    }
    record.acknowledgements = body.get("Acknowledgements", true).asBool();
    record.compression = body.get("Compression", true).asBool();
    if (!body.isMember("Notices"))
    {
      // Left out, they stay: the page's partner form knows nothing of them,
      // and saving an address there must not silence a notice. null removes them.
      PartnerRecord previous;
      if (store_.Get(name, previous))
      {
        record.notices = previous.notices;
      }
    }
    else if (!body["Notices"].isNull())
    {
      record.notices = ParseNoticeSettingsFromRequest(body["Notices"]);
    }
    record.pseudonymise = body.get("Pseudonymise", false).asBool();
    const Json::Value& syntax = body["TransferSyntax"];
    std::string problem;
    if (!syntax.isNull() && !syntax.isString())
    {
      throw Error(ErrorKind::BadInput, "\"TransferSyntax\" must be a string");
    }
    if (!TransferSyntaxChoice::Parse(syntax.asString(), allowLossyTranscoding_, record.transferSyntax, problem))
    {
      throw Error(ErrorKind::BadInput, "\"TransferSyntax\" " + problem);
    }
    store_.Put(record);
    return FromRecord(record);
  }

  bool PartnerDirectory::Remove(const std::string& name)
  {
    for (const PartnerSettings& p : configured_)
    {
      if (p.name == name)
      {
        throw Error(ErrorKind::BadInput, "partner \"" + name +
                    "\" comes from the configuration file and is read-only");
      }
    }
    if (rotations_ != nullptr)
    {
      rotations_->Forget(name);
    }
    return store_.Remove(name);
  }

  std::string PartnerDirectory::GetDisplayName(const std::string& name) const
  {
    PartnerSettings partner;
    return Lookup(name, partner) ? partner.displayName : "";
  }

  std::string PartnerDirectory::GetDisplayNameByAddress(const std::string& address) const
  {
    PartnerSettings partner;
    return LookupByAddress(address, partner) ? partner.displayName : "";
  }

  uint64_t PartnerDirectory::GetMaxMailSize(const PartnerSettings& partner) const
  {
    return partner.maxMailSize == 0 ? defaultMaxMailSize_ : partner.maxMailSize;
  }

  uint64_t PartnerDirectory::GetSendLimit(const PartnerSettings& partner) const
  {
    return GetMaxMailSize(partner) - kTransitHeadroom;   // sizes are at least 100000
  }

  Json::Value PartnerDirectory::ToJson(const PartnerSettings& partner)
  {
    Json::Value v;
    v["Name"] = partner.name;
    v["DisplayName"] = partner.displayName;
    v["Addresses"] = Json::arrayValue;
    for (const std::string& a : partner.addresses)
    {
      v["Addresses"].append(a);
    }
    v["Fingerprint"] = partner.fingerprint.empty() ? Json::Value() : Json::Value(partner.fingerprint);
    if (!partner.previousFingerprint.empty())
    {
      // The key the partner rotated away from, verifying until then (#22).
      v["PreviousFingerprint"] = partner.previousFingerprint;
      v["PreviousFingerprintUntil"] = UtcMillis::Format(partner.previousUntilMs);
    }
    v["MaxMailSize"] = static_cast<Json::UInt64>(partner.maxMailSize);
    v["Acknowledgements"] = partner.acknowledgements;
    v["Compression"] = partner.compression;
    v["Notices"] = partner.notices.IsEmpty() ? Json::Value() : partner.notices.ToJson();
    v["TransferSyntax"] = TransferSyntaxChoice::Describe(partner.transferSyntax);
    v["Pseudonymise"] = partner.pseudonymise;
    v["ReadOnly"] = partner.fromConfiguration;
    return v;
  }
}
