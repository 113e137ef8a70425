// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

namespace DicomMail
{
  // Bounds for parsing untrusted mail. Whatever the input, MimeParser's
  // memory stays within roughly maxDepth * maxHeaderBlockSize plus a
  // buffer of max(256 KiB, maxHeaderLineLength).
  struct MimeLimits
  {
    size_t maxHeaderBlockSize = 64 * 1024;        // bytes of one header block
    size_t maxHeaderLineLength = 16 * 1024;       // one physical header line
    size_t maxHeaderFields = 1000;                // fields in one header block
    unsigned int maxDepth = 20;                   // multipart nesting (top level = 0)
    size_t maxParts = 10000;                      // parts in the whole tree
    uint64_t maxDecodedBytes = 16ull << 30;       // all decoded bodies handed out, together
  };
}
