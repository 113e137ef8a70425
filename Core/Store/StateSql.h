// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  namespace StateSql
  {
    // The states of "all" that "accepted" takes, as an SQL list of quoted
    // literals ("'imported', 'warning'"), empty when none: queries follow the
    // modules of states instead of repeating their strings. The texts are
    // the modules' own constants, never user input.
    template <typename State, typename Accepted>
    std::string List(const std::vector<State>& all, Accepted accepted)
    {
      std::string list;
      for (State state : all)
      {
        if (accepted(state))
        {
          list += std::string(list.empty() ? "'" : ", '") + ToString(state) + "'";
        }
      }
      return list;
    }
  }
}
