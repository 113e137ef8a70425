// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Transport/CurlHandle.h"
#include "Core/Transport/MailAccount.h"
#include "Core/Transport/MailUrl.h"
#include "Core/Transport/TransferProgress.h"
#include "Core/Transport/TransportError.h"

#include <cstdint>
#include <exception>
#include <string>

namespace DicomMail
{
  // The plumbing shared by SmtpSender, ImapMailbox and Pop3Mailbox: one easy
  // handle (so the connection is reused from one operation to the next), the
  // account's TLS/auth/timeout options, streaming callbacks that carry C++
  // exceptions across libcurl, the capture of the server's reply lines, and
  // the translation of a failed transfer into a classified TransportError.
  //
  // One operation = Begin(url), optional setup (custom request, sink,
  // source), Perform(). Not thread-safe: one session per thread.
  class CurlSession
  {
  public:
    enum class Protocol
    {
      Smtp,
      Imap,
      Pop3
    };

    CurlSession(const MailAccount& account, Protocol protocol);
    CurlSession(const CurlSession&) = delete;
    CurlSession& operator=(const CurlSession&) = delete;

    const MailUrl& GetUrl() const
    {
      return url_;
    }

    const MailAccount& GetAccount() const
    {
      return account_;
    }

    // Applies to every later operation until changed; empty = none.
    void SetProgress(const TransferProgress& progress)
    {
      progress_ = progress;
    }

    // Resets the handle's options (its live connection stays) and applies the
    // account's settings for a transfer to "url". Received data is discarded
    // unless ReceiveTo/ReceiveText is called.
    void Begin(const std::string& url);

    // For the protocol-specific options between Begin and Perform.
    CURL* GetHandle() const
    {
      return handle_.Get();
    }

    // An IMAP/POP3 command sent verbatim (libcurl URL-decodes custom
    // requests, so '%' is escaped here). Throws BadInput on CR/LF/NUL.
    void SetCustomRequest(const std::string& command);

    void ReceiveTo(ByteSink& sink);

    // Collects the received data (untagged IMAP replies, POP3 listings) for
    // GetText(); more than maxSize bytes fail with LimitExceeded.
    void ReceiveText(size_t maxSize);

    // Uploads exactly "size" bytes of "source"; a source that ends early or
    // has more aborts the transfer with Error(BadInput) before the last byte
    // leaves, so the server never accepts a truncated message.
    void SendFrom(ByteSource& source, uint64_t size);

    // Runs the transfer. Throws TransportError when the server or network
    // failed, or rethrows what a sink, source or progress callback threw.
    void Perform(const std::string& operation);

    const std::string& GetText() const
    {
      return text_;
    }

    // Bytes the upload source has delivered so far.
    uint64_t GetUploaded() const
    {
      return sourceRead_;
    }

    // The last reply line the server sent during the last operation, and the
    // last one that reported an error (SMTP 4xx/5xx, IMAP tagged NO/BAD,
    // POP3 -ERR).
    const std::string& GetLastReply() const
    {
      return lastReply_;
    }

    const std::string& GetLastErrorReply() const
    {
      return lastErrorReply_;
    }

    long GetResponseCode() const;

    // Whether the last operation had to open a new connection (false: it
    // reused the one left open by an earlier operation).
    bool OpenedConnection() const;

    // Connections opened by this session's operations so far (a kept
    // session that reuses its connection stops counting up, #15).
    unsigned int GetConnectionsOpened() const
    {
      return connectionsOpened_;
    }

    // Closes the connection now (SMTP/POP3 QUIT, IMAP LOGOUT).
    void CloseConnection();

  private:
    enum class WriteMode
    {
      Discard,
      Sink,
      Text
    };

    static size_t WriteCallback(char* data, size_t size, size_t count, void* self);
    static size_t ReadCallback(char* buffer, size_t size, size_t count, void* self);
    static int ProgressCallback(void* self, curl_off_t dlTotal, curl_off_t dlNow, curl_off_t ulTotal, curl_off_t ulNow);
    static int DebugCallback(CURL* curl, curl_infotype type, char* data, size_t size, void* self);

    size_t Write(const char* data, size_t size);
    size_t Read(char* buffer, size_t size);
    void RecordReplyLine(std::string line);
    bool IsErrorReply(const std::string& line) const;
    TransportError MakeError(CURLcode code, const std::string& operation) const;

    MailAccount account_;
    MailUrl url_;
    Protocol protocol_;
    CurlHandle handle_;
    TransferProgress progress_;
    char errorBuffer_[CURL_ERROR_SIZE];

    // State of the current operation.
    WriteMode writeMode_ = WriteMode::Discard;
    ByteSink* sink_ = nullptr;
    std::string text_;
    size_t textLimit_ = 0;
    ByteSource* source_ = nullptr;
    uint64_t sourceSize_ = 0;
    uint64_t sourceRead_ = 0;
    std::exception_ptr callbackError_;
    std::string lastReply_;
    std::string lastErrorReply_;
    std::string lastBye_;
    unsigned int connectionsOpened_ = 0;
  };
}
