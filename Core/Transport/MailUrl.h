// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <set>
#include <string>

namespace DicomMail
{
  // A MailAccount URL taken apart: "imaps://host:993/x" -> scheme "imaps",
  // base "imaps://host:993", path "x". The base never carries credentials, so
  // it is safe to show in logs and error messages.
  class MailUrl
  {
  public:
    // Throws Error(Configuration) if the URL is malformed or its scheme is not
    // one of "allowedSchemes".
    MailUrl(const std::string& url, const std::set<std::string>& allowedSchemes);

    const std::string& GetScheme() const
    {
      return scheme_;
    }

    const std::string& GetBase() const
    {
      return base_;
    }

    // Without the leading slash, still percent-encoded.
    const std::string& GetPath() const
    {
      return path_;
    }

    // smtps, imaps, pop3s: TLS from the first byte.
    bool IsImplicitTls() const;

    // Percent-encodes every byte except unreserved ones, for a URL path
    // segment such as an IMAP folder name.
    static std::string Escape(const std::string& segment);

  private:
    std::string scheme_;
    std::string base_;
    std::string path_;
  };
}
