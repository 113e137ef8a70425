// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Transfer/LineReader.h"
#include "Core/Transfer/PartialFragmentInfo.h"
#include "Core/Transfer/PartialReassembler.h"
#include "Core/Transfer/RawHeaderBlock.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  namespace Fuzzing
  {
    // Fragments are separated by this line in a fuzz input (see the seeds in
    // Fuzz/corpus/FuzzPartialReassembler/).
    static const char kFragmentSeparator[] = "\n%%FRAGMENT%%\n";

    // More fragments than this are ignored: the reassembler's own limit is
    // its "total" check, and an input is at most a few KB anyway.
    static const size_t kMaxFuzzFragments = 256;

    inline std::vector<std::string> SplitFragments(const std::string& input)
    {
      const std::string separator(kFragmentSeparator);
      std::vector<std::string> fragments;
      size_t start = 0;
      while (fragments.size() + 1 < kMaxFuzzFragments)
      {
        const size_t found = input.find(separator, start);
        if (found == std::string::npos)
        {
          break;
        }
        fragments.push_back(input.substr(start, found - start));
        start = found + separator.size();
      }
      fragments.push_back(input.substr(start));
      return fragments;
    }

    // What the message/partial fuzz target does with one input; shared with
    // the FuzzRegression unit tests. DicomMail::Error is swallowed, anything
    // else escapes. Returns the number of bytes reassembled (0 if refused).
    inline uint64_t RunPartialReassemblerTarget(const uint8_t* data, size_t size)
    {
      const std::string input(reinterpret_cast<const char*>(data), size);
      const std::vector<std::string> fragments = SplitFragments(input);

      PartialReassembler reassembler;
      for (const std::string& fragment : fragments)
      {
        try
        {
          std::shared_ptr<const std::string> content = std::make_shared<const std::string>(fragment);
          reassembler.AddFragment([content]()
          {
            return std::unique_ptr<ByteSource>(new StringSource(*content));
          });
        }
        catch (const Error&)
        {
        }
      }
      (void) reassembler.GetMissing();

      uint64_t reassembled = 0;
      try
      {
        CountingSink sink;
        reassembler.Reassemble(sink);
        reassembled = sink.GetCount();
      }
      catch (const Error&)
      {
      }

      try
      {
        StringSource source(input);
        LineReader reader(source);
        RawHeaderBlock headers;
        headers.Read(reader, 65536);
        (void) PartialFragmentInfo::IsPartial(headers);
        (void) PartialFragmentInfo::Parse(headers, 10000);
      }
      catch (const Error&)
      {
      }

      return reassembled;
    }
  }
}
