// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "UnitTests/TestSupport.h"

namespace DicomMail
{
  // A scratch directory for one test's database files, removed afterwards.
  using TempDirectory = TestSupport::ScratchDirectory;
}
