// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/EncryptedMailWriter.h"

#include "Core/Common/Files.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Mime/PgpArmorWriter.h"

namespace DicomMail
{
  namespace EncryptedMailWriter
  {
    uint64_t Write(const MimeHeaders& headers, ByteSource& entity, OpenPgpContext& crypto,
                   const MailProtection& protection, const std::string& path)
    {
      FileSink file(path);
      CountingSink counter(&file);
      {
        MimeWriter writer(counter);
        ContentType encrypted("multipart", "encrypted");
        encrypted.SetParameter("protocol", "application/pgp-encrypted");
        writer.BeginMultipart(headers, encrypted);

        MimeHeaders control;
        control.Add("Content-Type", "application/pgp-encrypted");
        writer.BeginLeaf(control, TransferEncoding::SevenBit).Write(std::string("Version: 1\r\n"));
        writer.EndLeaf();

        MimeHeaders payload;
        ContentType octets("application", "octet-stream");
        octets.SetParameter("name", "encrypted.asc");
        payload.Add("Content-Type", octets.Format());
        ByteSink& body = writer.BeginLeaf(payload, TransferEncoding::SevenBit);
        // The longest lines RFC 4880 allows: 0.5% fewer bytes than GnuPG's 64.
        PgpArmorWriter armor(body, "MESSAGE", PgpArmorWriter::Headers(), PgpArmorWriter::kMaxLineLength);
        crypto.EncryptAndSign(entity, armor, protection.recipientFingerprints, protection.signerFingerprint,
                              protection.compress, protection.encryptToSelf);
        armor.Finish();
        writer.EndLeaf();
        writer.EndMultipart();
        writer.Finish();
      }
      file.Close();
      return counter.GetCount();
    }
  }
}
