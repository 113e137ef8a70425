// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/TransferState.h"

#include <functional>
#include <string>

namespace DicomMail
{
  // The transfer states a predicate of OutboxStates accepts, as an SQL list
  // of quoted literals ("'failed', 'canceled'"), empty when none: queries
  // follow the one module of states instead of repeating its strings.
  std::string TransferStateList(const std::function<bool(TransferState)>& accepted);

  // SQL condition: the outbox transfer whose SetId is in "column" exists
  // and its state is one "accepted" names.
  std::string TransferOf(const std::string& column, const std::function<bool(TransferState)>& accepted);
}
