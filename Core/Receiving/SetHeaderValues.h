// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Mime/MimeHeaders.h"

#include <string>

namespace DicomMail
{
  // The X-TELEMEDICINE-SETID / SETPART / SETTOTAL triple of one header
  // block (the outer, unauthenticated one or the inner, signed one).
  struct SetHeaderValues
  {
    static const unsigned int kDefaultMaxTotal = 100000;

    bool present = false;       // at least one of the three fields is there
    std::string setId;
    unsigned int part = 0;
    unsigned int total = 0;

    // Reads and validates the triple: when any field is present, all three
    // must be, SETID must match the wire syntax and 1 <= part <= total <=
    // maxTotal. Throws Error(BadInput) (or LimitExceeded for a total above
    // maxTotal) naming the field; a block without any of them gives
    // present == false.
    static SetHeaderValues Read(const MimeHeaders& headers, unsigned int maxTotal = kDefaultMaxTotal);

    // "" when both triples agree; otherwise the reason naming the first
    // field that differs ("inner and outer X-TELEMEDICINE-SETPART differ").
    static std::string Compare(const SetHeaderValues& inner, const SetHeaderValues& outer);
  };
}
