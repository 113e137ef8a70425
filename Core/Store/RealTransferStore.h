// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One real (clinical, not QA) transfer with a partner, as the outbox or the
  // inbox recorded it: what the QA report (#17) shows beside the tests.
  struct RealTransferSample
  {
    int64_t atMs = 0;           // when it began on our clock (the month it counts in)
    int64_t startMs = 0;        // start of the path: our send, or the sender's Date (whole s); 0 = unknown
    int64_t endMs = 0;          // the receiver's completion (ms); 0 = not known
    uint64_t bytes = 0;         // DICOM bytes (sent), mail bytes (received: the receiver adds up no DICOM)
    unsigned int mails = 0;     // expected
    unsigned int mailsArrived = 0;
    bool complete = false;      // every mail arrived and was read without a warning

    // 0 when the path was not timed end to end (or the clocks disagree).
    int64_t TransferMs() const
    {
      return startMs > 0 && endMs > startMs ? endMs - startMs : 0;
    }
  };

  // Reads the figures of real transfers, one indexed query per direction
  // (by partner and start); QA test transfers are left out.
  class RealTransferStore
  {
  public:
    explicit RealTransferStore(Database& db);

    // Transfers created in [from, to) (UtcTime strings) whose acknowledgements
    // were asked for and which ended (acknowledged or failed).
    std::vector<RealTransferSample> Sent(const std::string& partner, const std::string& from, const std::string& to);

    // Transfers first received in [from, to) that ended (complete, with
    // warnings, or failed).
    std::vector<RealTransferSample> Received(const std::string& partner, const std::string& from,
                                             const std::string& to);

  private:
    Database& db_;
  };
}
