// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"
#include "Core/Store/DatabaseSettings.h"

#include <memory>

namespace DicomMail
{
  // Connects to the engine the settings name (the schema is migrated by the
  // first store opened on it).
  std::unique_ptr<Database> OpenDatabase(const DatabaseSettings& settings);
}
