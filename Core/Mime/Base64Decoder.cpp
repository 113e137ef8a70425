// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/Base64Decoder.h"

#include "Core/Common/Error.h"

#include <algorithm>
#include <cstdio>

namespace DicomMail
{
  namespace
  {
    const size_t BUFFER_SIZE = 64 * 1024;
    const unsigned char SPACE = 0x40;
    const unsigned char PAD = 0x41;
    const unsigned char INVALID = 0xff;

    struct DecodeTable
    {
      unsigned char values[256];

      DecodeTable()
      {
        const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (unsigned int i = 0; i < 256; i++)
        {
          values[i] = INVALID;
        }
        for (unsigned int i = 0; i < 64; i++)
        {
          values[static_cast<unsigned char>(alphabet[i])] = static_cast<unsigned char>(i);
        }
        values[static_cast<unsigned char>(' ')] = SPACE;
        values[static_cast<unsigned char>('\t')] = SPACE;
        values[static_cast<unsigned char>('\r')] = SPACE;
        values[static_cast<unsigned char>('\n')] = SPACE;
        values[static_cast<unsigned char>('=')] = PAD;
      }
    };

    const DecodeTable& GetTable()
    {
      static const DecodeTable table;
      return table;
    }

    // Each character's sextet pre-shifted to its place in a group of four;
    // anything that is not a base64 digit sets the top byte.
    struct FastTables
    {
      uint32_t t0[256], t1[256], t2[256], t3[256];

      FastTables()
      {
        const DecodeTable& table = GetTable();
        for (unsigned int c = 0; c < 256; c++)
        {
          const uint32_t v = table.values[c];
          const bool valid = v < 64;
          t0[c] = valid ? v << 18 : 0xff000000u;
          t1[c] = valid ? v << 12 : 0xff000000u;
          t2[c] = valid ? v << 6 : 0xff000000u;
          t3[c] = valid ? v : 0xff000000u;
        }
      }
    };

    const FastTables& GetFastTables()
    {
      static const FastTables tables;
      return tables;
    }

    std::string Describe(unsigned char c)
    {
      char s[40];
      if (c >= 0x21 && c < 0x7f)
      {
        snprintf(s, sizeof(s), "'%c' (0x%02X)", c, c);
      }
      else
      {
        snprintf(s, sizeof(s), "0x%02X", c);
      }
      return s;
    }
  }

  Base64Decoder::Base64Decoder(ByteSink& next) :
    next_(next),
    buffer_(BUFFER_SIZE)
  {
  }

  void Base64Decoder::WriteOutput()
  {
    if (used_ > 0)
    {
      next_.Write(buffer_.data(), used_);
      outputSize_ += used_;
      used_ = 0;
    }
  }

  void Base64Decoder::Emit(size_t count)
  {
    // "count" bytes (1..3) from the group's 24 bits, left aligned.
    if (BUFFER_SIZE - used_ < 3)
    {
      WriteOutput();
    }
    buffer_[used_++] = static_cast<unsigned char>(group_ >> 16);
    if (count > 1)
    {
      buffer_[used_++] = static_cast<unsigned char>(group_ >> 8);
    }
    if (count > 2)
    {
      buffer_[used_++] = static_cast<unsigned char>(group_);
    }
  }

  void Base64Decoder::HandleSpecial(unsigned char c, uint64_t offset)
  {
    const unsigned char v = GetTable().values[c];
    if (v == SPACE)
    {
      return;
    }

    if (v == PAD)
    {
      if (padding_ == 0 && groupCount_ == 3)
      {
        group_ <<= 6;
        Emit(2);
        groupCount_ = 0;
        padding_ = 2;
      }
      else if (padding_ == 0 && groupCount_ == 2)
      {
        padding_ = 1;
      }
      else if (padding_ == 1)
      {
        group_ <<= 12;
        Emit(1);
        groupCount_ = 0;
        padding_ = 2;
      }
      else
      {
        throw Error(ErrorKind::BadInput, "invalid base64 input: misplaced '=' padding at byte offset " +
                    std::to_string(offset));
      }
      return;
    }

    if (v == INVALID)
    {
      throw Error(ErrorKind::BadInput, "invalid base64 character " + Describe(c) +
                  " at byte offset " + std::to_string(offset));
    }

    throw Error(ErrorKind::BadInput, "invalid base64 input: data after the '=' padding at byte offset " +
                std::to_string(offset));
  }

  void Base64Decoder::Write(const void* data, size_t size)
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "Base64Decoder: write after Finish()");
    }

    const unsigned char* in = static_cast<const unsigned char*>(data);
    const unsigned char* values = GetTable().values;
    size_t i = 0;

    while (i < size)
    {
      if (groupCount_ == 0 && padding_ == 0)
      {
        // Fast path: whole groups of four valid characters, one lookup per
        // character into tables that already hold the shifted bits.
        const FastTables& fast = GetFastTables();
        while (size - i >= 4)
        {
          if (used_ + 3 > BUFFER_SIZE)
          {
            WriteOutput();
          }
          const size_t groups = std::min((size - i) / 4, (BUFFER_SIZE - used_) / 3);
          const unsigned char* src = in + i;
          unsigned char* dst = buffer_.data() + used_;
          size_t done = 0;
          for (; done < groups; done++)
          {
            const uint32_t v = fast.t0[src[0]] | fast.t1[src[1]] | fast.t2[src[2]] | fast.t3[src[3]];
            if (v & 0xff000000u)
            {
              break;
            }
            dst[0] = static_cast<unsigned char>(v >> 16);
            dst[1] = static_cast<unsigned char>(v >> 8);
            dst[2] = static_cast<unsigned char>(v);
            dst += 3;
            src += 4;
          }
          used_ += 3 * done;
          i += 4 * done;
          if (done < groups)
          {
            break;
          }
        }
        if (i == size)
        {
          break;
        }
      }

      const unsigned char v = values[in[i]];
      if (v < 64 && padding_ == 0)
      {
        group_ = (group_ << 6) | v;
        if (++groupCount_ == 4)
        {
          Emit(3);
          groupCount_ = 0;
          group_ = 0;
        }
      }
      else
      {
        HandleSpecial(in[i], offset_ + i);
      }
      i++;
    }

    offset_ += size;
  }

  void Base64Decoder::Flush()
  {
    WriteOutput();
    next_.Flush();
  }

  void Base64Decoder::Finish()
  {
    if (finished_)
    {
      return;
    }

    if (padding_ == 1)
    {
      // "xx=" with the second "=" cut off: the data is complete anyway.
      group_ <<= 12;
      Emit(1);
    }
    else if (groupCount_ == 1)
    {
      throw Error(ErrorKind::BadInput, "invalid base64 input: truncated, 1 dangling character at the end (byte offset " +
                  std::to_string(offset_) + ")");
    }
    else if (groupCount_ == 2)
    {
      group_ <<= 12;
      Emit(1);
    }
    else if (groupCount_ == 3)
    {
      group_ <<= 6;
      Emit(2);
    }

    groupCount_ = 0;
    finished_ = true;
    Flush();
  }
}
