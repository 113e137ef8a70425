// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/ContentType.h"

#include <string>
#include <vector>

namespace DicomMail
{
  struct MimeHeaderField
  {
    std::string name;    // as written ("Content-Type")
    std::string value;   // unfolded, without leading/trailing white space
  };

  // RFC 5322 field name: printable ASCII without ':' and space, not empty.
  bool IsValidHeaderName(const std::string& name);

  // True if "value" can be written into a header without changing the
  // header structure: no CR, LF, NUL or other control character (tab is
  // allowed). 8-bit bytes are allowed (RFC 6532); use EncodedWords::Encode for
  // portable non-ASCII text.
  bool IsSafeHeaderValue(const std::string& value);

  // An ordered list of header fields with case-insensitive lookup.
  class MimeHeaders
  {
  public:
    // Appends a field; throws Error(BadInput) for an invalid name or a value
    // that fails IsSafeHeaderValue (header injection).
    void Add(const std::string& name, const std::string& value);

    // Replaces every field "name" by one (at the place of the first one).
    void Set(const std::string& name, const std::string& value);

    // Returns the number of fields removed.
    size_t Remove(const std::string& name);

    bool Has(const std::string& name) const;

    // The first field "name"; false if there is none.
    bool Lookup(std::string& value, const std::string& name) const;

    std::string Get(const std::string& name, const std::string& defaultValue = "") const;

    // Get() with RFC 2047 words decoded: for display only, always UTF-8.
    std::string GetDecoded(const std::string& name) const;

    std::vector<std::string> GetAll(const std::string& name) const;

    const std::vector<MimeHeaderField>& GetFields() const
    {
      return fields_;
    }

    size_t GetSize() const
    {
      return fields_.size();
    }

    bool IsEmpty() const
    {
      return fields_.empty();
    }

    // Content-Type, or the RFC 2045 default "text/plain; charset=us-ascii"
    // when absent or syntactically invalid.
    ContentType GetContentType() const;

    // Content-Transfer-Encoding lowercased and trimmed, "7bit" when absent.
    std::string GetTransferEncoding() const;

    // Every field folded (FoldField) and terminated by CRLF; no empty line.
    void Write(ByteSink& sink) const;
    std::string Format() const;

    // "Name: value" folded at white space into lines of at most 78
    // characters where possible, joined by CRLF (no final CRLF). Throws
    // Error(BadInput) if a word makes a line longer than 998 characters.
    static std::string FoldField(const std::string& name, const std::string& value);

    // Parses a header block (folded lines, CRLF or LF, ends at the first
    // empty line or at the end). Throws Error(LimitExceeded) if the block is
    // larger than "maxSize", Error(BadInput) if malformed.
    static MimeHeaders Parse(const std::string& block, size_t maxSize = 64 * 1024);

    // Adds one physical header line as received (without its line break):
    // a continuation line (starting with space or tab) is unfolded into the
    // previous field. For parsers; throws Error(BadInput) if malformed.
    void AddWireLine(const std::string& line);

  private:
    std::vector<MimeHeaderField> fields_;
  };
}
