// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/KeyAnnouncementMail.h"

#include "Core/Common/Error.h"
#include "Core/Common/Trim.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Sending/EncryptedControlMail.h"

namespace DicomMail
{
  namespace KeyAnnouncementMail
  {
    const char* const kHeader = "X-DICOMMAIL-KEY-ROTATION";
    const char* const kSubject = "DICOM-eMail key rotation";

    std::string ComposeEntity(const std::string& oldFingerprint, const std::string& newFingerprint,
                              const std::string& keys)
    {
      const std::string boundary = MimeIdentifiers::GenerateBoundary();
      MimeHeaders top;
      top.Add(kHeader, Fingerprint::Normalize(newFingerprint));
      top.Add("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
      const std::string text = "This site replaced its OpenPGP key " + Fingerprint::GroupInFours(oldFingerprint) +
        " by " + Fingerprint::GroupInFours(newFingerprint) + ".\r\nThe new key, certified by the old one, is "
        "attached; this mail is signed by the old key.\r\n";
      return top.Format() + "\r\n--" + boundary + "\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + text +
        "--" + boundary + "\r\n"
        "Content-Type: " + std::string(KeyTravel::kContentType) + "; name=\"" + KeyTravel::kPartName + "\"\r\n"
        "Content-Disposition: attachment; filename=\"" + KeyTravel::kPartName + "\"\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\n" + keys + "\r\n--" + boundary + "--\r\n";
    }

    ComposedSignedMail Compose(const std::string& oldFingerprint, const std::string& newFingerprint,
                               const std::string& keys, const SignedMailAddressing& addressing,
                               const MailProtection& protection, OpenPgpContext& crypto, const std::string& path)
    {
      StringSource entity(ComposeEntity(oldFingerprint, newFingerprint, keys));
      return EncryptedControlMail::Compose(entity, kSubject, addressing, protection, crypto, path);
    }

    bool Read(const MimeHeaders& topHeaders, const std::string& keyPart, KeyAnnouncement& out)
    {
      std::string value;
      if (!topHeaders.Lookup(value, kHeader))
      {
        return false;
      }
      const std::string fingerprint = Trim(value);
      if (topHeaders.GetAll(kHeader).size() != 1 || !Fingerprint::IsValidFingerprint(fingerprint))
      {
        throw Error(ErrorKind::BadInput, "a key announcement names its new key once, by its full fingerprint");
      }
      out.present = true;
      out.newFingerprint = Fingerprint::Normalize(fingerprint);
      out.keyPart = keyPart;
      return true;
    }
  }
}
