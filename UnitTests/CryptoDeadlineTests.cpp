// SPDX-License-Identifier: GPL-3.0-or-later
// No wait without a deadline: a gpg (or gpgconf, or a GPGME operation's
// gpg) that hangs is stopped after the inactivity timeout, and the error
// names it. Shell scripts stand in for a hanging gpg.
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace DicomMail;

namespace
{
  using Clock = std::chrono::steady_clock;

  double SecondsSince(Clock::time_point start)
  {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  std::string RunUntilError(GpgProcess& process, const std::string& input = "")
  {
    StringSource source(input);
    StringSink sink;
    try
    {
      process.Exchange(source, sink, [](const std::string&, const std::string&) {});
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::Internal, e.GetKind());   // local: the mail stays on the server
      return e.what();
    }
    ADD_FAILURE() << "no timeout";
    return "";
  }

  // True while "pid" runs (a zombie waiting for init to reap it counts as gone).
  bool IsRunning(pid_t pid)
  {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
    {
      return false;
    }
    const size_t paren = line.rfind(')');
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
  }

  bool StopsWithin(pid_t pid, double seconds)
  {
    const Clock::time_point start = Clock::now();
    while (IsRunning(pid))
    {
      if (SecondsSince(start) > seconds)
      {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  pid_t ReadPid(const std::string& path)
  {
    return static_cast<pid_t>(atol(Files::ReadAll(path, 32).c_str()));
  }
}

TEST(CryptoDeadline, SilentChildIsStoppedAndTheErrorNamesTheTimeout)
{
  const std::string pidFile = "/tmp/dm-test-deadline-" + std::to_string(getpid());
  GpgProcess process("/bin/sh", { "-c", "echo $$ > " + pidFile + "; exec sleep 600" });
  process.SetInactivityTimeout(std::chrono::milliseconds(300));
  const Clock::time_point start = Clock::now();
  const std::string message = RunUntilError(process);
  EXPECT_LT(SecondsSince(start), 5.0);
  EXPECT_NE(std::string::npos, message.find("made no progress for 300 ms")) << message;
  EXPECT_NE(std::string::npos, message.find("GpgTimeout")) << message;
  EXPECT_FALSE(IsRunning(ReadPid(pidFile)));
  Files::Remove(pidFile);
}

TEST(CryptoDeadline, ChildIgnoringSigtermIsKilled)
{
  GpgProcess process("/bin/sh", { "-c", "trap '' TERM; sleep 600" });
  process.SetInactivityTimeout(std::chrono::milliseconds(200));
  const Clock::time_point start = Clock::now();
  EXPECT_NE(std::string::npos, RunUntilError(process).find("no progress"));
  EXPECT_LT(SecondsSince(start), 8.0);   // grace period of 2 s, then SIGKILL
}

TEST(CryptoDeadline, ChildThatClosesItsOutputButStaysIsStopped)
{
  GpgProcess process("/bin/sh", { "-c", "exec >&- 2>&- 3>&-; sleep 600" });
  process.SetInactivityTimeout(std::chrono::milliseconds(300));
  EXPECT_NE(std::string::npos, RunUntilError(process).find("did not exit"));
}

TEST(CryptoDeadline, SlowButSteadyChildIsNotStopped)
{
  // 1.2 s in all, never 0.5 s without output: an inactivity limit, not a total.
  GpgProcess process("/bin/sh", { "-c", "for i in 1 2 3 4 5 6; do echo $i; sleep 0.2; done" });
  process.SetInactivityTimeout(std::chrono::milliseconds(700));
  StringSource source("");
  StringSink sink;
  EXPECT_EQ(0, process.Exchange(source, sink, [](const std::string&, const std::string&) {}));
  EXPECT_EQ("1\n2\n3\n4\n5\n6\n", sink.GetContent());
}

TEST(CryptoDeadline, HangingGpgOfAGpgmeOperationIsStopped)
{
  // GPGME runs this "gpg": the real one, except that decryption hangs.
  const std::string directory = "/tmp/dm-test-fakegpg-" + std::to_string(getpid());
  Files::MakeDirectories(directory, 0700);
  const std::string fake = directory + "/gpg";
  const std::string pidFile = directory + "/hung.pid";
  Files::WriteAll(fake, "#!/bin/sh\n"
                  "for a in \"$@\"; do\n"
                  "  if [ \"$a\" = --decrypt ]; then echo $$ > " + pidFile + "; exec sleep 600; fi\n"
                  "done\n"
                  "exec " + GpgmeLibrary::GetGpgEnginePath() + " \"$@\"\n");
  ASSERT_EQ(0, chmod(fake.c_str(), 0700));

  {
    GnupgHome::Options options;
    options.gpgTimeoutSeconds = 1;
    options.gpgProgram = fake;
    TemporaryGnupgHome home("/tmp", options);
    OpenPgpContext context(home.GetHome());
    EXPECT_TRUE(context.ListKeys(false).empty());   // everything else goes to gpg

    StringSource cipher(std::string(1000, 'x'));
    StringSink plain;
    const Clock::time_point start = Clock::now();
    try
    {
      context.DecryptAndVerify(cipher, plain);
      ADD_FAILURE() << "no timeout";
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::Internal, e.GetKind());
      EXPECT_NE(std::string::npos, std::string(e.what()).find("no progress for 1 s")) << e.what();
      EXPECT_NE(std::string::npos, std::string(e.what()).find("GpgTimeout")) << e.what();
    }
    EXPECT_LT(SecondsSince(start), 10.0);
    EXPECT_TRUE(StopsWithin(ReadPid(pidFile), 5.0));

    // The context is still usable afterwards.
    EXPECT_TRUE(context.ListKeys(false).empty());
  }
  Files::Remove(fake);
  Files::Remove(pidFile);
  rmdir(directory.c_str());
}
