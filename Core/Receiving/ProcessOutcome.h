// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementDisposition.h"

namespace DicomMail
{
  // How processing one DICOM-Mail ended.
  enum class ProcessOutcome
  {
    Imported,               // every instance stored
    ImportedWithWarnings,   // stored, but some were there already or extra parts were ignored
    Failed,                 // retryable: damaged in transit, an instance failed, local trouble
    Rejected,               // permanent: cannot decrypt, malformed, hostile, over a limit
    Quarantined             // crypto fine, trust missing: keep the mail, retry after certification
  };

  const char* ToString(ProcessOutcome outcome);

  // The acknowledgement of docs/wire-format.md §5: Imported -> displayed,
  // ImportedWithWarnings -> displayed/warning, Failed -> deleted/error,
  // Rejected and Quarantined -> deleted.
  Disposition ToDisposition(ProcessOutcome outcome);
}
