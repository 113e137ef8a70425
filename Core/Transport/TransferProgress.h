// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>

namespace DicomMail
{
  // Called by libcurl's progress machinery: often while data moves, and about
  // once a second while it waits (connecting, waiting for a reply). "total"
  // is 0 when unknown. Return false to abort the transfer: the operation then
  // fails with a cancelled TransportError (or SmtpResult::cancelled) within
  // about a second. Runs on the transferring thread; must not throw.
  using TransferProgress = std::function<bool(uint64_t transferred, uint64_t total)>;
}
