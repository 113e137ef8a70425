// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the Transport*Tests: access to the real Postfix + Dovecot stack
// that IntegrationTests/harness/mailstack.sh started into
// $DICOM_MAIL_STACK_DIR, and deterministic test messages that can be
// regenerated to check what arrived byte for byte.

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Transport/ImapMailbox.h"
#include "Core/Transport/MailAccount.h"

#include <json/json.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

namespace TransportTest
{
  struct Stack
  {
    std::string dir;
    std::string ca;
    std::string otherCa;
    std::map<std::string, int> ports;              // "smtp", "smtps", "imap", "imaps", "pop3", "pop3s"
    std::map<std::string, std::string> passwords;  // user -> password
  };

  // Throws (the test fails, it never skips) when the stack is not there.
  inline const Stack& GetStack()
  {
    static const Stack stack = []
    {
      const char* dir = getenv("DICOM_MAIL_STACK_DIR");
      if (dir == nullptr || *dir == '\0')
      {
        throw std::runtime_error("DICOM_MAIL_STACK_DIR is not set: start the mail stack with "
                                 "IntegrationTests/harness/mailstack.sh start DIR and export it");
      }
      const std::string path = std::string(dir) + "/env.json";
      std::ifstream file(path);
      if (!file)
      {
        throw std::runtime_error("mail stack description " + path + " is missing: is the stack running?");
      }
      Json::Value env;
      Json::CharReaderBuilder builder;
      std::string errors;
      if (!Json::parseFromStream(builder, file, &env, &errors))
      {
        throw std::runtime_error("cannot parse " + path + ": " + errors);
      }

      Stack s;
      s.dir = env["MAILSTACK_DIR"].asString();
      s.ca = env["MAILSTACK_CA"].asString();
      s.otherCa = env["MAILSTACK_OTHER_CA"].asString();
      for (const char* name : { "smtp", "smtps", "imap", "imaps", "pop3", "pop3s" })
      {
        std::string key = "MAILSTACK_" + std::string(name) + "_PORT";
        std::transform(key.begin(), key.end(), key.begin(), ::toupper);
        if (!env[key].isInt())
        {
          throw std::runtime_error(path + " lacks the integer " + key);
        }
        s.ports[name] = env[key].asInt();
      }
      for (const std::string& user : env["users"].getMemberNames())
      {
        s.passwords[user] = env["users"][user].asString();
      }
      if (s.ca.empty() || s.passwords.empty())
      {
        throw std::runtime_error(path + " lacks MAILSTACK_CA or users");
      }
      return s;
    }();
    return stack;
  }

  // An account of the stack over "scheme" (smtp, smtps, imap, ...), verified
  // against the stack's CA.
  inline DicomMail::MailAccount Account(const std::string& scheme, const std::string& user)
  {
    const Stack& stack = GetStack();
    if (stack.passwords.count(user) == 0)
    {
      throw std::runtime_error("the mail stack has no user " + user);
    }
    DicomMail::MailAccount account;
    account.url = scheme + "://127.0.0.1:" + std::to_string(stack.ports.at(scheme));
    account.user = user;
    account.password = stack.passwords.at(user);
    account.caFile = stack.ca;
    account.connectTimeoutSeconds = 10;
    account.responseTimeoutSeconds = 60;
    return account;
  }

