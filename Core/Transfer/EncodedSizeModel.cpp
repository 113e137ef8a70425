// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/EncodedSizeModel.h"

#include "Core/Common/Error.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    const uint64_t kMimeLineLength = 76;   // RFC 2045 base64 lines
    const uint64_t kArmorLineLength = 76;  // the composer's armor lines (RFC 4880's maximum)
  }

  EncodedSizeModel::EncodedSizeModel()
  {
  }

  EncodedSizeModel::EncodedSizeModel(const Parameters& parameters) :
    parameters_(parameters)
  {
  }

  uint64_t EncodedSizeModel::Base64Bytes(uint64_t size, uint64_t lineLength)
  {
    const uint64_t characters = 4 * ((size + 2) / 3);
    const uint64_t lines = (characters + lineLength - 1) / lineLength;
    return characters + 2 * lines;
  }

  uint64_t EncodedSizeModel::EncodedPartBytes(uint64_t size, bool compressible) const
  {
    if (size > kMaxInstanceSize)
    {
      throw Error(ErrorKind::LimitExceeded, "A DICOM file of " + std::to_string(size) +
                  " bytes is too large to plan");
    }
    const uint64_t encoded = parameters_.binaryParts ? size : Base64Bytes(size, kMimeLineLength);
    const uint64_t percent = compressible ? std::min(parameters_.compressiblePercent, 100u) : 100;
    return parameters_.partHeaderBytes + (encoded * percent + 99) / 100;
  }

  uint64_t EncodedSizeModel::EstimateFromParts(uint64_t encodedPartBytes, size_t count) const
  {
    const uint64_t entity = (parameters_.entityHeaderBytes + encodedPartBytes +
                             parameters_.manifestBaseBytes +
                             parameters_.manifestPerInstanceBytes * count);
    const uint64_t openPgp = (entity + parameters_.openPgpFixedBytes +
                              (entity * parameters_.openPgpPerMille + 999) / 1000);
    return parameters_.outerHeaderBytes + Base64Bytes(openPgp, kArmorLineLength);
  }

  uint64_t EncodedSizeModel::EstimateMailSize(const std::vector<uint64_t>& sizes) const
  {
    uint64_t parts = 0;
    for (uint64_t size : sizes)
    {
      parts += EncodedPartBytes(size);
    }
    return EstimateFromParts(parts, sizes.size());
  }

  uint64_t EncodedSizeModel::MaxPayloadFor(uint64_t maxMailSize) const
  {
    const uint64_t smallest = EstimateMailSize({ 0 });
    if (smallest > maxMailSize)
    {
      throw Error(ErrorKind::Configuration, "A maximum mail size of " + std::to_string(maxMailSize) +
                  " bytes cannot even hold the headers of a mail (at least " +
                  std::to_string(smallest) + " bytes are needed)");
    }

    // The estimate grows with the size, so a binary search finds the
    // largest file that still fits: fits(low) always, fits(high) never.
    uint64_t low = 0;
    uint64_t high = std::min(maxMailSize, kMaxInstanceSize) + 1;
    if (EstimateMailSize({ high - 1 }) <= maxMailSize)
    {
      return high - 1;
    }
    while (high - low > 1)
    {
      const uint64_t middle = low + (high - low) / 2;
      if (EstimateMailSize({ middle }) <= maxMailSize)
      {
        low = middle;
      }
      else
      {
        high = middle;
      }
    }
    return low;
  }
}
