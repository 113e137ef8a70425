// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/Base64Encoder.h"
#include "Core/Mime/Crc24.h"

#include <string>
#include <utility>
#include <vector>

namespace DicomMail
{
  // OpenPGP ASCII armor (RFC 4880 section 6.2) as a streaming sink: binary
  // OpenPGP data in, armored text out, CRLF line endings:
  //   -----BEGIN PGP MESSAGE-----
  //   <armor headers>            (optional "Key: Value" lines)
  //   <empty line>
  //   <base64, 64 characters per line as GnuPG writes it, or up to 76>
  //   =<CRC-24 in base64>
  //   -----END PGP MESSAGE-----
  // The plugin armors binary OpenPGP itself (the spawned gpg's ciphertext,
  // GPGME's detached signatures): streaming, and with the line length it
  // chooses.
  class PgpArmorWriter : public ByteSink
  {
  public:
    typedef std::vector<std::pair<std::string, std::string> > Headers;

    static const unsigned int kGnupgLineLength = 64;
    static const unsigned int kMaxLineLength = 76;   // RFC 4880 section 6.3

    // "type" is the word(s) after "BEGIN PGP ", e.g. "MESSAGE", "SIGNATURE";
    // "lineLength" a multiple of 4 up to kMaxLineLength.
    explicit PgpArmorWriter(ByteSink& next, const std::string& type = "MESSAGE",
                            const Headers& headers = Headers(),
                            unsigned int lineLength = kGnupgLineLength);
    PgpArmorWriter(const PgpArmorWriter&) = delete;
    PgpArmorWriter& operator=(const PgpArmorWriter&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    // Writes the last line, the checksum and the END line. Needed even for
    // empty input; a second call does nothing.
    void Finish();

    uint32_t GetCrc() const
    {
      return crc_.GetValue();
    }

  private:
    void WriteHead();

    ByteSink& next_;
    std::string type_;
    Headers headers_;
    Base64Encoder encoder_;
    Crc24 crc_;
    bool headWritten_ = false;
    bool finished_ = false;
  };
}
