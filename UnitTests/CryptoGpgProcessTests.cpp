// SPDX-License-Identifier: GPL-3.0-or-later
// GpgProcess with /bin/sh standing in for gpg: the plumbing (pipes, status
// and command channels, early exits, errors) without any cryptography.
#include "Core/Common/Error.h"
#include "Core/Crypto/GpgDecryptVerify.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgSign.h"
#include "Core/Crypto/GpgSignEncrypt.h"
#include "Core/Crypto/GpgVerify.h"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
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

TEST(CryptoGpgProcess, ExtraInputOnDescriptorFive)
{
  // A detached signature reaches gpg this way, larger than a pipe holds.
  const std::string extra = PatternedData(200000);
  GpgProcess process(kShell, { "-c", "cat <&5" }, extra);
  StringSource source("");
  StringSink sink;
  EXPECT_EQ(0, process.Exchange(source, sink, [](const std::string&, const std::string&) {}));
  EXPECT_TRUE(sink.GetContent() == extra) << sink.GetContent().size() << " bytes";
}

namespace
{
  // A field of /proc/<pid>/status ("SigBlk", "SigIgn") as a bit set.
  unsigned long long SignalSet(const std::string& status, const std::string& field)
  {
    const size_t at = status.find("\n" + field + ":");
    return at == std::string::npos ? ~0ull : std::stoull(status.substr(status.find_first_not_of(" \t:", at + 1 +
                                                                                                  field.size())),
                                                         nullptr, 16);
  }

  unsigned long long Bit(int signal)
  {
    return 1ull << (signal - 1);
  }
}

TEST(CryptoGpgProcess, ChildStartsWithNoBlockedSignalsAndSigpipeAtItsDefault)
{
  // Whatever the host's thread blocks or ignores (Orthanc's threads and
  // GPGME change both), gpg starts from a clean state: no signal blocked,
  // so SIGTERM reaches it and it removes its lock files; SIGPIPE at its
  // default, which gpg then sets to ignored itself.
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGUSR1);
  sigset_t previousMask;
  ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, &block, &previousMask));
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previousPipe;
  ASSERT_EQ(0, sigaction(SIGPIPE, &ignore, &previousPipe));

  std::string output;
  StatusLines status;
  // exec: the status is cat's own, not the shell's.
  const int code = RunShell("exec cat /proc/self/status", "", output, status);
  sigaction(SIGPIPE, &previousPipe, nullptr);
  pthread_sigmask(SIG_SETMASK, &previousMask, nullptr);

  ASSERT_EQ(0, code);
  EXPECT_EQ(0ull, SignalSet(output, "SigBlk")) << output;
  EXPECT_EQ(0ull, SignalSet(output, "SigIgn") & Bit(SIGPIPE)) << output;
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

TEST(CryptoGpgDecryptVerify, Arguments)
{
  GpgDecryptVerify::Request request;
  request.homePath = "/var/lib/orthanc/gnupg";
  const std::vector<std::string> a = GpgDecryptVerify::BuildArguments(request);
  const std::vector<std::string> session = GpgProcess::SessionArguments(request.homePath);
  ASSERT_GE(a.size(), session.size());
  EXPECT_TRUE(std::equal(session.begin(), session.end(), a.begin()));
  EXPECT_NE(a.end(), std::find(a.begin(), a.end(), "--decrypt"));
  EXPECT_NE(a.end(), std::find(a.begin(), a.end(), "--no-auto-key-retrieve"));
  EXPECT_EQ(a.end(), std::find(a.begin(), a.end(), "--always-trust"));
  EXPECT_NE(session.end(), std::find(session.begin(), session.end(), "loopback"));
}

TEST(CryptoGpgSign, Arguments)
{
  GpgSign::Request request;
  request.homePath = "/var/lib/orthanc/gnupg";
  request.signerFingerprint = std::string(40, 'A');
  const std::vector<std::string> detached = GpgSign::BuildArguments(request);
  EXPECT_NE(detached.end(), std::find(detached.begin(), detached.end(), "--detach-sign"));
  EXPECT_NE(detached.end(), std::find(detached.begin(), detached.end(), "--armor"));
  EXPECT_EQ(detached.end(), std::find(detached.begin(), detached.end(), "--textmode"));   // RFC 3156: we canonicalise
  EXPECT_NE(detached.end(), std::find(detached.begin(), detached.end(), std::string(40, 'A')));

  request.detached = false;
  request.armored = false;
  const std::vector<std::string> inline_ = GpgSign::BuildArguments(request);
  EXPECT_NE(inline_.end(), std::find(inline_.begin(), inline_.end(), "--sign"));
  EXPECT_EQ(inline_.end(), std::find(inline_.begin(), inline_.end(), "--armor"));
}

TEST(CryptoGpgVerify, Arguments)
{
  GpgVerify::Request request;
  request.homePath = "/var/lib/orthanc/gnupg";
  const std::vector<std::string> a = GpgVerify::BuildArguments(request);
  ASSERT_GE(a.size(), 3u);
  // The signature from descriptor 5, the signed data from stdin, nothing else.
  EXPECT_EQ("--", a[a.size() - 3]);
  EXPECT_EQ("-&5", a[a.size() - 2]);
  EXPECT_EQ("-", a.back());
  EXPECT_NE(a.end(), std::find(a.begin(), a.end(), "--verify"));
  EXPECT_NE(a.end(), std::find(a.begin(), a.end(), "--no-auto-key-retrieve"));
}
