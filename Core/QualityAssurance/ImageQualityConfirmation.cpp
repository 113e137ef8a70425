// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/ImageQualityConfirmation.h"

#include "Core/Common/Error.h"
#include "Core/Common/Trim.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Transfer/SetId.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace ImageQualityConfirmations
  {
    std::string CheckName(const std::string& name)
    {
      const std::string trimmed = Trim(name);
      if (trimmed.empty())
      {
        throw Error(ErrorKind::BadInput, "the name of who confirmed the image quality is missing");
      }
      if (trimmed.size() > kMaxNameBytes)
      {
        throw Error(ErrorKind::BadInput, "the name of who confirmed the image quality is longer than " +
                    std::to_string(kMaxNameBytes) + " bytes");
      }
      for (unsigned char c : trimmed)
      {
        if (c < 0x20 || c == 0x7f)
        {
          throw Error(ErrorKind::BadInput, "the name of who confirmed the image quality holds a control character");
        }
      }
      // Decoding sanitizes invalid UTF-8: a name that changes is not UTF-8.
      if (EncodedWords::Decode(EncodedWords::EncodeAll(trimmed)) != trimmed)
      {
        throw Error(ErrorKind::BadInput, "the name of who confirmed the image quality is not UTF-8");
      }
      return trimmed;
    }

    std::string ComposeEntity(const ImageQualityConfirmation& confirmation)
    {
      SetId::Check(confirmation.testSetId);
      MimeHeaders headers;
      headers.Add(WireHeaders::kQaConfirmation, confirmation.testSetId);
      headers.Add(WireHeaders::kQaConfirmedBy, EncodedWords::EncodeAll(CheckName(confirmation.confirmedBy)));
      headers.Add(WireHeaders::kQaConfirmedAt, UtcMillis::Format(confirmation.confirmedAtMs));
      headers.Add("Content-Type", "text/plain; charset=us-ascii");
      headers.Add("Content-Transfer-Encoding", "7bit");
      return headers.Format() + "\r\nThe image quality of QA test transfer " + confirmation.testSetId + " was confirmed.\r\n";
    }

    bool Read(const MimeHeaders& topHeaders, ImageQualityConfirmation& out)
    {
      std::string setId;
      if (!topHeaders.Lookup(setId, WireHeaders::kQaConfirmation))
      {
        return false;
      }
      if (topHeaders.GetAll(WireHeaders::kQaConfirmation).size() != 1 ||
          topHeaders.GetAll(WireHeaders::kQaConfirmedBy).size() != 1 ||
          topHeaders.GetAll(WireHeaders::kQaConfirmedAt).size() != 1)
      {
        throw Error(ErrorKind::BadInput, "a QA confirmation needs each of its three headers once");
      }
      ImageQualityConfirmation confirmation;
      confirmation.testSetId = Trim(setId);
      SetId::Check(confirmation.testSetId);
      confirmation.confirmedBy = CheckName(EncodedWords::Decode(Trim(topHeaders.Get(WireHeaders::kQaConfirmedBy))));
      confirmation.confirmedAtMs = UtcMillis::Parse(Trim(topHeaders.Get(WireHeaders::kQaConfirmedAt)));
      confirmation.present = true;
      out = confirmation;
      return true;
    }
  }
}
