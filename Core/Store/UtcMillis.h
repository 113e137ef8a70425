// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Times in milliseconds, for what quality assurance measures (DIN 6868-159
  // asks for transfer times; whole seconds say nothing about a 2 s transfer).
  // Written "2026-12-07T05:00:00.123Z": UtcTime's shape with three digits of
  // fraction, so strings of this shape also compare as instants.
  namespace UtcMillis
  {
    int64_t Now();

    std::string Format(int64_t millisecondsSinceEpoch);

    // Takes this shape or UtcTime's (no fraction); throws Error(BadInput).
    int64_t Parse(const std::string& timestamp);
  }
}
