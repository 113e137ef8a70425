// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/Base64.h"

#include "Core/Common/ByteStream.h"
#include "Core/Mime/Base64Decoder.h"
#include "Core/Mime/Base64Encoder.h"

namespace DicomMail
{
  namespace Base64
  {
    std::string Encode(const void* data, size_t size, size_t lineLength)
    {
      StringSink sink;
      Base64Encoder encoder(sink, lineLength);
      encoder.Write(data, size);
      encoder.Finish();
      return std::move(sink.GetContent());
    }

    std::string Encode(const std::string& data, size_t lineLength)
    {
      return Encode(data.data(), data.size(), lineLength);
    }

    std::string Decode(const std::string& text)
    {
      StringSink sink;
      Base64Decoder decoder(sink);
      decoder.Write(text);
      decoder.Finish();
      return std::move(sink.GetContent());
    }
  }
}
