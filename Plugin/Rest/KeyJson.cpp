// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Rest/KeyJson.h"

#include "Core/Common/StatusBoard.h"
#include "Core/Crypto/Fingerprint.h"

#include <ctime>

namespace DicomMail
{
  bool KeyExpiresSoon(const KeyInfo& key, unsigned int warningDays)
  {
    const int64_t until = key.UsableUntil();
    return until != 0 && until < static_cast<int64_t>(time(nullptr)) + int64_t(warningDays) * 86400;
  }

  Json::Value KeyToJson(const KeyInfo& key, const std::string& siteFingerprint, unsigned int warningDays)
  {
    Json::Value v;
    v["Fingerprint"] = key.fingerprint;
    v["FingerprintGroups"] = Fingerprint::GroupInFours(key.fingerprint);
    v["UserIds"] = Json::arrayValue;
    for (const UserIdInfo& uid : key.userIds)
    {
      Json::Value u;
      u["UserId"] = uid.userId;
      u["Name"] = uid.name;
      u["Email"] = uid.email;
      u["Validity"] = ToString(uid.validity);
      u["Revoked"] = uid.revoked;
      v["UserIds"].append(u);
    }
    v["Algorithms"] = Json::arrayValue;
    for (const std::string& a : key.algorithms)
    {
      v["Algorithms"].append(a);
    }
    v["Created"] = FormatUtc(static_cast<time_t>(key.created));
    v["Expires"] = key.expires == 0 ? Json::Value() : Json::Value(FormatUtc(static_cast<time_t>(key.expires)));
    v["Expired"] = key.expired;
    v["Revoked"] = key.revoked;
    v["Disabled"] = key.disabled;
    v["CanEncrypt"] = key.canEncrypt;
    v["CanSign"] = key.canSign;
    v["HasSecret"] = key.hasSecret;
    v["Validity"] = ToString(key.validity);
    const bool isSite = !siteFingerprint.empty() && key.fingerprint == siteFingerprint;
    v["IsSiteKey"] = isSite;
    v["CertifiedBySite"] = !siteFingerprint.empty() && !isSite && key.CertifiedBy(siteFingerprint);
    v["EncryptionExpires"] = key.encryptionExpires == 0 ? Json::Value() :
      Json::Value(FormatUtc(static_cast<time_t>(key.encryptionExpires)));
    v["ExpiresSoon"] = KeyExpiresSoon(key, warningDays);
    return v;
  }
}
