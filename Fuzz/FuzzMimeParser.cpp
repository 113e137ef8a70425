// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer entry point; the work is in MimeParserFuzzTarget.h, which the
// FuzzRegression unit tests run on the kept inputs.
#include "Fuzz/MimeParserFuzzTarget.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  DicomMail::Fuzzing::RunMimeParserTarget(data, size);
  return 0;
}
