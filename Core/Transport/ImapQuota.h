// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // The storage quota of a mailbox as an IMAP server reports it (RFC 2087
  // GETQUOTAROOT). Where several quota roots apply, the fullest one counts.
  struct ImapQuota
  {
    bool known = false;        // false: no STORAGE limit was reported
    std::string root;          // the quota root's name, e.g. "User quota"
    uint64_t usedBytes = 0;
    uint64_t limitBytes = 0;

    // Whole percent used, 0 when there is no limit; may pass 100.
    unsigned int Percent() const;
  };

  namespace ImapQuotaReply
  {
    // Whether "* CAPABILITY ..." lines in "text" name "capability" (an atom
    // such as "QUOTA"; "QUOTA=RES-STORAGE" does not count as "QUOTA").
    bool HasCapability(const std::string& text, const std::string& capability);

    // Reads the untagged "* QUOTA root (STORAGE used limit ...)" lines of a
    // GETQUOTAROOT answer; STORAGE is in units of 1024 bytes.
    ImapQuota Parse(const std::string& text);
  }
}
