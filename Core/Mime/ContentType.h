// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace DicomMail
{
  // A Content-Type (also usable for Content-Disposition-like values through
  // ParseParameters): type/subtype plus parameters (RFC 2045, RFC 2231).
  class ContentType
  {
  public:
    typedef std::vector<std::pair<std::string, std::string> > Parameters;

    ContentType();    // "text/plain"
    ContentType(const std::string& type, const std::string& subtype);

    // Throws Error(BadInput) if there is no valid "type/subtype". Parameters
    // are parsed liberally: quoted strings with backslash escapes, RFC 2231
    // continuations ("name*0", "name*1") and charset-encoded values
    // ("name*=UTF-8''%C3%A4", UTF-8 or ISO-8859-1, converted to UTF-8);
    // unparsable trailing garbage is ignored. Comments "(...)" are skipped.
    static ContentType Parse(const std::string& value);
    static bool TryParse(ContentType& result, const std::string& value);

    // Parameters of any "token; a=b; c="d"" value, e.g. Content-Disposition;
    // "token" receives the lowercased leading token. Never throws.
    static Parameters ParseParameters(std::string& token, const std::string& value);

    const std::string& GetType() const       // lowercase
    {
      return type_;
    }

    const std::string& GetSubtype() const    // lowercase
    {
      return subtype_;
    }

    std::string GetMimeType() const;        // "type/subtype"

    // Case-insensitive comparison with "type/subtype".
    bool Is(const std::string& mimeType) const;

    bool IsMultipart() const
    {
      return type_ == "multipart";
    }

    // Parameter names are case-insensitive; stored lowercase.
    bool HasParameter(const std::string& name) const;
    std::string GetParameter(const std::string& name, const std::string& defaultValue = "") const;
    void SetParameter(const std::string& name, const std::string& value);

    const Parameters& GetParameters() const
    {
      return parameters_;
    }

    // "type/subtype; name=value; other="quoted value"". Values that are not
    // tokens are quoted; non-ASCII values are written RFC 2231 style
    // ("name*=UTF-8''%C3%A4").
    std::string Format() const;

    // One formatted parameter, "; " not included (also for Content-Disposition).
    static std::string FormatParameter(const std::string& name, const std::string& value);

  private:
    std::string type_;
    std::string subtype_;
    Parameters parameters_;
  };
}
