// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyTravel.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/KeyPartRule.h"
#include "Core/Crypto/OwnKeyExports.h"
#include "Core/Mime/LineEnds.h"

namespace DicomMail
{
  std::string KeyTravel::ExportOwnKey(OpenPgpContext& crypto, const std::string& fingerprint)
  {
    if (fingerprint.empty())
    {
      return "";
    }
    try
    {
      // Once per keyring state, not once per mail (#15): see OwnKeyExports.
      return OwnKeyExports::Shared().Get(crypto.GetHomePath(), fingerprint, [&crypto, &fingerprint]() {
        return LineEnds::ToCrlf(crypto.ExportPublicKey(fingerprint, true));
      });
    }
    catch (const Error&)
    {
      return "";
    }
  }

  std::string KeyTravel::MergeOutcome::Describe() const
  {
    std::string text;
    if (merged && changed)
    {
      text = "the sender's key was updated from the mail";
    }
    else if (!problem.empty())
    {
      text = "key part not merged: " + problem;
    }
    for (const std::string& refused : refusedFingerprints)
    {
      text += std::string(text.empty() ? "" : "; ") + "refused the key " + refused +
        " in the mail: not the signer's primary key";
    }
    return text;
  }

  KeyTravel::MergeOutcome KeyTravel::Merge(OpenPgpContext& crypto, const std::string& keyPart,
                                           const std::string& signerFingerprint)
  {
    MergeOutcome outcome;
    const KeyPartSelection selection = KeyPartRule::Select(keyPart, signerFingerprint);
    outcome.refusedFingerprints = selection.refusedFingerprints;
    if (!selection.problem.empty())
    {
      outcome.problem = selection.problem;
      return outcome;
    }
    if (selection.signerKey.empty())
    {
      return outcome;
    }
    try
    {
      const ImportResult imported = crypto.ImportKeys(selection.signerKey, OpenPgpContext::ImportPolicy::PublicOnly,
                                                      "the key in the mail");
      outcome.merged = true;
      outcome.changed = imported.unchanged == 0;
    }
    catch (const Error& e)
    {
      outcome.problem = e.what();
    }
    return outcome;
  }
}
