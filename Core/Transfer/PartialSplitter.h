// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // Splits one complete mail that is too large for the recipient's server
  // into RFC 2046 §5.2.2 message/partial fragments, each itself a complete
  // mail of at most fragmentLimit bytes:
  //
  //   <every header of the mail except Content-*, Subject, Message-ID,
  //    Encrypted and MIME-Version, byte for byte and in order: From, To,
  //    Date, the X-TELEMEDICINE-SET* headers, Disposition-Notification-To...>
  //   Subject: <the mail's Subject>
  //   Message-ID: <new, one per fragment>
  //   MIME-Version: 1.0
  //   Content-Type: message/partial; id="<unique>"; number=i; total=n
  //
  //   <fragment i's slice of the mail: fragment 1 starts with the whole
  //    header block of the mail (the "enclosed" headers), then body lines>
  //
  // The values come from the mail itself, so fragments cannot disagree with
  // it; the mail must carry From, Date and the three X-TELEMEDICINE-SET*
  // headers. Slices end at CRLF line ends only. The mail must be 7bit text
  // with CRLF line ends and lines of at most 998 characters (it is: its body
  // is armored), so every fragment is valid 7bit text. The mail is read
  // twice (once to plan, once to write) and never held in memory.
  class PartialSplitter
  {
  public:
    // Receives the sink for fragment "number" of "total"; the splitter writes
    // the fragment, flushes the sink and then destroys it.
    typedef std::function<std::unique_ptr<ByteSink>(unsigned int number, unsigned int total)> SinkFactory;

    explicit PartialSplitter(uint64_t fragmentLimit,
                             unsigned int maxFragments = 10000,
                             size_t maxHeaderBytes = 65536);

    // Returns the number of fragments. Throws Error(BadInput) for a mail
    // that breaks the rules above, Error(LimitExceeded) when the mail would
    // need more than maxFragments fragments or a header or line cannot fit
    // in one fragment.
    unsigned int Split(const std::string& mailPath, const SinkFactory& factory) const;

    // Writes "<prefix>NNNNN.eml" files (mode 0600) into "directory"
    // and returns their paths in order; on failure, removes those it wrote.
    std::vector<std::string> SplitToDirectory(const std::string& mailPath,
                                              const std::string& directory,
                                              const std::string& prefix) const;

    uint64_t GetFragmentLimit() const
    {
      return fragmentLimit_;
    }

    // True for the fields RFC 2046 §5.2.2.1 takes from the enclosed message:
    // Content-*, Subject, Message-ID, Encrypted, MIME-Version.
    static bool IsEnclosedField(const std::string& name);

  private:
    uint64_t fragmentLimit_;
    unsigned int maxFragments_;
    size_t maxHeaderBytes_;
  };
}
