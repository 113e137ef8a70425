// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // DICOM wildcard matching as Orthanc's lookups do it: "*" matches any run
  // of characters (also none), "?" exactly one character (a UTF-8 code point,
  // not a byte), case-insensitive (ASCII and Latin-1 letters, so "süd"
  // matches "SÜD"). Trailing spaces and NULs of DICOM padding are ignored.
  class DicomWildcard
  {
  public:
    static bool Matches(const std::string& pattern, const std::string& value);

    // DICOM list and multi-value semantics: the pattern may list alternatives
    // separated by "\" (any may match), and a multi-valued value
    // ("ORIGINAL\PRIMARY") matches when the whole value or one of its values
    // matches.
    static bool MatchesValue(const std::string& pattern, const std::string& value);
  };
}
