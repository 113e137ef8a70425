// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer entry point; the work is in MdnParserFuzzTarget.h, which the
// FuzzRegression unit tests run on the kept inputs.
#include "Fuzz/MdnParserFuzzTarget.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  DicomMail::Fuzzing::RunMdnParserTarget(data, size);
  return 0;
}
