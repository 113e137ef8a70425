// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: moving the expiry of one of our own keys (#22).
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgmeKey.h"

namespace DicomMail
{
  void OpenPgpContext::SetExpiry(const std::string& fingerprint, uint64_t secondsFromNow)
  {
    if (secondsFromNow == 0)
    {
      throw Error(ErrorKind::BadInput, "an expiry must lie in the future");
    }
    ForgetKeyStates();
    const std::string fpr = Fingerprint::Normalize(fingerprint);
    // gpg --quick-set-expire: once for the primary key, once for every
    // subkey (a primary that lives on with an expired encryption subkey
    // would still stop transfers).
    for (const char* which : {static_cast<const char*>(nullptr), "*"})
    {
      GpgmeKey key = LoadKey(fpr, true);
      ResetOperationState();
      GpgOperationWatchdog watchdog = Watch();
      Check(gpgme_op_setexpire(Gpgme(), key.Get(), static_cast<unsigned long>(secondsFromNow), which, 0),
            ErrorKind::Crypto, std::string("cannot set the expiry of the ") + (which == nullptr ? "key " : "subkeys of ") +
            Fingerprint::GroupInFours(fpr));
      keyCache_.Clear();
    }
    ForgetKeyStates();
  }
}
