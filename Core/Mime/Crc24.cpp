// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/Crc24.h"

namespace DicomMail
{
  namespace
  {
    const uint32_t POLYNOMIAL = 0x1864cfbu;

    // Byte-at-a-time table for the MSB-first CRC of RFC 4880.
    struct Crc24Table
    {
      uint32_t entries[256];

      Crc24Table()
      {
        for (uint32_t i = 0; i < 256; i++)
        {
          uint32_t crc = i << 16;
          for (int bit = 0; bit < 8; bit++)
          {
            crc <<= 1;
            if (crc & 0x1000000u)
            {
              crc ^= POLYNOMIAL;
            }
          }
          entries[i] = crc & 0xffffffu;
        }
      }
    };

    const Crc24Table& GetTable()
    {
      static const Crc24Table table;
      return table;
    }
  }

  void Crc24::Update(const void* data, size_t size)
  {
    const uint32_t* table = GetTable().entries;
    const unsigned char* p = static_cast<const unsigned char*>(data);
    uint32_t crc = crc_;
    for (size_t i = 0; i < size; i++)
    {
      crc = ((crc << 8) ^ table[((crc >> 16) ^ p[i]) & 0xff]) & 0xffffffu;
    }
    crc_ = crc;
  }
}
