// SPDX-License-Identifier: GPL-3.0-or-later
// GpgProcess with /bin/sh standing in for gpg: the plumbing (pipes, status
// and command channels, early exits, errors) without any cryptography.
#include "Core/Common/Error.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgSignEncrypt.h"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace DicomMail;

namespace
{
  const char kShell[] = "/bin/sh";

  typedef std::vector<std::pair<std::string, std::string> > StatusLines;

  std::string PatternedData(size_t size)
  {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; i++)
    {
      data[i] = static_cast<char>((i * 7 + i / 4096) & 0xff);
    }
    return data;
  }

  int RunShell(const std::string& script, const std::string& input, std::string& output,
               StatusLines& status, const GpgProcess::StatusHandler& extra = nullptr,
               std::string* diagnostics = nullptr)
  {
    GpgProcess process(kShell, { "-c", script });
    StringSource source(input);
    StringSink sink;
    const int code = process.Exchange(source, sink, [&](const std::string& keyword, const std::string& arguments)
    {
      status.emplace_back(keyword, arguments);
      if (extra)
      {
        extra(keyword, arguments);
      }
    });
    output = sink.GetContent();
    if (diagnostics != nullptr)
    {
      *diagnostics = process.GetDiagnostics();
    }
    return code;
  }
}

TEST(CryptoGpgProcess, PipesDataStatusAndExitCode)
{
  // More than the pipes hold, so both directions must flow at once.
  const std::string input = PatternedData(5 * 1024 * 1024 + 17);
  std::string output;
  std::string diagnostics;
  StatusLines status;
  const int code = RunShell("printf '[GNUPG:] HELLO a b\\nnot a status line\\n[GNUPG:] BARE\\n' >&3; "
                            "cat; echo 'last words' >&2; exit 3",
                            input, output, status, nullptr, &diagnostics);
  EXPECT_EQ(3, code);
  EXPECT_TRUE(output == input) << output.size() << " bytes came back of " << input.size();
  ASSERT_EQ(2u, status.size());
  EXPECT_EQ("HELLO", status[0].first);
  EXPECT_EQ("a b", status[0].second);
  EXPECT_EQ("BARE", status[1].first);
  EXPECT_EQ("", status[1].second);
  EXPECT_EQ("last words\n", diagnostics);
}

TEST(CryptoGpgProcess, AnswersGoToTheCommandChannel)
{
  std::string output;
  StatusLines status;
  GpgProcess* self = nullptr;
  GpgProcess process(kShell, { "-c", "echo '[GNUPG:] GET_LINE question' >&3; read answer <&4; echo \"got $answer\"" });
  self = &process;
  StringSource source("");
  StringSink sink;
  EXPECT_EQ(0, process.Exchange(source, sink, [&](const std::string& keyword, const std::string&)
  {
    if (keyword == "GET_LINE")
    {
      self->SendCommand("yes\n");
    }
  }));
  EXPECT_EQ("got yes\n", sink.GetContent());
}

TEST(CryptoGpgProcess, ChildThatStopsReadingEarly)
{
  // The child leaves after 10 bytes of 8 MB: no SIGPIPE ends the test
  // process (the default disposition is in force here), no hang.
  struct sigaction previous;
  struct sigaction byDefault = {};
  byDefault.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &byDefault, &previous);

  std::string output;
  StatusLines status;
  const int code = RunShell("head -c 10 >/dev/null; echo done", PatternedData(8 * 1024 * 1024), output, status);
  sigaction(SIGPIPE, &previous, nullptr);

  EXPECT_EQ(0, code);
  EXPECT_EQ("done\n", output);
}

