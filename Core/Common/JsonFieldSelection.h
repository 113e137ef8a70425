// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <string>
#include <vector>

namespace DicomMail
{
  // "?fields=Name,KeyState": a list answer cut down to the members a client
  // reads. The Explorer's picker needs five of a partner's twenty members;
  // for a hub's thousand partners that is a quarter of the bytes to write,
  // send and parse (#25).
  class JsonFieldSelection
  {
  public:
    // An empty argument selects everything. Throws Error(BadInput) for an
    // empty or repeated name.
    explicit JsonFieldSelection(const std::string& argument);

    bool SelectsAll() const { return fields_.empty(); }

    // Throws Error(BadInput) naming a selected member that "object" lacks,
    // so a misspelt field is an error, not a silently empty answer.
    Json::Value Apply(const Json::Value& object) const;

  private:
    std::vector<std::string> fields_;
  };
}
