// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"
#include "Core/Transfer/Manifest.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace DicomMail
{
  namespace Fuzzing
  {
    // What the manifest fuzz target does with one input; shared with the
    // FuzzRegression unit tests. Returns true if the manifest was accepted.
    inline bool RunManifestTarget(const uint8_t* data, size_t size)
    {
      try
      {
        const Manifest manifest = Manifest::Parse(std::string(reinterpret_cast<const char*>(data), size));

        // What Parse accepts, ToJson writes and Parse accepts again, unchanged.
        const std::string json = manifest.ToJson();
        const Manifest again = Manifest::Parse(json);
        if (again.ToJson() != json)
        {
          throw std::logic_error("Manifest: ToJson/Parse round trip changed the manifest");
        }
        return true;
      }
      catch (const Error&)
      {
        return false;
      }
    }
  }
}
