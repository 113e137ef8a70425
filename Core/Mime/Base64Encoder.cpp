// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/Base64Encoder.h"

#include "Core/Common/Error.h"

#include <cstring>
#include <limits>

namespace DicomMail
{
  namespace
  {
    const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    const size_t BUFFER_SIZE = 64 * 1024;

    // Two output characters per 12 input bits: one lookup per half triple is
    // what brings the encoder well above 500 MB/s.
    struct PairTable
    {
      char pairs[4096][2];

      PairTable()
      {
        for (unsigned int i = 0; i < 4096; i++)
        {
          pairs[i][0] = ALPHABET[i >> 6];
          pairs[i][1] = ALPHABET[i & 63];
        }
      }
    };

    const PairTable& GetPairTable()
    {
      static const PairTable table;
      return table;
    }
  }

  Base64Encoder::Base64Encoder(ByteSink& next, size_t lineLength) :
    next_(next),
    lineLength_(lineLength == 0 ? std::numeric_limits<size_t>::max() / 2 : lineLength),
    buffer_(BUFFER_SIZE)
  {
    if (lineLength % 4 != 0)
    {
      throw Error(ErrorKind::Internal, "base64 line length must be a multiple of 4, not " +
                  std::to_string(lineLength));
    }
  }

  void Base64Encoder::WriteOutput()
  {
    if (used_ > 0)
    {
      next_.Write(buffer_.data(), used_);
      outputSize_ += used_;
      used_ = 0;
    }
  }

  void Base64Encoder::EncodeTriples(const unsigned char*& input, size_t triples)
  {
    const PairTable& table = GetPairTable();
    while (triples > 0)
    {
      if (column_ == lineLength_)
      {
        // The line break is written lazily, so the output never ends with one.
        if (BUFFER_SIZE - used_ < 2)
        {
          WriteOutput();
        }
        buffer_[used_++] = '\r';
        buffer_[used_++] = '\n';
        column_ = 0;
      }

      size_t count = std::min(triples, (lineLength_ - column_) / 4);
      count = std::min(count, (BUFFER_SIZE - used_) / 4);
      if (count == 0)
      {
        WriteOutput();
        continue;
      }

      char* out = buffer_.data() + used_;
      const unsigned char* in = input;
      for (size_t i = 0; i < count; i++)
      {
        const uint32_t v = (static_cast<uint32_t>(in[0]) << 16) |
          (static_cast<uint32_t>(in[1]) << 8) | in[2];
        memcpy(out, table.pairs[v >> 12], 2);
        memcpy(out + 2, table.pairs[v & 0xfff], 2);
        out += 4;
        in += 3;
      }

      input = in;
      used_ += 4 * count;
      column_ += 4 * count;
      triples -= count;
    }
  }

  void Base64Encoder::Write(const void* data, size_t size)
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "Base64Encoder: write after Finish()");
    }

    const unsigned char* input = static_cast<const unsigned char*>(data);
    inputSize_ += size;

    while (pendingCount_ > 0 && size > 0)
    {
      pending_[pendingCount_++] = *input++;
      size--;
      if (pendingCount_ == 3)
      {
        const unsigned char* p = pending_;
        EncodeTriples(p, 1);
        pendingCount_ = 0;
      }
    }

    const size_t triples = size / 3;
    EncodeTriples(input, triples);
    size -= triples * 3;

    for (size_t i = 0; i < size; i++)
    {
      pending_[pendingCount_++] = input[i];
    }
  }

  void Base64Encoder::Flush()
  {
    WriteOutput();
    next_.Flush();
  }

  void Base64Encoder::Finish()
  {
    if (finished_)
    {
      return;
    }

    if (pendingCount_ > 0)
    {
      unsigned char last[3] = { 0, 0, 0 };
      memcpy(last, pending_, pendingCount_);
      const unsigned char* p = last;
      EncodeTriples(p, 1);
      // Replace the characters that encode only zero padding by "=".
      buffer_[used_ - 1] = '=';
      if (pendingCount_ == 1)
      {
        buffer_[used_ - 2] = '=';
      }
      pendingCount_ = 0;
    }

    finished_ = true;
    Flush();
  }
}
