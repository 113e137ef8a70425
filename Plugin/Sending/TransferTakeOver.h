// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/WakeableThread.h"

namespace DicomMail
{
  // This node's part in sending on several nodes (#18), on a thread of its
  // own: every SendingLeases::kRenewSeconds it renews its claims on the
  // transfers its send jobs hold (queued, running or paused), and resumes
  // in a send job of a new run each transfer whose node's claims lapsed (the
  // node died). The job sends only the mails the SMTP server has not
  // accepted; a mail whose upload was cut off by the death goes again. The
  // instances are read from this Orthanc: the nodes share Orthanc's index
  // and storage.
  class TransferTakeOver
  {
  public:
    TransferTakeOver() = default;
    ~TransferTakeOver();
    TransferTakeOver(const TransferTakeOver&) = delete;
    TransferTakeOver& operator=(const TransferTakeOver&) = delete;

    void Start();
    void Stop();

  private:
    void Run();
    void Pass();

    WakeableThread thread_;
  };
}
