// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/WakeableThread.h"

namespace DicomMail
{
  class KeyMaterialSync;

  // Keys on every node (#18): brings the keys other nodes published into
  // this node's GnuPG home every KeySyncInterval seconds, on a thread of
  // its own (a gpg import never delays a poll or a send).
  class KeySyncWorker
  {
  public:
    explicit KeySyncWorker(KeyMaterialSync& sync);
    ~KeySyncWorker();
    KeySyncWorker(const KeySyncWorker&) = delete;
    KeySyncWorker& operator=(const KeySyncWorker&) = delete;

    void Start();
    void Stop();

  private:
    void Run();

    KeyMaterialSync& sync_;
    WakeableThread thread_;
  };
}