TEST(CryptoGpgProcess, OnlyItsOwnDescriptorsReachTheChild)
{
  // A descriptor of the host opened without O_CLOEXEC must not leak.
  // (F_DUPFD leaves FD_CLOEXEC off; 40 is above anything the shell opens.)
  const int opened = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(opened, 0);
  const int leaky = fcntl(opened, F_DUPFD, 40);
  close(opened);
  ASSERT_GE(leaky, 40);
  std::string output;
  StatusLines status;
  const int code = RunShell("for f in /proc/$$/fd/*; do echo ${f##*/}; done", "", output, status);
  close(leaky);
  EXPECT_EQ(0, code);
  // 0-4 are stdin, stdout, stderr, status and command; the shell itself may
  // hold one more while it reads the directory.
  EXPECT_EQ(0u, output.find("0\n1\n2\n3\n4\n")) << output;
  EXPECT_EQ(std::string::npos, output.find(std::to_string(leaky) + "\n")) << output;
}

TEST(CryptoGpgProcess, HandlerErrorsStopTheChild)
{
  std::string output;
  StatusLines status;
  try
  {
    RunShell("echo '[GNUPG:] GET_BOOL anything' >&3; sleep 60", "", output, status,
             [](const std::string&, const std::string&)
    {
      throw Error(ErrorKind::Crypto, "no answer (test)");
    });
    ADD_FAILURE() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_STREQ("no answer (test)", e.what());
  }
}

TEST(CryptoGpgProcess, SourceErrorsPropagate)
{
  class FailingSource : public ByteSource
  {
  public:
    size_t Read(void* buffer, size_t size) override
    {
      if (calls_++ == 2)
      {
        throw Error(ErrorKind::Storage, "instance unreadable (test)");
      }
      std::fill_n(static_cast<char*>(buffer), size, 'x');
      return size;
    }

  private:
    int calls_ = 0;
  };

  GpgProcess process(kShell, { "-c", "cat >/dev/null" });
  FailingSource source;
  StringSink sink;
  try
  {
    process.Exchange(source, sink, [](const std::string&, const std::string&) {});
    ADD_FAILURE() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
  }
}

TEST(CryptoGpgProcess, MissingProgramIsAConfigurationError)
{
  try
  {
    GpgProcess process("/nonexistent/gpg", { "--version" });
    ADD_FAILURE() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/nonexistent/gpg")) << e.what();
  }
}

TEST(CryptoGpgSignEncrypt, Arguments)
{
  GpgSignEncrypt::Request request;
  request.homePath = "/var/lib/orthanc/gnupg";
  request.signerFingerprint = std::string(40, 'A');
  request.recipientFingerprints = { std::string(40, 'B'), std::string(40, 'C') };
  request.compress = false;
  const std::vector<std::string> a = GpgSignEncrypt::BuildArguments(request);
  auto after = [&](const std::string& option)
  {
    auto found = std::find(a.begin(), a.end(), option);
    return found == a.end() || found + 1 == a.end() ? std::string("(absent)") : *(found + 1);
  };
  EXPECT_EQ("/var/lib/orthanc/gnupg", after("--homedir"));
  EXPECT_EQ("3", after("--status-fd"));
  EXPECT_EQ("4", after("--command-fd"));
  EXPECT_EQ("loopback", after("--pinentry-mode"));
  EXPECT_EQ(std::string(40, 'A'), after("--local-user"));
  EXPECT_EQ(2, std::count(a.begin(), a.end(), "--recipient"));
  EXPECT_EQ("none", after("--compress-algo"));
  EXPECT_EQ(1, std::count(a.begin(), a.end(), "--no-encrypt-to"));
  EXPECT_EQ(0, std::count(a.begin(), a.end(), "--armor"));
  EXPECT_EQ("(absent)", after("--set-filename"));

  request.compress = true;
  request.fileName = "study.tar";
  const std::vector<std::string> b = GpgSignEncrypt::BuildArguments(request);
  EXPECT_EQ(0, std::count(b.begin(), b.end(), "--compress-algo"));
  EXPECT_NE(b.end(), std::find(b.begin(), b.end(), "study.tar"));
}
