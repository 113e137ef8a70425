// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/OutboxStateSql.h"

#include "Core/Store/StateSql.h"

namespace DicomMail
{
  std::string TransferStateList(const std::function<bool(TransferState)>& accepted)
  {
    return StateSql::List(AllTransferStates(), accepted);
  }

  std::string TransferOf(const std::string& column, const std::function<bool(TransferState)>& accepted)
  {
    const std::string list = TransferStateList(accepted);
    if (list.empty())
    {
      return "0";
    }
    return "EXISTS (SELECT 1 FROM outbox_transfers t WHERE t.set_id = " + column + " AND t.state IN (" + list + "))";
  }
}