  // Unique across processes and runs, so that tests sharing the stack's
  // mailboxes find their own messages.
  inline std::string UniqueToken(const std::string& prefix)
  {
    static std::atomic<unsigned int> counter(0);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return prefix + "-" + std::to_string(getpid()) + "-" +
      std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count()) + "-" +
      std::to_string(counter++);
  }

  // A mail of exactly "size" bytes with CRLF lines: headers whose first line
  // is the marker "X-Transport-Test: <token>", then pseudo-random base64-like
  // lines, with lines "." / ".." / ".x" sprinkled in to exercise SMTP
  // dot-stuffing. Two instances with the same arguments produce the same
  // bytes, so what arrived can be checked without keeping the original.
  class GeneratedMessage : public DicomMail::ByteSource
  {
  public:
    GeneratedMessage(const std::string& token, const std::string& from, const std::string& to,
                     uint64_t size, const std::string& subject = "") :
      remaining_(size),
      state_(0x9E3779B97F4A7C15ull ^ std::hash<std::string>()(token))
    {
      pending_ = Marker(token) +
        "From: <" + from + ">\r\n"
        "To: <" + to + ">\r\n"
        "Subject: " + (subject.empty() ? "transport test " + token : subject) + "\r\n"
        "Date: Sat, 28 Nov 2026 12:00:00 +0000\r\n"
        "Message-ID: <" + token + "@transport.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n";
      if (pending_.size() + 2 > size)
      {
        throw std::runtime_error("generated message too small for its headers");
      }
      remaining_ -= pending_.size();   // "remaining_" counts the body lines still to make
    }

    static std::string Marker(const std::string& token)
    {
      return "X-Transport-Test: " + token + "\r\n";
    }

    size_t Read(void* buffer, size_t size) override
    {
      size_t done = 0;
      char* out = static_cast<char*>(buffer);
      while (done < size && (remaining_ > 0 || position_ < pending_.size()))
      {
        if (position_ == pending_.size())
        {
          NextLine();
        }
        const size_t n = std::min(size - done, pending_.size() - position_);
        memcpy(out + done, pending_.data() + position_, n);
        position_ += n;
        done += n;
      }
      return done;
    }

  private:
    void NextLine()
    {
      static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const uint64_t full = 78;
      const uint64_t length = (remaining_ >= 2 * full) ? full : remaining_;
      pending_.assign(static_cast<size_t>(length), 'x');
      for (uint64_t i = 0; i + 2 < length; i++)
      {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        pending_[i] = alphabet[state_ & 63];
      }
      lines_++;
      if (length == full && lines_ % 997 == 0)
      {
        pending_ = ".\r\n..\r\n" + pending_.substr(7);   // same length: ".", ".." then the rest
      }
      else if (length == full && lines_ % 1013 == 0)
      {
        pending_[0] = '.';
      }
      pending_[pending_.size() - 2] = '\r';
      pending_[pending_.size() - 1] = '\n';
      remaining_ -= length;
      position_ = 0;
    }

  private:
    uint64_t remaining_;
    uint64_t state_;
    std::string pending_;
    size_t position_ = 0;
    uint64_t lines_ = 0;
  };

  // Checks, as it streams in, that a fetched mail holds the generated one:
  // whatever the servers put in front (Return-Path, Received, ...) is
  // skipped up to the marker line, everything from there must match.
  class ComparingSink : public DicomMail::ByteSink
  {
  public:
    ComparingSink(GeneratedMessage& expected, const std::string& token, uint64_t expectedSize) :
      expected_(expected),
      marker_(GeneratedMessage::Marker(token)),
      expectedSize_(expectedSize)
    {
    }

    using DicomMail::ByteSink::Write;

    void Write(const void* data, size_t size) override
    {
      received_ += size;
      const char* bytes = static_cast<const char*>(data);
      if (!synced_)
      {
        prefix_.append(bytes, size);
        size_t pos = (prefix_.compare(0, marker_.size(), marker_) == 0) ? 0 : prefix_.find("\n" + marker_);
        if (pos == std::string::npos)
        {
          if (prefix_.size() > 1024 * 1024)
          {
            throw std::runtime_error("no marker line in the first MiB of the fetched mail");
          }
          return;
        }
        if (pos != 0)
        {
          pos++;
        }
        synced_ = true;
        std::string rest = prefix_.substr(pos);
        prefix_.resize(pos);
        Compare(rest.data(), rest.size());
        return;
      }
      Compare(bytes, size);
    }

    // Everything matched and the whole generated mail was seen.
    bool Matches()
    {
      char probe;
      return synced_ && mismatchAt_ < 0 && compared_ == expectedSize_ && expected_.Read(&probe, 1) == 0;
    }

    std::string Describe() const
    {
      return "synced=" + std::to_string(synced_) + " compared=" + std::to_string(compared_) + " of " +
        std::to_string(expectedSize_) + " firstMismatch=" + std::to_string(mismatchAt_) +
        " serverPrefixBytes=" + std::to_string(prefix_.size());
    }

    uint64_t GetReceived() const
    {
      return received_;
    }

    // What the servers put in front of the message.
    const std::string& GetServerPrefix() const
    {
      return prefix_;
    }

  private:
    void Compare(const char* data, size_t size)
    {
      while (size > 0)
      {
        char buffer[64 * 1024];
        const size_t want = std::min(size, sizeof(buffer));
        const size_t got = expected_.Read(buffer, want);
        if (got == 0)
        {
          if (mismatchAt_ < 0)
          {
            mismatchAt_ = static_cast<int64_t>(compared_);   // longer than expected
          }
          return;
        }
        if (mismatchAt_ < 0 && memcmp(buffer, data, got) != 0)
        {
          size_t i = 0;
          while (buffer[i] == data[i])
          {
            i++;
          }
          mismatchAt_ = static_cast<int64_t>(compared_ + i);
        }
        compared_ += got;
        data += got;
        size -= got;
      }
    }

    GeneratedMessage& expected_;
    std::string marker_;
    uint64_t expectedSize_;
    std::string prefix_;
    bool synced_ = false;
    uint64_t compared_ = 0;
    uint64_t received_ = 0;
    int64_t mismatchAt_ = -1;
  };

  // Polls the folder until the mail with this token has been delivered.
  inline uint32_t WaitForDelivery(DicomMail::ImapMailbox& mailbox, const std::string& token, int timeoutSeconds = 60)
  {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    for (;;)
    {
      const std::vector<uint32_t> uids =
        mailbox.ListUids("HEADER X-Transport-Test " + DicomMail::ImapMailbox::Quote(token));
      if (uids.size() == 1)
      {
        return uids[0];
      }
      if (uids.size() > 1)
      {
        throw std::runtime_error("token " + token + " delivered more than once");
      }
      if (std::chrono::steady_clock::now() > deadline)
      {
        throw std::runtime_error("mail " + token + " not delivered within " + std::to_string(timeoutSeconds) + " s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // A TCP port on 127.0.0.1 that accepts connections (the kernel completes
  // the handshake) but never says anything: a hung server.
  class SilentServer
  {
  public:
    SilentServer()
    {
      fd_ = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address {};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t length = sizeof(address);
      if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
          listen(fd_, 8) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      {
        throw std::runtime_error("cannot open a listening socket");
      }
      port_ = ntohs(address.sin_port);
    }

    ~SilentServer()
    {
      close(fd_);
    }

    int GetPort() const
    {
      return port_;
    }

  private:
    int fd_;
    int port_;
  };

  // A port on 127.0.0.1 with nobody listening (bound once, then released).
  inline int ClosedPort()
  {
    int port;
    {
      SilentServer server;
      port = server.GetPort();
    }
    return port;
  }
}
