// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Mime/MimeHeaders.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // A radiologist's "image quality confirmed" on a received QA test transfer
  // (DIN 6868-159, #17), as it travels back to the sender inside a signed
  // and encrypted mail (docs/wire-format.md §3, "QA confirmation").
  struct ImageQualityConfirmation
  {
    bool present = false;          // the entity carried X-DICOMMAIL-QA-CONFIRMATION
    std::string testSetId;         // the test transfer, as the sender named it
    std::string confirmedBy;       // UTF-8, as entered
    int64_t confirmedAtMs = 0;     // the receiver's clock
  };

  namespace ImageQualityConfirmations
  {
    const size_t kMaxNameBytes = 200;

    // The name as entered, trimmed; throws Error(BadInput) when it is empty,
    // longer than kMaxNameBytes, not UTF-8 or holds control characters.
    std::string CheckName(const std::string& name);

    // The entity to sign and encrypt: the three headers and one short
    // sentence without patient data.
    std::string ComposeEntity(const ImageQualityConfirmation& confirmation);

    // From the top headers of an authenticated entity: false when it is
    // no confirmation; throws Error(BadInput) when it is a malformed one.
    bool Read(const MimeHeaders& topHeaders, ImageQualityConfirmation& out);
  }
}
