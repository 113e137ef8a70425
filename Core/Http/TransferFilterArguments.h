// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/TransferFilter.h"

#include <functional>
#include <set>
#include <string>

namespace DicomMail
{
  // The query arguments that narrow GET /dicom-mail/outbox and /inbox:
  // partner, state (one of "states"), from and to (a UTC instant
  // "2026-12-07T05:00:00Z" or a day "2026-12-07", which "from" reads as its
  // first and "to" as its last second) and setid (the set id or its
  // beginning). "argument" gives a query argument's value, "" when absent.
  // A malformed value throws Error(BadInput) naming the argument.
  TransferFilter ParseTransferFilter(const std::function<std::string(const std::string&)>& argument,
                                     const std::set<std::string>& states);
}
