// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/Crc24.h"

namespace DicomMail
{
  namespace
  {
    const uint32_t POLYNOMIAL = 0x1864cfbu;

    // "Slicing by 8" for the MSB-first CRC of RFC 4880: the register holds
    // the CRC in its top 24 bits; tables[k][b] is the effect of byte b
    // followed by k zero bytes. Eight bytes per step instead of one: the
    // CRC runs over every armored byte sent and received.
    struct Crc24Tables
    {
      uint32_t t[8][256];

      Crc24Tables()
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
          t[0][i] = (crc & 0xffffffu) << 8;
        }
        for (int k = 1; k < 8; k++)
        {
          for (uint32_t i = 0; i < 256; i++)
          {
            const uint32_t previous = t[k - 1][i];
            t[k][i] = (previous << 8) ^ t[0][previous >> 24];
          }
        }
      }
    };

    const Crc24Tables& GetTables()
    {
      static const Crc24Tables tables;
      return tables;
    }

    inline uint32_t BigEndian32(const unsigned char* p)
    {
      return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
    }
  }

  void Crc24::Update(const void* data, size_t size)
  {
    const Crc24Tables& tables = GetTables();
    const uint32_t (*t)[256] = tables.t;
    const unsigned char* p = static_cast<const unsigned char*>(data);
    uint32_t c = (crc_ & 0xffffffu) << 8;

    while (size >= 8)
    {
      const uint32_t x = c ^ BigEndian32(p);
      const uint32_t y = BigEndian32(p + 4);
      c = t[7][x >> 24] ^ t[6][(x >> 16) & 0xff] ^ t[5][(x >> 8) & 0xff] ^ t[4][x & 0xff] ^
          t[3][y >> 24] ^ t[2][(y >> 16) & 0xff] ^ t[1][(y >> 8) & 0xff] ^ t[0][y & 0xff];
      p += 8;
      size -= 8;
    }
    while (size > 0)
    {
      c = (c << 8) ^ t[0][(c >> 24) ^ *p];
      p++;
      size--;
    }
    crc_ = c >> 8;
  }
}
