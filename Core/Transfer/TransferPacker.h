// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/EncodedSizeModel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  struct PackerInstance
  {
    std::string id;      // the caller's key (e.g. the Orthanc instance id); not interpreted
    uint64_t size = 0;   // bytes of the DICOM file
    bool compressible = false;   // stored uncompressed: see EncodedSizeModel::compressiblePercent
    std::string study;   // keys that group instances for PackingOrder; "" for all alike
    std::string series;
  };

  struct PlannedMail
  {
    unsigned int part = 0;              // 1..N, the future X-TELEMEDICINE-SETPART
    std::vector<size_t> instances;      // indexes into the planner's input, in packing order
    uint64_t estimatedSize = 0;         // EncodedSizeModel's estimate of the final mail
    bool needsSplit = false;            // one instance too large for a mail: send as message/partial
  };

  // Plans the mails of a transfer (docs/wire-format.md §4): instances go into
  // mails in PackingOrder (studies as given, within each whole series smallest
  // first, instances as given) until the next one would push the estimated
  // mail over maxMailSize; an instance too large for any mail goes alone in a
  // mail marked needsSplit.
  //
  // With a first-mail budget (#15, time to the first image), a transfer of
  // more than one mail starts with a small mail: the whole series that fit the
  // budget, else the first instances of the first series that do (at least
  // one). It is composed, sent, fetched, decrypted and imported in a fraction
  // of the time of a full mail; the rest is packed as before, so the plan has
  // one mail more at most. Off when the budget is 0 or over half the limit.
  class TransferPacker
  {
  public:
    // Estimated bytes of the first mail, for senders that want the first
    // images early: two CT slices, or a scout and a few reformats.
    static constexpr uint64_t kFirstMailBudget = 1000000;
    static constexpr size_t kMaxInstancesPerMail = 1000;

    // maxInstancesPerMail also caps a mail of many tiny files, which keeps
    // receivers far from their part-count limit and resends cheap.
    explicit TransferPacker(uint64_t maxMailSize,
                            const EncodedSizeModel& model = EncodedSizeModel(),
                            size_t maxInstancesPerMail = kMaxInstancesPerMail,
                            uint64_t firstMailBudget = 0);

    // Throws Error(BadInput) for an empty list, Error(Configuration) when
    // maxMailSize cannot hold the headers of a mail.
    std::vector<PlannedMail> Plan(const std::vector<PackerInstance>& instances) const;

    uint64_t GetMaxMailSize() const
    {
      return maxMailSize_;
    }

    const EncodedSizeModel& GetModel() const
    {
      return model_;
    }

  private:
    bool FitsFirstMail(uint64_t parts, size_t count) const;

    // How many of the first instances in "order" the small first mail holds.
    size_t FirstMailLength(const std::vector<PackerInstance>& instances, const std::vector<size_t>& order) const;

    // Appends the mails of order[begin, end), packed greedily, to "mails".
    void Pack(const std::vector<PackerInstance>& instances, const std::vector<size_t>& order,
              size_t begin, size_t end, std::vector<PlannedMail>& mails) const;

    uint64_t maxMailSize_;
    EncodedSizeModel model_;
    size_t maxInstancesPerMail_;
    uint64_t firstMailBudget_;
  };
}
