// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/Pop3Mailbox.h"

#include <cctype>
#include <sstream>

namespace DicomMail
{
  namespace
  {
    const size_t MAX_LISTING_SIZE = 64 * 1024 * 1024;
  }

  Pop3Mailbox::Pop3Mailbox(const MailAccount& account) :
    session_(account, CurlSession::Protocol::Pop3)
  {
  }

  Pop3Mailbox::~Pop3Mailbox()
  {
    try
    {
      Close();
    }
    catch (...)
    {
      // The connection goes anyway; without QUIT the server keeps every message.
    }
  }

  void Pop3Mailbox::SetProgress(const TransferProgress& progress)
  {
    session_.SetProgress(progress);
  }

  std::string Pop3Mailbox::MessageUrl(unsigned int number) const
  {
    return session_.GetUrl().GetBase() + "/" + std::to_string(number);
  }

  std::vector<Pop3Mailbox::Entry> Pop3Mailbox::ListUidl()
  {
    session_.Begin(session_.GetUrl().GetBase() + "/");
    session_.SetCustomRequest("UIDL");
    session_.ReceiveText(MAX_LISTING_SIZE);
    Perform("POP3 UIDL at " + session_.GetUrl().GetBase());

    // "<number> <uidl>" per line; libcurl has removed the status line and the
    // terminating ".".
    std::vector<Entry> entries;
    std::istringstream lines(session_.GetText());
    std::string line;
    while (std::getline(lines, line))
    {
      if (!line.empty() && line.back() == '\r')
      {
        line.pop_back();
      }
      if (line.empty())
      {
        continue;
      }
      std::istringstream fields(line);
      std::string number, uidl;
      if (!(fields >> number >> uidl) || number.size() > 9 ||
          number.find_first_not_of("0123456789") != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, "malformed UIDL line from the POP3 server: \"" + line.substr(0, 100) + "\"");
      }
      entries.push_back(Entry{ static_cast<unsigned int>(std::stoul(number)), uidl });
    }
    return entries;
  }

  // Whenever the session ends (libcurl closes the connection after a failed
  // command, with QUIT, or loses it) or a new one starts, the DELEs of the
  // old session are no longer pending: committed or forgotten by the server.
  void Pop3Mailbox::Perform(const std::string& operation)
  {
    try
    {
      session_.Perform(operation);
    }
    catch (TransportError&)
    {
      pendingDeletions_ = false;
      throw;
    }
    if (session_.OpenedConnection())
    {
      pendingDeletions_ = false;
    }
  }

  std::string Pop3Mailbox::Describe(const Entry& message) const
  {
    return "message " + std::to_string(message.number) + " (UIDL " + message.uidl + ") at " +
      session_.GetUrl().GetBase();
  }

  // "UIDL n" answers "+OK n <uidl>" on a single line (NOBODY), which the
  // session keeps as the last reply.
  void Pop3Mailbox::CheckIdentity(const Entry& message, const std::string& operation)
  {
    session_.Begin(MessageUrl(message.number));
    session_.SetCustomRequest("UIDL");
    curl_easy_setopt(session_.GetHandle(), CURLOPT_NOBODY, 1L);
    Perform(operation);

    std::istringstream fields(session_.GetLastReply());
    std::string status, number, uidl;
    fields >> status >> number >> uidl;
    if (status != "+OK" || number != std::to_string(message.number) || uidl != message.uidl)
    {
      throw TransportError(TransportError::Nature::Temporary, operation + " failed: message " +
                           std::to_string(message.number) + " is no longer UIDL " + message.uidl +
                           " (the session or the maildrop changed); list again", 0, session_.GetLastReply());
    }
  }

  void Pop3Mailbox::Retrieve(const Entry& message, ByteSink& sink)
  {
    const std::string operation = "POP3 retrieve of " + Describe(message);
    CheckIdentity(message, operation);
    session_.Begin(MessageUrl(message.number));
    session_.ReceiveTo(sink);
    Perform(operation);
    if (session_.OpenedConnection())
    {
      throw TransportError(TransportError::Nature::Temporary, operation + " failed: the connection was "
                           "re-established, so the message number may name another message; list again", 0, "");
    }
  }

  void Pop3Mailbox::Delete(const Entry& message)
  {
    const std::string operation = "POP3 delete of " + Describe(message);
    CheckIdentity(message, operation);
    session_.Begin(MessageUrl(message.number));
    session_.SetCustomRequest("DELE");
    curl_easy_setopt(session_.GetHandle(), CURLOPT_NOBODY, 1L);   // single-line reply
    Perform(operation);
    pendingDeletions_ = true;
    if (session_.OpenedConnection())
    {
      // A new session: number n may be another message. Undo and give up.
      Close();
      throw TransportError(TransportError::Nature::Temporary, operation + " failed: the connection was "
                           "re-established, so the message number may name another message; list again", 0, "");
    }
  }

  void Pop3Mailbox::Commit()
  {
    // libcurl sends QUIT when the handle's connection is closed; the server
    // then enters the UPDATE state and removes the marked messages.
    session_.CloseConnection();
    pendingDeletions_ = false;
  }

  void Pop3Mailbox::Close()
  {
    if (pendingDeletions_)
    {
      // RSET on the same (still open) session unmarks every DELE.
      pendingDeletions_ = false;
      session_.Begin(session_.GetUrl().GetBase() + "/");
      session_.SetCustomRequest("RSET");
      curl_easy_setopt(session_.GetHandle(), CURLOPT_NOBODY, 1L);
      try
      {
        session_.Perform("POP3 reset at " + session_.GetUrl().GetBase());
      }
      catch (...)
      {
        session_.CloseConnection();
        throw;
      }
    }
    session_.CloseConnection();
  }
}
