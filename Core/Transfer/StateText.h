// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  namespace StateText
  {
    // The state whose text (names indexed by the enum's values) is "text";
    // throws Error(BadInput) naming it when no state has that text.
    template <typename State, size_t N>
    State Parse(const char* const (&names)[N], const std::string& text, const char* what)
    {
      for (size_t i = 0; i < N; i++)
      {
        if (text == names[i])
        {
          return static_cast<State>(i);
        }
      }
      throw Error(ErrorKind::BadInput, std::string("Unknown ") + what + " state \"" + text + "\"");
    }

    // The texts of "all", e.g. to check a filter's word.
    template <typename State>
    std::set<std::string> Words(const std::vector<State>& all)
    {
      std::set<std::string> words;
      for (State state : all)
      {
        words.insert(ToString(state));
      }
      return words;
    }
  }
}
