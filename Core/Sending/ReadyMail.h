// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Files.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // One mail of a transfer, encrypted and on disk, waiting for SMTP: either
  // one file or, when it was too large, its message/partial fragments. The
  // files are removed with the object.
  struct ReadyMail
  {
    unsigned int part = 0;
    std::string messageId;
    std::vector<std::unique_ptr<TempFile> > files;   // in sending order
    uint64_t bytes = 0;                              // sum over the files
    uint64_t dicomBytes = 0;
    unsigned int instances = 0;
    bool split = false;
  };
}
