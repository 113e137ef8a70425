// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/TransferState.h"

#include "Core/Common/Trim.h"
#include "Core/Transfer/StateText.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  namespace
  {
    // Indexed by the enums' values: the text stored in SQLite and answered by REST.
    const char* const kTransferNames[] = { "pending", "sending", "sent", "acknowledged", "failed", "canceled" };
    const char* const kMailNames[] = { "pending", "sending", "sent", "acknowledged", "warning", "failed" };
  }

  const char* ToString(TransferState state)
  {
    return kTransferNames[static_cast<size_t>(state)];
  }

  const char* ToString(MailState state)
  {
    return kMailNames[static_cast<size_t>(state)];
  }

  TransferState ParseTransferState(const std::string& text)
  {
    return StateText::Parse<TransferState>(kTransferNames, text, "transfer");
  }

  MailState ParseMailState(const std::string& text)
  {
    return StateText::Parse<MailState>(kMailNames, text, "mail");
  }

  const std::vector<TransferState>& AllTransferStates()
  {
    static const std::vector<TransferState> all = {
      TransferState::Pending, TransferState::Sending, TransferState::Sent,
      TransferState::Acknowledged, TransferState::Failed, TransferState::Canceled };
    return all;
  }

  namespace OutboxStates
  {
    bool IsDelivered(MailState state)
    {
      return state == MailState::Sent || IsAcknowledged(state);
    }

    bool IsAcknowledged(MailState state)
    {
      return state == MailState::Acknowledged || state == MailState::Warning;
    }

    bool IsFinished(TransferState state)
    {
      return state == TransferState::Sent || state == TransferState::Acknowledged || IsStopped(state);
    }

    bool IsStopped(TransferState state)
    {
      return state == TransferState::Failed || state == TransferState::Canceled;
    }

    bool IsResendable(TransferState state)
    {
      return state == TransferState::Failed;
    }

    bool NeedsJob(TransferState state)
    {
      return state == TransferState::Pending || state == TransferState::Sending;
    }

    bool CanChange(TransferState from, TransferState to)
    {
      switch (to)
      {
        case TransferState::Pending:
          return false;   // only a new transfer is pending
        case TransferState::Sending:
          return true;    // a job (re)starts: first run, resend, resubmitted or resumed job
        case TransferState::Sent:
          return from == TransferState::Sending;
        case TransferState::Acknowledged:
          return from == TransferState::Sending || from == TransferState::Sent || from == TransferState::Acknowledged;
        case TransferState::Failed:
          return from != TransferState::Canceled;
        case TransferState::Canceled:
          return from != TransferState::Sent && from != TransferState::Acknowledged;
      }
      return false;
    }

    TransferState WhenAllDelivered(bool acknowledgementsRequested)
    {
      return acknowledgementsRequested ? TransferState::Sent : TransferState::Acknowledged;
    }

    MailState ForDisposition(const std::string& disposition)
    {
      std::string value = Trim(disposition);
      std::transform(value.begin(), value.end(), value.begin(),
                     [](unsigned char c) { return static_cast<char>(tolower(c)); });

      // "automatic-action/MDN-sent-automatically; displayed/warning": the part
      // after ';' is "disposition-type [/ modifier]".
      const size_t semicolon = value.rfind(';');
      if (semicolon != std::string::npos)
      {
        value = value.substr(semicolon + 1);
      }
      std::string type = value;
      std::string modifier;
      const size_t slash = value.find('/');
      if (slash != std::string::npos)
      {
        type = value.substr(0, slash);
        modifier = value.substr(slash + 1);
      }
      type = Trim(type);
      modifier = Trim(modifier);

      if (type == "deleted" || modifier == "error" || modifier == "failed" || modifier == "failure")
      {
        return MailState::Failed;
      }
      if ((type == "displayed" || type == "processed" || type == "dispatched") && modifier.empty())
      {
        return MailState::Acknowledged;
      }
      return MailState::Warning;
    }
  }
}
