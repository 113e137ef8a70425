// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Transfer/PartialFragmentInfo.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // Rebuilds a mail from its RFC 2046 message/partial fragments, added in any
  // order. Only the fragments' headers are read when they are added; the
  // mail is streamed to a sink at the end. Headers are merged per RFC 2046
  // §5.2.2.1: fragment 1's outer fields except Content-*, Subject,
  // Message-ID, Encrypted and MIME-Version, then those fields of the
  // enclosed header. When the enclosed header repeats the kept outer fields
  // unchanged, as PartialSplitter writes it, the enclosed header is used as
  // is (the same fields, in the original order): the mail comes back byte
  // for byte, with any trace fields a server put on top kept on top.
  class PartialReassembler
  {
  public:
    typedef std::function<std::unique_ptr<ByteSource>()> SourceOpener;

    explicit PartialReassembler(unsigned int maxTotal = 10000, size_t maxHeaderBytes = 65536);

    // Reads the fragment's header. Returns false if a fragment with the same
    // number was added already (the first one is kept). Throws
    // Error(BadInput) for a malformed fragment, another id, a total that
    // conflicts with an earlier one or a number above the total, and
    // Error(LimitExceeded) for numbers or totals above maxTotal. A rejected
    // fragment leaves the reassembler as it was.
    bool AddFragment(const SourceOpener& opener);
    bool AddFragmentFile(const std::string& path);

    const std::string& GetId() const
    {
      return id_;
    }

    // 0 while no fragment has said it.
    unsigned int GetTotal() const
    {
      return total_;
    }

    size_t GetFragmentCount() const
    {
      return fragments_.size();
    }

    bool IsComplete() const;

    // The numbers still missing; empty while the total is unknown.
    std::vector<unsigned int> GetMissing() const;

    // Streams the whole mail into "target". Throws Error(BadInput) while
    // incomplete ("fragment 3 of 5 missing") or if a fragment changed since
    // it was added.
    void Reassemble(ByteSink& target) const;

  private:
    struct Fragment
    {
      SourceOpener opener;
      unsigned int total;
    };

    void WriteFragment(unsigned int number, ByteSink& target) const;

    unsigned int maxTotal_;
    size_t maxHeaderBytes_;
    std::string id_;
    unsigned int total_ = 0;
    std::map<unsigned int, Fragment> fragments_;
  };
}
