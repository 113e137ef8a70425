// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

namespace DicomMail
{
  // The CRC-24 of OpenPGP ASCII armor (RFC 4880 section 6.1).
  class Crc24
  {
  public:
    void Update(const void* data, size_t size);

    uint32_t GetValue() const
    {
      return crc_ & 0xffffffu;
    }

  private:
    uint32_t crc_ = 0xb704ceu;
  };
}
