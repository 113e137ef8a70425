// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: many public keys in one import, each with its outcome.
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgmeData.h"
#include "Core/Crypto/OpenPgpPackets.h"

#include <map>
#include <set>

namespace DicomMail
{
  const char* ToString(BundleKeyOutcome::Status status)
  {
    switch (status)
    {
      case BundleKeyOutcome::Status::New:
        return "new";
      case BundleKeyOutcome::Status::Updated:
        return "updated";
      case BundleKeyOutcome::Status::Unchanged:
        return "unchanged";
      case BundleKeyOutcome::Status::Duplicate:
        return "duplicate";
      case BundleKeyOutcome::Status::Refused:
        break;
    }
    return "refused";
  }

  namespace
  {
    BundleKeyOutcome::Status StatusOf(unsigned int flags)
    {
      if (flags & GPGME_IMPORT_NEW)
      {
        return BundleKeyOutcome::Status::New;
      }
      if (flags & (GPGME_IMPORT_UID | GPGME_IMPORT_SIG | GPGME_IMPORT_SUBKEY))
      {
        return BundleKeyOutcome::Status::Updated;
      }
      return BundleKeyOutcome::Status::Unchanged;
    }
  }

  BundleImportResult OpenPgpContext::ImportKeyBundle(const std::string& data, const std::string& origin)
  {
    const std::vector<OpenPgpPackets::KeyBlock> blocks = OpenPgpPackets::SplitKeyBlocks(data);
    if (blocks.empty())
    {
      throw Error(ErrorKind::BadInput, "no OpenPGP key found in " + origin);
    }

    // Secret keys never reach gpg: their blocks are left out of the import.
    BundleImportResult result;
    std::string publicPackets;
    std::set<std::string> seen;
    for (const OpenPgpPackets::KeyBlock& block : blocks)
    {
      BundleKeyOutcome outcome;
      outcome.fingerprint = block.fingerprint;
      outcome.userId = block.firstUserId;
      if (block.secret)
      {
        outcome.reason = "a secret key: only public keys are accepted here (keep private keys private)";
      }
      else if (block.fingerprint.empty())
      {
        outcome.reason = "not a version 4 OpenPGP key, or its key packet cannot be read";
      }
      else if (!seen.insert(block.fingerprint).second)
      {
        outcome.status = BundleKeyOutcome::Status::Duplicate;
        outcome.reason = "the same key came earlier in the bundle";
      }
      else
      {
        publicPackets += block.packets;
      }
      result.keys.push_back(outcome);
    }
    if (publicPackets.empty())
    {
      return result;
    }

    ForgetKeyStates();
    ResetOperationState();
    GpgmeData in(publicPackets);
    GpgOperationWatchdog watchdog = Watch();
    Check(gpgme_op_import(Gpgme(), in.Get()), ErrorKind::BadInput, "cannot import " + origin);
    gpgme_import_result_t r = gpgme_op_import_result(Gpgme());
    if (r == nullptr)
    {
      throw Error(ErrorKind::Crypto, "gpg reported no result for the import of " + origin);
    }
    if (r->secret_read > 0)
    {
      // Cannot happen (secret packets were left out); never go on if it did.
      throw Error(ErrorKind::Crypto, "gpg read secret key material from the public part of " + origin);
    }
    if (r->imported > 0 || r->new_signatures > 0 || r->new_sub_keys > 0 || r->new_revocations > 0 ||
        r->new_user_ids > 0)
    {
      RefreshTrustDatabase();
    }

    // gpg reports each key once by fingerprint (IMPORT_OK / IMPORT_PROBLEM).
    std::map<std::string, gpgme_import_status_t> reported;
    for (gpgme_import_status_t s = r->imports; s != nullptr; s = s->next)
    {
      if (s->fpr != nullptr && Fingerprint::IsValidFingerprint(s->fpr))
      {
        const std::string fpr = Fingerprint::Normalize(s->fpr);
        if (reported.count(fpr) == 0 || gpgme_err_code(s->result) == GPG_ERR_NO_ERROR)
        {
          reported[fpr] = s;
        }
      }
    }
    for (BundleKeyOutcome& outcome : result.keys)
    {
      if (outcome.status != BundleKeyOutcome::Status::Refused || !outcome.reason.empty())
      {
        continue;   // refused before the import, or a duplicate
      }
      auto found = reported.find(outcome.fingerprint);
      if (found == reported.end())
      {
        outcome.reason = "GnuPG did not import it (no valid self-signed user ID?)";
      }
      else if (gpgme_err_code(found->second->result) != GPG_ERR_NO_ERROR)
      {
        outcome.reason = "GnuPG refused it: " + std::string(gpgme_strerror(found->second->result));
      }
      else
      {
        outcome.status = StatusOf(found->second->status);
      }
    }
    return result;
  }
}
