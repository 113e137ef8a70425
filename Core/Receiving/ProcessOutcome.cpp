// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/ProcessOutcome.h"

namespace DicomMail
{
  const char* ToString(ProcessOutcome outcome)
  {
    switch (outcome)
    {
      case ProcessOutcome::Imported:
        return "Imported";
      case ProcessOutcome::ImportedWithWarnings:
        return "ImportedWithWarnings";
      case ProcessOutcome::Failed:
        return "Failed";
      case ProcessOutcome::Rejected:
        return "Rejected";
      case ProcessOutcome::Quarantined:
        return "Quarantined";
    }
    return "Unknown";
  }

  Disposition ToDisposition(ProcessOutcome outcome)
  {
    switch (outcome)
    {
      case ProcessOutcome::Imported:
        return Disposition::Displayed;
      case ProcessOutcome::ImportedWithWarnings:
        return Disposition::DisplayedWarning;
      case ProcessOutcome::Failed:
        return Disposition::DeletedError;
      case ProcessOutcome::Rejected:
      case ProcessOutcome::Quarantined:
        return Disposition::Deleted;
    }
    return Disposition::Deleted;
  }
}
