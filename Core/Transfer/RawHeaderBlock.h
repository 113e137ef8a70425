// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/LineReader.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // One header field exactly as written: its folded continuation lines and
  // line ends are kept, so it can be copied into another mail unchanged.
  struct RawHeaderField
  {
    std::string name;   // as written, without the colon
    std::string raw;    // "Name: value\r\n" plus continuation lines

    // The value unfolded (line ends removed) and trimmed.
    std::string GetValue() const;

    bool HasName(const std::string& otherName) const;   // case-insensitive
  };

  // The header block of a mail or of an enclosed message, read byte for byte
  // up to and including the empty line that ends it. message/partial needs
  // the raw bytes (RFC 2046 §5.2.2.1 copies fields "in order"), which a
  // parsing header class does not keep.
  class RawHeaderBlock
  {
  public:
    // Throws Error(LimitExceeded) beyond maxBytes, Error(BadInput) for a line
    // that is neither a field nor a continuation. A block that runs to the
    // end of the stream (no body) is accepted, with an empty terminator.
    void Read(LineReader& reader, size_t maxBytes);

    const std::vector<RawHeaderField>& GetFields() const
    {
      return fields_;
    }

    // The first field of that name (case-insensitive), or nullptr.
    const RawHeaderField* Find(const std::string& name) const;

    // The empty line that ended the block: "\r\n", "\n" or "".
    const std::string& GetTerminator() const
    {
      return terminator_;
    }

    static bool EqualsIgnoreCase(const std::string& a, const std::string& b);

  private:
    std::vector<RawHeaderField> fields_;
    std::string terminator_;
  };
}
